/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_hash_crc.h>

#include "acl.h"
#include "fcache.h"
#include "fdb.h"
#include "parse.h"
#include "vlan_in.h"
#include "vlan_out.h"
#include "vsw_meta.h"

/* Shortest frame looked up: the key covers 16 bytes, a tagged frame's inner EtherType 18. */
#define FC_MIN_LEN (RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN)
/* Bytes 8-13 of the key: the last four of the source, then the EtherType (little endian). */
#define FC_K1_UNTAGGED_MASK UINT64_C(0x0000ffffffffffff)

/* True when key word @p k1 (bytes 8-15 of a frame) is that of an 802.1Q frame. */
static inline bool
fc_k1_tagged(uint64_t k1)
{
	return (uint16_t)(k1 >> 32) == RTE_BE16(RTE_ETHER_TYPE_VLAN);
}

/* Reads the key of the frame at @p h: bytes 14-15 count only when it carries an 802.1Q tag. */
static inline void
fc_key(const uint8_t *h, uint64_t *k0, uint64_t *k1)
{
	memcpy(k0, h, sizeof(*k0));
	memcpy(k1, h + 8, sizeof(*k1));
	if (!fc_k1_tagged(*k1))
		*k1 &= FC_K1_UNTAGGED_MASK;
}

/* The set of key (@p k0, @p k1, @p in_port): CRC32-C of the key (one instruction a word). */
static inline struct dp_fcache_ent *
fc_set(struct dp_worker *w, uint64_t k0, uint64_t k1, uint16_t in_port)
{
	uint32_t h = rte_hash_crc_8byte(k1, rte_hash_crc_8byte(k0, in_port));

	return w->fcache[h & (DP_FCACHE_SETS - 1)];
}

/* Epoch (dp_fcache_ent.epoch) of snapshot @p s and MAC table generation @p fgen. */
static inline uint64_t
fc_epoch(const struct dp_snap *s, uint32_t fgen)
{
	return (uint64_t)(uint32_t)s->gen << 32 | fgen;
}

/* The entry of set @p c for the key, valid at @p epoch, or NULL. */
static inline struct dp_fcache_ent *
fc_match(struct dp_fcache_ent *c, uint64_t k0, uint64_t k1, uint16_t in_port, uint64_t epoch)
{
	uint32_t i;

	for (i = 0; i < DP_FCACHE_WAYS; i++)
		if (c[i].k0 == k0 && c[i].k1 == k1 && c[i].epoch == epoch &&
				c[i].in_port == in_port)
			return &c[i];
	return NULL;
}

/* True when the inner EtherType of tagged frame @p h is another tag (parse drops it). */
static inline bool
fc_inner_tag(const uint8_t *h)
{
	uint16_t et;

	memcpy(&et, h + RTE_ETHER_HDR_LEN + 2, sizeof(et));
	return dp_etype_is_tag(et);
}

/*
 * Gives frame @p m the outcome of entry @p e. @return false, with @p m untouched, when the
 * frame must take the slow path instead (too long, QinQ, no headroom for a tag).
 */
static inline bool
fc_apply(struct dp_worker *w, struct dp_fcache_ent *e, struct rte_mbuf *m)
{
	uint8_t *h = rte_pktmbuf_mtod(m, uint8_t *);
	uint16_t tci;

	if (unlikely(rte_pktmbuf_pkt_len(m) > e->max_len))
		return false;
	/* No metadata is written: nothing after the flow cache reads it (no TX offload is
	 * requested), and at 1518 B m->l2_len is on a line the copy into the mbuf made cold. */
	if (likely(e->act == DP_FC_NONE))
		goto done;
	switch (e->act) {
	case DP_FC_STRIP:
		if (unlikely(fc_inner_tag(h)))
			return false;
		dp_vlan_strip(m);
		break;
	case DP_FC_PUSH:
		if (unlikely(rte_pktmbuf_headroom(m) < RTE_VLAN_HLEN))
			return false;
		m->vlan_tci = e->vid;
		dp_vlan_out_tag(m);
		break;
	default: /* DP_FC_RETAG */
		if (unlikely(fc_inner_tag(h)))
			return false;
		tci = rte_cpu_to_be_16(e->vid);
		memcpy(h + RTE_ETHER_HDR_LEN, &tci, sizeof(tci));
		break;
	}
done:
	if (unlikely(w->now > e->refresh_at)) {
		__atomic_store_n(&e->src->seen, w->now, __ATOMIC_RELAXED);
		e->refresh_at = w->now + w->fdb_refresh;
	}
	return true;
}

/*
 * The policy part of the key, from the EtherType on (at @p h + @p off: 4 bytes further in a
 * tagged frame): l3[0] the addresses, l3[1] the protocol and the TCP/UDP/SCTP ports (other
 * protocols: the ICMP type and code). Only unfragmented IPv4 without options has one (false:
 * the slow path decides). These are all the fields the guards and ACLs read of such a frame.
 */
static inline bool
pfc_key(const uint8_t *h, uint32_t len, uint32_t off, uint64_t *l3)
{
	uint32_t l4;
	uint8_t proto;

	h += off;
	/* EtherType 0x0800, version 4 with IHL 5, neither MF nor a fragment offset. */
	if (len < off + 38 || h[12] != 0x08 || h[13] != 0x00 || h[14] != 0x45 ||
			(h[20] & 0x3f) != 0 || h[21] != 0)
		return false;
	proto = h[23];
	memcpy(&l3[0], h + 26, sizeof(l3[0]));
	memcpy(&l4, h + 34, sizeof(l4));
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP && proto != IPPROTO_SCTP)
		l4 &= 0xffff;
	l3[1] = (uint64_t)proto << 32 | l4;
	return true;
}

/* The set of policy key (@p k0, @p k1, @p l3, @p in_port). */
static inline struct dp_pfc_ent *
pfc_set(struct dp_worker *w, uint64_t k0, uint64_t k1, const uint64_t *l3, uint16_t in_port)
{
	/* Two CRC steps, as the L2 cache, with the L3 words folded into the L2 ones (four steps
	 * over a longer key measured the same: 67.9 against 67.5 cycles a frame). */
	uint32_t h = rte_hash_crc_8byte(k1 ^ l3[1], rte_hash_crc_8byte(k0 ^ l3[0], in_port));

	return w->pfc[h & (DP_PFC_SETS - 1)];
}

/* The entry of set @p c for the key, valid at @p epoch, or NULL. */
static inline struct dp_pfc_ent *
pfc_match(struct dp_pfc_ent *c, uint64_t k0, uint64_t k1, const uint64_t *l3, uint16_t in_port,
		uint64_t epoch)
{
	uint32_t i;

	for (i = 0; i < DP_PFC_WAYS; i++)
		if (c[i].fc.k0 == k0 && c[i].fc.k1 == k1 && c[i].fc.epoch == epoch &&
				c[i].fc.in_port == in_port && c[i].l3[0] == l3[0] &&
				c[i].l3[1] == l3[1])
			return &c[i];
	return NULL;
}

/* Rule counts of a burst's hits, gathered before they go to memory. */
struct pfc_acc {
	uint16_t rule[4];    /* rule index + 1 being counted per slot of dp_pfc_ent.rule */
	uint32_t pkts[4];    /* its frames so far */
	uint64_t bytes[4];   /* its bytes so far */
};

/* Adds slot @p k of @p a to the worker's rule counters. */
static inline void
pfc_acc_flush(struct dp_worker *w, const struct dp_snap *s, struct pfc_acc *a, int k)
{
	struct dp_acl_ctr *c;

	if (a->rule[k] == 0)
		return;
	/* Slots 0, 1 are direction out, 2, 3 direction in. */
	c = &s->acl->ctr[w->id][(a->rule[k] - 1) * 2 + (k < 2 ? DP_ACL_OUT : DP_ACL_IN)];
	c->pkts += a->pkts[k];
	c->bytes += a->bytes[k];
	a->pkts[k] = 0;
	a->bytes[k] = 0;
}

/*
 * Counts a hit of @p e (a frame of @p len bytes) for the rules that decided it. Runs of hits
 * on the same rules add up in @p a, one memory update per run. (Counting costs about 4 cycles
 * a frame in policy-64-1000, this way or with an update per frame.)
 */
static inline void
pfc_count(struct dp_worker *w, const struct dp_snap *s, struct pfc_acc *a,
		const struct dp_pfc_ent *e, uint32_t len)
{
	uint64_t any;
	int k;

	memcpy(&any, e->rule, sizeof(any));
	if (any == 0)
		return;
	for (k = 0; k < 4; k++) {
		if (e->rule[k] != a->rule[k]) {
			pfc_acc_flush(w, s, a, k);
			a->rule[k] = e->rule[k];
		}
		a->pkts[k]++;
		a->bytes[k] += len;
	}
}

/*
 * dp_fcache_burst() for at most DP_BURST frames, with the policy flow cache when @p policy
 * (a constant at each call: the compiler makes two versions, the plain one as before).
 */
static __rte_always_inline uint16_t
fc_chunk(struct dp_worker *w, const struct dp_snap *s, uint64_t epoch, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next, uint64_t *bytes, bool policy)
{
	struct dp_fcache_ent *set[DP_BURST], *e;
	struct dp_pfc_ent *pset[DP_BURST], *pe = NULL;
	uint64_t k0[DP_BURST], k1[DP_BURST], l3[DP_BURST][DP_PFC_L3_WORDS];
	struct pfc_acc acc = { .rule = { 0 } };
	uint64_t sum = 0; /* in a register: *bytes may alias anything */
	struct vsw_meta *md;
	uint16_t i, hits = 0;
	int k;

	for (i = 0; i < n; i++) {
		const uint8_t *h = rte_pktmbuf_mtod(pkts[i], const uint8_t *);

		set[i] = NULL;
		pset[i] = NULL;
		/* Runts make no key (and no entry). */
		if (unlikely(rte_pktmbuf_data_len(pkts[i]) < FC_MIN_LEN))
			continue;
		fc_key(h, &k0[i], &k1[i]);
		if (!policy) {
			set[i] = fc_set(w, k0[i], k1[i], in_port);
			rte_prefetch0(set[i]);
		} else if (pfc_key(h, rte_pktmbuf_data_len(pkts[i]),
				fc_k1_tagged(k1[i]) ? RTE_VLAN_HLEN : 0, l3[i])) {
			pset[i] = pfc_set(w, k0[i], k1[i], l3[i], in_port);
			/* The first line only: prefetching the second (the L3 words) too cost 2.6
			 * cycles a frame more in policy-64-1000 (27.8 against 25.2 in the fcache
			 * stage); the hardware follows the adjacent line well enough. */
			rte_prefetch0(pset[i]);
		}
	}
	for (i = 0; i < n; i++) {
		uint32_t len = rte_pktmbuf_pkt_len(pkts[i]);

		if (!policy) {
			e = set[i] == NULL ? NULL : fc_match(set[i], k0[i], k1[i], in_port, epoch);
		} else {
			pe = pset[i] == NULL ? NULL :
				pfc_match(pset[i], k0[i], k1[i], l3[i], in_port, epoch);
			e = pe == NULL ? NULL : &pe->fc;
		}
		sum += len;
		if (likely(e != NULL)) {
			if (likely(fc_apply(w, e, pkts[i]))) {
				if (policy)
					pfc_count(w, s, &acc, pe, len);
				next[i] = e->out_port;
				hits++;
				continue;
			}
		}
		next[i] = DP_NEXT_CONT;
		md = vsw_meta(pkts[i]);
		md->in_port = in_port;
		/* What dp_fcache_insert() cannot read back once vlan_in removed the tag: the
		 * received TCI (bytes 14-15 of the key). */
		if (rte_pktmbuf_data_len(pkts[i]) >= FC_MIN_LEN && fc_k1_tagged(k1[i])) {
			md->flags = VSW_META_F_RX_TAGGED;
			md->rx_tci = rte_be_to_cpu_16((uint16_t)(k1[i] >> 48));
		} else {
			md->flags = 0;
		}
	}
	for (k = 0; policy && k < 4; k++)
		pfc_acc_flush(w, s, &acc, k);
	*bytes += sum;
	return hits;
}

uint16_t
dp_fcache_burst(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next, uint64_t *bytes)
{
	uint64_t epoch = fc_epoch(s, __atomic_load_n(&w->fdb->gen, __ATOMIC_ACQUIRE));
	uint16_t i, c, hits = 0;

	*bytes = 0;
	for (i = 0; i < n; i += c) {
		c = RTE_MIN(n - i, DP_BURST);
		if (s->port[in_port].pfc)
			hits += fc_chunk(w, s, epoch, in_port, pkts + i, c, next + i, bytes, true);
		else
			hits += fc_chunk(w, s, epoch, in_port, pkts + i, c, next + i, bytes, false);
	}
	w->fcache_hits += hits;
	w->fcache_misses += n - hits;
	return hits;
}

/* The action that turns a frame received @p tagged into what port @p out sends for @p vid. */
static inline uint8_t
fc_act(bool tagged, const struct dp_port *out, uint16_t vid)
{
	bool tags = dp_port_tags(out, vid);

	if (tagged)
		return tags ? DP_FC_RETAG : DP_FC_STRIP;
	return tags ? DP_FC_PUSH : DP_FC_NONE;
}

/*
 * The policy flow cache entry for slow-path frame @p m (untagged now) of key (@p k0, @p k1)
 * to @p out, with its L3 key and rules filled in, the rest for the caller; NULL when the
 * frame has no policy key or its flow is not cached (see dp_acl_rules_of()).
 */
static struct dp_fcache_ent *
pfc_insert(const struct dp_snap *s, uint16_t in_port, const struct rte_mbuf *m, uint16_t out,
		uint64_t k0, uint64_t k1, struct dp_worker *w)
{
	uint64_t l3[DP_PFC_L3_WORDS];
	uint16_t rule[4] = { 0, 0, 0, 0 };
	struct dp_pfc_ent *c;
	uint32_t i;

	if (!pfc_key(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m), 0, l3))
		return NULL;
	if ((s->port[in_port].sec & DP_SEC_ACL) &&
			!dp_acl_rules_of(s, m, in_port, DP_ACL_OUT, &rule[0], &rule[1]))
		return NULL;
	if (s->port[out].acl_in && !dp_acl_rules_of(s, m, out, DP_ACL_IN, &rule[2], &rule[3]))
		return NULL;
	c = pfc_set(w, k0, k1, l3, in_port);
	for (i = 0; i < DP_PFC_WAYS - 1; i++)
		if (c[i].fc.k0 == k0 && c[i].fc.k1 == k1 && c[i].fc.in_port == in_port &&
				memcmp(c[i].l3, l3, sizeof(l3)) == 0)
			break;
	memmove(&c[1], &c[0], sizeof(c[0]) * i);
	memcpy(c[0].l3, l3, sizeof(l3));
	memcpy(c[0].rule, rule, sizeof(rule));
	return &c[0].fc;
}

void
dp_fcache_insert(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		const struct rte_mbuf *m, uint16_t out)
{
	uint32_t gen = __atomic_load_n(&w->fdb->gen, __ATOMIC_ACQUIRE);
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct vsw_meta *md = vsw_meta_c(m);
	bool tagged = (md->flags & VSW_META_F_RX_TAGGED) != 0;
	uint16_t vid = m->vlan_tci & RTE_VLAN_ID_MASK, hdr, tpid, tci;
	struct dp_fdb_cache_ent *src, *dst;
	struct dp_fcache_ent *c, *e;
	uint8_t kb[16];
	uint64_t key, k0, k1;
	uint32_t i;

	if (unlikely(s->port[in_port].in_nocache || s->port[out].out_nocache))
		return;

	/* As received it was at least FC_MIN_LEN long (looked up), and it may leave by out. */
	if (rte_pktmbuf_data_len(m) + (tagged ? RTE_VLAN_HLEN : 0) < FC_MIN_LEN ||
			dp_vlan_out_check(&s->port[out], m) != DP_NEXT_CONT)
		return;
	key = dp_fdb_key_in_hdr(vid, &eh->dst_addr);
	dst = dp_fdb_cache_get(w->fdb_cache[dp_fdb_cache_set(key)], key, gen);
	if (dst == NULL || dst->port != out)
		return;
	key = dp_fdb_key_in_hdr(vid, &eh->src_addr);
	src = dp_fdb_cache_get(w->fdb_cache[dp_fdb_cache_set(key)], key, gen);
	if (src == NULL || (!src->is_static && src->port != in_port))
		return;

	/* The key as received: vlan_in moved the MACs over the tag it removed. */
	memcpy(kb, eh, 2 * RTE_ETHER_ADDR_LEN);
	if (tagged) {
		tpid = RTE_BE16(RTE_ETHER_TYPE_VLAN);
		tci = rte_cpu_to_be_16(md->rx_tci);
	} else {
		tpid = eh->ether_type;
		tci = 0;
	}
	memcpy(kb + 12, &tpid, sizeof(tpid));
	memcpy(kb + 14, &tci, sizeof(tci));
	memcpy(&k0, kb, sizeof(k0));
	memcpy(&k1, kb + 8, sizeof(k1));

	if (s->port[in_port].pfc) {
		e = pfc_insert(s, in_port, m, out, k0, k1, w);
		if (e == NULL)
			return;
	} else {
		c = fc_set(w, k0, k1, in_port);
		for (i = 0; i < DP_FCACHE_WAYS - 1; i++)
			if (c[i].k0 == k0 && c[i].k1 == k1 && c[i].in_port == in_port)
				break;
		/* Not cached: the oldest way goes, the others move down, the new one is way 0. */
		memmove(&c[1], &c[0], sizeof(c[0]) * i);
		e = &c[0];
	}
	hdr = RTE_ETHER_HDR_LEN + (tagged ? RTE_VLAN_HLEN : 0);
	e->k0 = k0;
	e->k1 = k1;
	e->epoch = fc_epoch(s, gen);
	e->src = src->ent;
	/* As the slow path: a static source is never refreshed, a learned one when due. */
	e->refresh_at = src->is_static ? UINT64_MAX : src->seen + w->fdb_refresh;
	e->in_port = in_port;
	e->out_port = out;
	e->max_len = RTE_MIN(s->port[in_port].mtu, s->port[out].mtu) + hdr;
	e->vid = vid;
	e->act = fc_act(tagged, &s->port[out], vid);
}
