/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_ring.h>

#include "fdb.h"
#include "l2.h"

/* Posts a learn event unless the same one was posted within w->learn_repost. */
static inline void
l2_post_learn(struct dp_worker *w, uint64_t key, uint16_t port)
{
	uint32_t slot = (uint32_t)(key ^ (key >> 17) ^ (key >> 31)) & (DP_LEARN_CACHE - 1);
	struct dp_learn_ev *ev;

	if (w->learn_cache[slot].key == key && w->learn_cache[slot].port == port &&
			w->now - w->learn_cache[slot].when < w->learn_repost)
		return;
	w->learn_cache[slot].key = key;
	w->learn_cache[slot].port = port;
	w->learn_cache[slot].when = w->now;
	ev = &w->learn[w->n_learn++];
	ev->key = key;
	ev->port = port;
}

/* Learning decision for one source address. */
static inline void
l2_learn_one(struct dp_worker *w, uint64_t key, struct dp_fdb_ent *e, uint16_t in_port)
{
	uint64_t seen;

	if (e == NULL) {
		l2_post_learn(w, key, in_port);
		return;
	}
	if (e->is_static)
		return;
	if (unlikely(__atomic_load_n(&e->port, __ATOMIC_RELAXED) != in_port)) {
		l2_post_learn(w, key, in_port);
		return;
	}
	seen = __atomic_load_n(&e->seen, __ATOMIC_RELAXED);
	if (unlikely(w->now - seen > w->fdb_refresh))
		__atomic_store_n(&e->seen, w->now, __ATOMIC_RELAXED);
}

/* dp_l2_burst() for at most DP_BURST packets (one cached lookup of up to 2 * DP_BURST keys). */
static uint16_t
l2_chunk(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	uint64_t keys[2 * DP_BURST];
	struct dp_fdb_ent *ents[2 * DP_BURST];
	uint8_t dst_at[DP_BURST];   /* index of packet i's destination key, 0xff: none */
	uint16_t i, nk, dropped = 0;

	/* Source keys first (one per packet), then the unicast destination keys. */
	for (i = 0; i < n; i++) {
		const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);

		RTE_ASSERT(pkts[i]->packet_type == RTE_PTYPE_L2_ETHER);
		keys[i] = dp_fdb_key(pkts[i]->vlan_tci, &eh->src_addr);
	}
	nk = n;
	for (i = 0; i < n; i++) {
		const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);

		if (rte_is_multicast_ether_addr(&eh->dst_addr)) {
			dst_at[i] = 0xff;
			continue;
		}
		keys[nk] = dp_fdb_key(pkts[i]->vlan_tci, &eh->dst_addr);
		dst_at[i] = (uint8_t)nk++;
	}
	dp_fdb_lookup_cached(w, keys, nk, ents);

	w->n_learn = 0;
	for (i = 0; i < n; i++) {
		uint8_t d = dst_at[i];
		uint16_t out;

		/* Consecutive packets of one flow share a source: decide it once. */
		if (i == 0 || keys[i] != keys[i - 1])
			l2_learn_one(w, keys[i], ents[i], in_port);
		if (d == 0xff || ents[d] == NULL) {
			next[i] = DP_NEXT_FLOOD;
			continue;
		}
		out = __atomic_load_n(&ents[d]->port, __ATOMIC_RELAXED);
		if (unlikely(out == in_port)) {
			next[i] = dp_next_drop(DP_DROP_L2_SAME_PORT);
			dropped++;
		} else if (unlikely(out >= VSW_MAX_PORTS || !s->port[out].admin_up)) {
			next[i] = dp_next_drop(DP_DROP_L2_DST_DOWN);
			dropped++;
		} else {
			next[i] = out;
		}
	}
	if (w->n_learn > 0) {
		unsigned int q = rte_ring_enqueue_burst_elem(w->learn_ring, w->learn,
				sizeof(w->learn[0]), w->n_learn, NULL);

		w->learn_posted += q;
		w->learn_lost += w->n_learn - q;
	}
	return dropped;
}

uint16_t
dp_l2_burst(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	uint16_t i, c, dropped = 0;

	for (i = 0; i < n; i += c) {
		c = RTE_MIN(n - i, DP_BURST);
		dropped += l2_chunk(w, s, in_port, pkts + i, c, next + i);
	}
	return dropped;
}
