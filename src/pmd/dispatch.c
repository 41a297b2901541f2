/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_switch: the slow path of a frame the flow cache did not decide. Runs parse, vlan_in,
 * sec, l2, flood and the "in" ACLs in order on each run of frames from one ingress port,
 * offers unicast flows to the flow cache, and moves every frame on: to its output port's
 * node after the egress check and tag (vlan_out), to every member's output when flooded
 * (one shared reference per encoding), or to the drop node with its reason.
 * In: frames with vsw_meta.in_port. Out: VSW_EDGE_PORT(p), VSW_EDGE_DROP.
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
#include "vsw_node.h"

/* What one run of the switch node works with. */
struct sw_run {
	struct rte_graph *graph;  /* the worker's graph */
	struct rte_node *node;    /* this node's instance */
	struct dp_worker *w;      /* the worker */
	const struct dp_snap *s;  /* its snapshot */
	uint16_t in_port;         /* ingress port of the run */
};

/* Moves the packets the last stage dropped to the drop edge; keeps the others in order. */
static uint16_t
sw_compact(const struct sw_run *r, struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	struct rte_mbuf *drop[DP_BURST];
	uint16_t i, k = 0, nd = 0;

	for (i = 0; i < n; i++) {
		if (dp_next_is_drop(next[i])) {
			vsw_mark_drops((void **)&pkts[i], 1, next[i]);
			drop[nd++] = pkts[i];
		} else {
			pkts[k] = pkts[i];
			next[k++] = next[i];
		}
	}
	if (nd > 0)
		rte_node_enqueue(r->graph, r->node, VSW_EDGE_DROP, (void **)drop, nd);
	return k;
}

/*
 * Moves one reference to @p m, meant for @p port, to the drop edge with drop code @p code,
 * counted against @p port. @p counted: the count was already taken (only free it).
 */
static inline void
sw_egress_drop(const struct sw_run *r, uint16_t port, uint16_t code, struct rte_mbuf *m,
		bool counted)
{
	struct vsw_meta *md = vsw_meta(m);

	md->drop = (uint8_t)dp_next_reason(code);
	md->out_port = port;
	md->flags = VSW_META_F_EGRESS | (counted ? VSW_META_F_COUNTED : 0);
	rte_node_enqueue_x1(r->graph, r->node, VSW_EDGE_DROP, m);
}

/*
 * Sends slow-path frame @p m to @p port through the egress check and tag, first offering its
 * flow to the flow cache when that is on.
 */
static inline void
sw_unicast(const struct sw_run *r, uint16_t port, struct rte_mbuf *m)
{
	const struct dp_snap *s = r->s;
	uint16_t c;

	if (s->fcache_on && !r->w->dry)
		dp_fcache_insert(r->w, s, r->in_port, m, port);
	c = dp_vlan_out_one(&s->port[port], m);
	if (unlikely(c != DP_NEXT_CONT))
		sw_egress_drop(r, port, c, m, false);
	else
		rte_node_enqueue_x1(r->graph, r->node, VSW_EDGE_PORT(port), m);
}

/*
 * Keeps the ports of @p list (except the ingress port) that may send @p m; counts the others
 * as egress drops without touching @p m. @return ports kept in @p out.
 */
static uint16_t
sw_flood_filter(const struct sw_run *r, const uint16_t *list, uint16_t n,
		const struct rte_mbuf *m, uint16_t *out)
{
	const struct dp_snap *s = r->s;
	uint16_t i, k = 0, c;

	for (i = 0; i < n; i++) {
		const struct dp_port *p = &s->port[list[i]];

		if (list[i] == r->in_port)
			continue;
		c = dp_vlan_out_check(p, m);
		if (c == DP_NEXT_CONT && unlikely(!dp_pvlan_ok(&s->port[r->in_port], p)))
			c = dp_next_drop(DP_DROP_EGRESS_PVLAN);
		if (c == DP_NEXT_CONT && unlikely(p->acl_in) &&
				dp_acl_in_one(r->w, s, m, list[i]) == DP_ACL_DROP)
			c = dp_next_drop(DP_DROP_ACL_DENY_IN);
		if (likely(c == DP_NEXT_CONT))
			out[k++] = list[i];
		else
			dp_count_tx_drops(r->w, list[i], dp_next_reason(c), 1);
	}
	return k;
}

/* Counts @p n lost copies (drop code @p code) against the ports in @p ports. */
static void
sw_flood_lost(const struct sw_run *r, const uint16_t *ports, uint16_t n, uint16_t code)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		dp_count_tx_drops(r->w, ports[i], dp_next_reason(code), 1);
}

/* Moves one reference to @p m to each output of @p ports. */
static void
sw_fan_out(const struct sw_run *r, const uint16_t *ports, uint16_t n, struct rte_mbuf *m)
{
	uint16_t i;

	if (n > 1)
		rte_pktmbuf_refcnt_update(m, (int16_t)(n - 1));
	for (i = 0; i < n; i++)
		rte_node_enqueue_x1(r->graph, r->node, VSW_EDGE_PORT(ports[i]), m);
}

/*
 * Sends @p m to every other member of its VLAN. The untagged members share @p m, the tagged
 * ones share one tagged copy (or @p m itself when there is no untagged member).
 */
static void
sw_flood(const struct sw_run *r, struct rte_mbuf *m)
{
	const struct dp_vlan_members *vm = r->s->vlan[m->vlan_tci & RTE_VLAN_ID_MASK];
	uint16_t ut[VSW_MAX_PORTS], tg[VSW_MAX_PORTS], nut, ntg, c;
	struct rte_mbuf *t = NULL;

	nut = sw_flood_filter(r, vm->untagged, vm->n_untagged, m, ut);
	ntg = sw_flood_filter(r, vm->tagged, vm->n_tagged, m, tg);
	if (ntg > 0) {
		t = nut > 0 ? rte_pktmbuf_copy(m, r->w->pool, 0, UINT32_MAX) : m;
		if (unlikely(t == NULL)) {
			sw_flood_lost(r, tg, ntg, dp_next_drop(DP_DROP_FLOOD_COPY_FAILED));
		} else if (unlikely((c = dp_vlan_out_tag(t)) != DP_NEXT_CONT)) {
			sw_flood_lost(r, tg, ntg, c);
			sw_egress_drop(r, tg[0], c, t, true);
		} else {
			sw_fan_out(r, tg, ntg, t);
		}
	}
	if (nut > 0)
		sw_fan_out(r, ut, nut, m);
	else if (t != m)
		/* Nobody took the original: every destination was filtered (and counted) or
		 * is tagged. */
		sw_egress_drop(r, r->in_port, dp_next_drop(DP_DROP_FLOOD_NO_MEMBERS), m, true);
}

/* The slow path of @p n (at most DP_BURST) frames from r->in_port. */
static void
sw_run(const struct sw_run *r, struct rte_mbuf **pkts, uint16_t n)
{
	const struct dp_port *in = &r->s->port[r->in_port];
	const struct dp_snap *s = r->s;
	struct dp_worker *w = r->w;
	uint16_t next[DP_BURST], i, dropped;
	DP_CYC_START(t);

	if (dp_parse_burst(w, in, pkts, n, next) != 0)
		n = sw_compact(r, pkts, n, next);
	DP_CYC(w, DP_STAGE_PARSE, t);
	if (dp_vlan_in_burst(w, in, pkts, n, next) != 0)
		n = sw_compact(r, pkts, n, next);
	DP_CYC(w, DP_STAGE_VLAN_IN, t);
	if (in->sec != 0 && n > 0) {
		if (dp_sec_burst(w, s, r->in_port, pkts, n, next) != 0)
			n = sw_compact(r, pkts, n, next);
		DP_CYC(w, DP_STAGE_SEC, t);
	}
	if (n == 0)
		return;
	dropped = dp_l2_burst(w, s, r->in_port, pkts, n, next);
	DP_CYC(w, DP_STAGE_L2, t);
	dropped += dp_flood_burst(w, s, r->in_port, pkts, n, next);
	if (s->acl != NULL && s->acl->ctx[DP_ACL_IN] != NULL)
		dropped += dp_acl_in_burst(w, s, pkts, n, next);
	if (dropped != 0)
		n = sw_compact(r, pkts, n, next);
	DP_CYC(w, DP_STAGE_FLOOD, t);
	for (i = 0; i < n; i++) {
		if (likely(next[i] < VSW_MAX_PORTS))
			sw_unicast(r, next[i], pkts[i]);
		else
			sw_flood(r, pkts[i]);
	}
	DP_CYC(w, DP_STAGE_EGRESS, t);
}

static uint16_t
switch_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb)
{
	struct sw_run r = { .graph = graph, .node = node, .w = vsw_node_worker(node) };
	struct rte_mbuf *pkts[DP_BURST];
	uint16_t i, k;

	r.s = r.w->snap;
	for (i = 0; i < nb; i += k) {
		k = vsw_port_run(objs, i, nb, &r.in_port);
		memcpy(pkts, &objs[i], k * sizeof(pkts[0]));
		sw_run(&r, pkts, k);
	}
	return nb;
}

static struct rte_node_register switch_node = {
	.name = "vsw_switch",
	.process = switch_process,
	.init = vsw_node_init_ctx,
	.nb_edges = 2,
	/* Edge 1 (VSW_EDGE_NEXT) is unused: the layout of port-reaching nodes is fixed. */
	.next_nodes = { "vsw_drop", "vsw_drop" },
};
VSW_NODE_REGISTER(switch_node, true)
