/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_egress: the end of the ingress arc. Acts on the switching decision (vsw_meta.out_port)
 * of each frame: a unicast frame is offered to the flow cache, checked and tagged for its
 * port (vlan_out) and moved to that port's output; a flooded frame goes to every member of
 * its VLAN that may send it (egress check, private VLAN, the member's "in" ACL rules), the
 * untagged members sharing the frame and the tagged ones one tagged copy. What may not leave
 * goes to the drop node with its reason.
 * In: frames with vsw_meta.in_port and out_port. Out: VSW_EDGE_PORT(p), VSW_EDGE_DROP.
 */
#include <rte_ethdev.h>

#include "acl.h"
#include "fcache.h"
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

static uint16_t
egress_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb)
{
	struct sw_run r = { .graph = graph, .node = node, .w = vsw_node_worker(node) };
	uint16_t i, k, j;
	DP_CYC_START(t);

	r.s = r.w->snap;
	for (i = 0; i < nb; i += k) {
		k = vsw_port_run(objs, i, nb, &r.in_port);
		for (j = i; j < i + k; j++) {
			struct rte_mbuf *m = objs[j];
			uint16_t out = vsw_meta_c(m)->out_port;

			if (likely(out < VSW_MAX_PORTS))
				sw_unicast(&r, out, m);
			else
				sw_flood(&r, m);
		}
	}
	DP_CYC(r.w, DP_STAGE_EGRESS, t);
	return nb;
}

static struct rte_node_register egress_node = {
	.name = "vsw_egress",
	.process = egress_process,
	.init = vsw_node_init_ctx,
	.nb_edges = 2,
	.next_nodes = { "vsw_drop", "vsw_drop" },
};
VSW_ARC_NODE_REGISTER(egress_node, 1000, NULL)
