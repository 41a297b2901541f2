/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_ring.h>

#include "fdb.h"
#include "l2.h"
#include "vsw_node.h"

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

/* Learning decision for one source address; @p r: its lookup result. */
static inline void
l2_learn_one(struct dp_worker *w, const struct dp_fdb_cache_ent *r, uint16_t in_port)
{
	if (unlikely(w->dry))
		return;
	if (r->ent == NULL) {
		l2_post_learn(w, r->key, in_port);
		return;
	}
	if (r->is_static)
		return;
	if (unlikely(r->port != in_port)) {
		l2_post_learn(w, r->key, in_port);
		return;
	}
	if (unlikely(w->now - r->seen > w->fdb_refresh))
		dp_fdb_touch(w, r, w->now);
}

/* dp_l2_burst() for at most DP_BURST packets (one cached lookup of up to 2 * DP_BURST keys). */
static uint16_t
l2_chunk(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	uint64_t keys[2 * DP_BURST];
	struct dp_fdb_cache_ent res[2 * DP_BURST];
	uint8_t dst_at[DP_BURST];   /* index of packet i's destination key, 0xff: none */
	uint16_t i, nk, dropped = 0;

	/* Source keys first (one per packet), then the unicast destination keys. */
	for (i = 0; i < n; i++) {
		const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);

		RTE_ASSERT(pkts[i]->packet_type == RTE_PTYPE_L2_ETHER);
		keys[i] = dp_fdb_key_in_hdr(pkts[i]->vlan_tci, &eh->src_addr);
	}
	nk = n;
	for (i = 0; i < n; i++) {
		const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);

		if (rte_is_multicast_ether_addr(&eh->dst_addr)) {
			dst_at[i] = 0xff;
			continue;
		}
		keys[nk] = dp_fdb_key_in_hdr(pkts[i]->vlan_tci, &eh->dst_addr);
		dst_at[i] = (uint8_t)nk++;
	}
	dp_fdb_lookup_cached(w, keys, nk, res);

	w->n_learn = 0;
	for (i = 0; i < n; i++) {
		uint8_t d = dst_at[i];
		uint16_t out;

		/* Consecutive packets of one flow share a source: decide it once. */
		if (i == 0 || keys[i] != keys[i - 1])
			l2_learn_one(w, &res[i], in_port);
		if (d == 0xff || res[d].ent == NULL) {
			next[i] = DP_NEXT_FLOOD;
			continue;
		}
		out = res[d].port;
		if (unlikely(out == in_port)) {
			next[i] = dp_next_drop(DP_DROP_L2_SAME_PORT);
			dropped++;
		} else if (unlikely(out >= VSW_MAX_PORTS || !s->port[out].admin_up)) {
			next[i] = dp_next_drop(DP_DROP_L2_DST_DOWN);
			dropped++;
		} else if (unlikely(!dp_pvlan_ok(&s->port[in_port], &s->port[out]))) {
			next[i] = dp_next_drop(DP_DROP_L2_PVLAN);
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

/* --- node vsw_l2: ingress arc; keeps its decision in vsw_meta.out_port ---------------- */

static uint16_t
l2_stage(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	uint16_t d = dp_l2_burst(w, s, in_port, pkts, n, next);

	vsw_decision_store(pkts, n, next);
	return d;
}

VSW_ARC_STAGE_NODE(l2, "vsw_l2", l2_stage, DP_STAGE_L2, 40, NULL, VSW_CACHE_FLOW)
