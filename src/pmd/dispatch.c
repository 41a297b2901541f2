/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dispatcher: runs the stages in order on one RX burst and does everything they only
 * decide: frees and counts drops, replicates flooded frames, buffers frames for TX.
 */
#include <rte_ethdev.h>

#include "acl.h"
#include "fcache.h"
#include "flood.h"
#include "l2.h"
#include "parse.h"
#include "sec.h"
#include "vlan_in.h"
#include "vlan_out.h"
#include "worker.h"

/* Counts and frees the packets the last stage dropped; keeps the others in order. */
static uint16_t
dispatch_compact(struct pmd_worker *pw, struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	struct rte_mbuf *drop[DP_BURST];
	uint16_t i, k = 0, nd = 0;

	for (i = 0; i < n; i++) {
		if (dp_next_is_drop(next[i])) {
			pmd_count_rx_drop(pw, pkts[i], dp_next_reason(next[i]));
			drop[nd++] = pkts[i];
		} else {
			pkts[k] = pkts[i];
			next[k++] = next[i];
		}
	}
	rte_pktmbuf_free_bulk(drop, nd);
	return k;
}

/* Counts an egress drop of one reference to @p m on port @p port and releases it. */
static inline void
dispatch_egress_drop(struct pmd_worker *pw, uint16_t port, uint16_t code, struct rte_mbuf *m)
{
	pmd_count_tx_drops(pw, port, dp_next_reason(code), 1);
	rte_pktmbuf_free(m);
}

/*
 * Sends slow-path frame @p m from @p in_port to @p port through the egress stage, first
 * offering its flow to the flow cache when that is on.
 */
static inline void
dispatch_unicast(struct pmd_worker *pw, const struct dp_snap *s, uint16_t in_port,
		uint16_t port, struct rte_mbuf *m)
{
	uint16_t r;

	if (s->fcache_on)
		dp_fcache_insert(&pw->dp, s, in_port, m, port);
	r = dp_vlan_out_one(&s->port[port], m);
	if (unlikely(r != DP_NEXT_CONT))
		dispatch_egress_drop(pw, port, r, m);
	else
		pmd_tx_enqueue(pw, s, port, m);
}

/*
 * Sends the @p hits frames the flow cache decided (next[i] < VSW_MAX_PORTS) to their TX
 * buffers, a run of frames to one port at a time, and keeps the others, in order, for the
 * slow path. @return frames kept.
 */
static inline uint16_t
dispatch_hits(struct pmd_worker *pw, const struct dp_snap *s, struct rte_mbuf **pkts,
		uint16_t n, const uint16_t *next, uint16_t hits)
{
	uint16_t i = 0, j, k = 0;

	if (hits == 0)
		return n;
	while (i < n) {
		if (unlikely(next[i] >= VSW_MAX_PORTS)) {
			pkts[k++] = pkts[i++];
			continue;
		}
		for (j = i + 1; j < n && next[j] == next[i]; j++)
			;
		pmd_tx_enqueue_bulk(pw, s, next[i], &pkts[i], j - i);
		i = j;
	}
	return k;
}

/*
 * Keeps the ports of @p list (except @p in_port) that may send @p m; counts the others as
 * egress drops without touching @p m. @return ports kept in @p out.
 */
static uint16_t
dispatch_flood_filter(struct pmd_worker *pw, const struct dp_snap *s, const uint16_t *list,
		uint16_t n, uint16_t in_port, const struct rte_mbuf *m, uint16_t *out)
{
	uint16_t i, k = 0, r;

	for (i = 0; i < n; i++) {
		const struct dp_port *p = &s->port[list[i]];

		if (list[i] == in_port)
			continue;
		r = dp_vlan_out_check(p, m);
		if (r == DP_NEXT_CONT && unlikely(!dp_pvlan_ok(&s->port[in_port], p)))
			r = dp_next_drop(DP_DROP_EGRESS_PVLAN);
		if (r == DP_NEXT_CONT && unlikely(p->acl_in) &&
				dp_acl_in_one(&pw->dp, s, m, list[i]) == DP_ACL_DROP)
			r = dp_next_drop(DP_DROP_ACL_DENY_IN);
		if (likely(r == DP_NEXT_CONT)) {
			out[k++] = list[i];
		} else {
			pmd_count_tx_drops(pw, list[i], dp_next_reason(r), 1);
		}
	}
	return k;
}

/* Counts @p n lost copies (reason @p code) against the ports in @p ports. */
static void
dispatch_flood_lost(struct pmd_worker *pw, const uint16_t *ports, uint16_t n, uint16_t code)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		pmd_count_tx_drops(pw, ports[i], dp_next_reason(code), 1);
}

/*
 * Sends @p m to every other member of its VLAN. The untagged members share @p m, the tagged
 * ones share one tagged copy (or @p m itself when there is no untagged member).
 */
static void
dispatch_flood(struct pmd_worker *pw, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf *m)
{
	const struct dp_vlan_members *vm = s->vlan[m->vlan_tci & RTE_VLAN_ID_MASK];
	uint16_t ut[VSW_MAX_PORTS], tg[VSW_MAX_PORTS], nut, ntg, i, r;
	struct rte_mbuf *c = NULL;

	nut = dispatch_flood_filter(pw, s, vm->untagged, vm->n_untagged, in_port, m, ut);
	ntg = dispatch_flood_filter(pw, s, vm->tagged, vm->n_tagged, in_port, m, tg);
	if (ntg > 0) {
		c = nut > 0 ? rte_pktmbuf_copy(m, pw->dp.pool, 0, UINT32_MAX) : m;
		if (unlikely(c == NULL)) {
			dispatch_flood_lost(pw, tg, ntg, dp_next_drop(DP_DROP_FLOOD_COPY_FAILED));
		} else if (unlikely((r = dp_vlan_out_tag(c)) != DP_NEXT_CONT)) {
			dispatch_flood_lost(pw, tg, ntg, r);
			rte_pktmbuf_free(c);
		} else {
			if (ntg > 1)
				rte_pktmbuf_refcnt_update(c, (int16_t)(ntg - 1));
			for (i = 0; i < ntg; i++)
				pmd_tx_enqueue(pw, s, tg[i], c);
		}
	}
	if (nut > 0) {
		if (nut > 1)
			rte_pktmbuf_refcnt_update(m, (int16_t)(nut - 1));
		for (i = 0; i < nut; i++)
			pmd_tx_enqueue(pw, s, ut[i], m);
	} else if (c != m) {
		/* Nobody took the original: every destination was filtered or is tagged. */
		rte_pktmbuf_free(m);
	}
}

void
pmd_mirror(struct pmd_worker *pw, const struct dp_snap *s, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i, d, nd = s->n_mirror_dst;
	struct rte_mbuf *c;

	for (i = 0; i < n && nd > 0; i++) {
		c = rte_pktmbuf_copy(pkts[i], pw->dp.pool, 0, UINT32_MAX);
		if (unlikely(c == NULL)) {
			for (d = 0; d < nd; d++)
				pmd_count_tx_drops(pw, s->mirror_dst[d], DP_DROP_MIRROR_COPY_FAILED, 1);
			continue;
		}
		if (nd > 1)
			rte_pktmbuf_refcnt_update(c, (int16_t)(nd - 1));
		/* Destinations are never sources: these enqueues copy nothing further. */
		for (d = 0; d < nd; d++)
			pmd_tx_enqueue(pw, s, s->mirror_dst[d], c);
		pw->dp.mirror_copies += nd;
	}
}

void
pmd_dispatch(struct pmd_worker *pw, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_port_ctr *pc = &pw->dp.port[in_port];
	const struct dp_port *in = &s->port[in_port];
	struct dp_worker *w = &pw->dp;
	uint16_t next[DP_BURST], i, hits, dropped;
	uint64_t bytes = 0;
	PMD_CYC_START(t);

	/* Mirrored as received, before any stage rewrites a header. */
	if (unlikely(in->mirror_src))
		pmd_mirror(pw, s, pkts, n);
	pc->rx_pkts += n;
	if (s->fcache_on) {
		/* The flow cache sums the lengths and sets m->port of what it leaves. */
		PMD_CYC(w, DP_STAGE_RX, t);
		hits = dp_fcache_burst(w, s, in_port, pkts, n, next, &bytes);
		pc->rx_bytes += bytes;
		n = dispatch_hits(pw, s, pkts, n, next, hits);
		PMD_CYC(w, DP_STAGE_FCACHE, t);
		if (n == 0)
			return;
	} else {
		for (i = 0; i < n; i++) {
			/* The stages read the headers next: start loading them. */
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
			pkts[i]->port = in_port;
			bytes += rte_pktmbuf_pkt_len(pkts[i]);
		}
		pc->rx_bytes += bytes;
		PMD_CYC(w, DP_STAGE_RX, t);
	}
	if (dp_parse_burst(w, in, pkts, n, next) != 0)
		n = dispatch_compact(pw, pkts, n, next);
	PMD_CYC(w, DP_STAGE_PARSE, t);
	if (dp_vlan_in_burst(w, in, pkts, n, next) != 0)
		n = dispatch_compact(pw, pkts, n, next);
	PMD_CYC(w, DP_STAGE_VLAN_IN, t);
	if (in->sec != 0 && n > 0) {
		if (dp_sec_burst(w, s, in_port, pkts, n, next) != 0)
			n = dispatch_compact(pw, pkts, n, next);
		PMD_CYC(w, DP_STAGE_SEC, t);
	}
	if (n == 0)
		return;
	dropped = dp_l2_burst(w, s, in_port, pkts, n, next);
	PMD_CYC(w, DP_STAGE_L2, t);
	dropped += dp_flood_burst(w, s, in_port, pkts, n, next);
	if (s->acl != NULL && s->acl->ctx[DP_ACL_IN] != NULL)
		dropped += dp_acl_in_burst(w, s, pkts, n, next);
	if (dropped != 0)
		n = dispatch_compact(pw, pkts, n, next);
	PMD_CYC(w, DP_STAGE_FLOOD, t);
	for (i = 0; i < n; i++) {
		if (likely(next[i] < VSW_MAX_PORTS))
			dispatch_unicast(pw, s, in_port, next[i], pkts[i]);
		else
			dispatch_flood(pw, s, in_port, pkts[i]);
	}
	PMD_CYC(w, DP_STAGE_EGRESS, t);
}
