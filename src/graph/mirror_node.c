/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_mirror: fans mirror copies out to the destinations' outputs.
 * In: deep copies made by vsw_mirror_emit(). Out: VSW_EDGE_PORT(d) for each destination d
 * (one reference each). Drops: none here (a failed copy is counted where it was made).
 */
#include "mirror.h"

void
vsw_mirror_emit(struct rte_graph *graph, struct rte_node *node, rte_edge_t edge,
		struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_worker *w = vsw_node_worker(node);
	const struct dp_snap *s = w->snap;
	uint16_t i, d, nd = s->n_mirror_dst;
	struct rte_mbuf *c;

	for (i = 0; i < n && nd > 0; i++) {
		c = rte_pktmbuf_copy(pkts[i], w->pool, 0, UINT32_MAX);
		if (unlikely(c == NULL)) {
			for (d = 0; d < nd; d++)
				dp_count_tx_drops(w, s->mirror_dst[d], DP_DROP_MIRROR_COPY_FAILED, 1);
			continue;
		}
		rte_node_enqueue_x1(graph, node, edge, c);
	}
}

static uint16_t
mirror_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t n)
{
	struct dp_worker *w = vsw_node_worker(node);
	const struct dp_snap *s = w->snap;
	uint16_t i, d, nd = s->n_mirror_dst;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *c = objs[i];

		if (unlikely(nd == 0)) {
			/* The snapshot changed between copy and fan-out: cannot happen within one
			 * walk, but a copy must never vanish uncounted. */
			vsw_meta(c)->drop = DP_DROP_MIRROR_COPY_FAILED;
			vsw_meta(c)->flags = 0;
			rte_node_enqueue_x1(graph, node, VSW_EDGE_DROP, c);
			continue;
		}
		if (nd > 1)
			rte_pktmbuf_refcnt_update(c, (int16_t)(nd - 1));
		for (d = 0; d < nd; d++)
			rte_node_enqueue_x1(graph, node, VSW_EDGE_PORT(s->mirror_dst[d]), c);
		w->mirror_copies += nd;
	}
	return n;
}

static struct rte_node_register mirror_node = {
	.name = VSW_MIRROR_NODE,
	.process = mirror_process,
	.init = vsw_node_init_ctx,
	.nb_edges = 2,
	/* Edge 1 (VSW_EDGE_NEXT) is unused: the layout of port-reaching nodes is fixed. */
	.next_nodes = { "vsw_drop", "vsw_drop" },
};
VSW_NODE_REGISTER(mirror_node, true)
