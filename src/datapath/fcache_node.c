/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_fcache: the flow cache as a node (fcache.h). Looks up each run of frames from one
 * ingress port; a hit leaves rewritten for its output port, a miss goes to the slow path.
 * In: frames from vsw_rx only, in the runs of one ingress port it lists in the worker context
 * (dp_worker rx_run[]). Out: VSW_EDGE_PORT(p) (hits),
 * VSW_EDGE_NEXT = vsw_parse (misses: the ingress arc). Drops: none (the slow path decides those).
 */
#include "fcache.h"
#include "vsw_node.h"

static uint16_t
fcache_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb)
{
	struct dp_worker *w = vsw_node_worker(node);
	const struct dp_snap *s = w->snap;
	uint16_t next[nb], i = 0, r;
	uint64_t bytes;
	DP_CYC_START(t);

	for (r = 0; r < w->n_rx_runs; r++) {
		uint16_t port = w->rx_run[r].port, k = w->rx_run[r].n;

		RTE_ASSERT(i + k <= nb);
		dp_fcache_burst(w, s, port, (struct rte_mbuf **)&objs[i], k, &next[i], &bytes);
		w->port[port].rx_bytes += bytes;
		i += k;
	}
	RTE_ASSERT(i == nb);
	w->n_rx_runs = 0;
	vsw_enqueue_codes(graph, node, objs, next, nb, true, 0);
	DP_CYC(w, DP_STAGE_FCACHE, t);
	return nb;
}

static struct rte_node_register fcache_node = {
	.name = "vsw_fcache",
	.process = fcache_process,
	.init = vsw_node_init_ctx,
	.nb_edges = 2,
	.next_nodes = { "vsw_drop", "vsw_parse" },
};
VSW_NODE_REGISTER(fcache_node, true)
