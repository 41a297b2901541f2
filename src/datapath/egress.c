/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_egress: the end of the ingress arc. Acts on the switching decision (vsw_meta.out_port)
 * of each frame by sending it onto the egress arc of each of its output ports
 * (dp_port.out_first): a unicast frame after offering its flow to the flow cache, a flooded
 * frame once per other member of its VLAN. The egress arc reads the output port from the
 * metadata, so every destination gets an mbuf of its own: the first destination whose arc
 * does not write takes the frame itself, the other such ones a clone (own header and
 * metadata, shared data), those whose arc writes (dp_port.out_writes: an 802.1Q tag, later
 * an encapsulation) a private copy. Nothing here checks or rewrites: the egress arc does.
 * In: frames with vsw_meta.in_port and out_port. Out: the egress arc nodes (VSW_EDGE_ARC),
 * a port's output when its egress arc is empty, VSW_EDGE_DROP.
 * Drops: flood_copy_failed (counted here against the destination that got nothing),
 * flood_no_members (no destination but the ingress port).
 * Flow cache: unicast flows are offered to it here (dp_fcache_insert() records the outcome
 * of the egress arc for the port); floods are never cached.
 */
#include <rte_ethdev.h>

#include "fcache.h"
#include "vsw_node.h"

/* What one run of the node works with. */
struct eg_run {
	struct rte_graph *graph;  /* the worker's graph */
	struct rte_node *node;    /* this node's instance */
	struct dp_worker *w;      /* the worker */
	const struct dp_snap *s;  /* its snapshot */
	uint16_t in_port;         /* ingress port of the run */
};

/* Sends @p m (an mbuf of its own) onto the egress arc of @p port. */
static inline void
eg_send(const struct eg_run *r, uint16_t port, struct rte_mbuf *m)
{
	vsw_meta(m)->out_port = port;
	rte_node_enqueue_x1(r->graph, r->node, vsw_out_edge(r->s, port), m);
}

/*
 * Gives every member of the VLAN of @p m but the ingress port an mbuf of its own and sends
 * it onto that member's egress arc.
 */
static void
eg_flood(const struct eg_run *r, struct rte_mbuf *m)
{
	const struct dp_snap *s = r->s;
	const struct dp_vlan_members *vm = s->vlan[m->vlan_tci & RTE_VLAN_ID_MASK];
	uint16_t dst[2 * VSW_MAX_PORTS], n = 0, i, own;
	struct rte_mbuf *c;

	if (vm != NULL) {
		for (i = 0; i < vm->n_untagged; i++)
			if (vm->untagged[i] != r->in_port)
				dst[n++] = vm->untagged[i];
		for (i = 0; i < vm->n_tagged; i++)
			if (vm->tagged[i] != r->in_port)
				dst[n++] = vm->tagged[i];
	}
	if (unlikely(n == 0)) {
		/* vsw_flood drops these; a snapshot without members reaches here only in a
		 * test of this node alone. */
		vsw_mark_drops((void **)&m, 1, dp_next_drop(DP_DROP_FLOOD_NO_MEMBERS), 0);
		rte_node_enqueue_x1(r->graph, r->node, VSW_EDGE_DROP, m);
		return;
	}
	/* The frame itself goes to the first destination that does not write, or, when all
	 * write, to the last: then no clone shares its data. */
	for (own = 0; own < n && s->port[dst[own]].out_writes; own++)
		;
	if (own == n)
		own = n - 1;
	for (i = 0; i < n; i++) {
		if (i == own)
			continue;
		c = s->port[dst[i]].out_writes ? rte_pktmbuf_copy(m, r->w->pool, 0, UINT32_MAX) :
			rte_pktmbuf_clone(m, r->w->pool);
		if (unlikely(c == NULL))
			dp_count_tx_drops(r->w, dst[i], DP_DROP_FLOOD_COPY_FAILED, 1);
		else
			eg_send(r, dst[i], c);
	}
	eg_send(r, dst[own], m);
}

static uint16_t
egress_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb)
{
	struct eg_run r = { .graph = graph, .node = node, .w = vsw_node_worker(node) };
	uint16_t i, k, j;
	DP_CYC_START(t);

	r.s = r.w->snap;
	for (i = 0; i < nb; i += k) {
		k = vsw_port_run(objs, i, nb, &r.in_port);
		for (j = i; j < i + k; j++) {
			struct rte_mbuf *m = objs[j];
			uint16_t out = vsw_meta_c(m)->out_port;

			if (likely(out < VSW_MAX_PORTS)) {
				if (r.s->fcache_on && !r.w->dry)
					dp_fcache_insert(r.w, r.s, r.in_port, m, out);
				eg_send(&r, out, m);
			} else {
				eg_flood(&r, m);
			}
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
VSW_ARC_NODE_REGISTER(egress_node, 1000, NULL, VSW_CACHE_FLOW)
