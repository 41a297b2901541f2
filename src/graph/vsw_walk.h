/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_GRAPH_WALK_H
#define VSW_GRAPH_WALK_H

/**
 * @file
 * The walk of a worker's graph: rte_graph_walk()'s order (source nodes, then every pending
 * stream until none is left) with vswd's per-node counters. Every node call counts its calls
 * and objects in the rte_node (total_calls, total_objs: read by stats.nodes); cycles are
 * counted only in the cycle_stats build, since two TSC reads a node call cost 6.6 cycles a
 * packet on p2p-64-1000 (that is why rte_graph_walk(), which Debian's DPDK builds with
 * RTE_LIBRTE_GRAPH_STATS, is not used). In trace mode (trace.h) each call goes through the
 * recorder.
 */

#include <rte_graph_worker.h>

#include "dp.h"
#include "trace.h"

/** Walks @p w's graph once. */
static inline void
vsw_graph_walk(struct dp_worker *w)
{
	struct rte_graph *graph = w->graph;
	const rte_graph_off_t *cir = graph->cir_start;
	const rte_node_t mask = graph->cir_mask;
	uint32_t head = graph->head;
	struct rte_node *node;
	uint16_t rc;

	w->trace_on = 0;
	while (likely(head != graph->tail)) {
		node = (struct rte_node *)RTE_PTR_ADD(graph, cir[(int32_t)head++]);
		rte_prefetch0(node->objs);
#ifdef VSW_CYCLE_STATS
		uint64_t t0 = rte_rdtsc();
#endif
#ifdef VSW_WALK_BARE
		rc = node->process(graph, node, node->objs, node->idx);
		RTE_SET_USED(rc);
#else
		if (unlikely(w->trace_on))
			rc = vsw_trace_call(w, graph, node, node->objs, node->idx);
		else
			rc = node->process(graph, node, node->objs, node->idx);
#ifdef VSW_CYCLE_STATS
		node->total_cycles += rte_rdtsc() - t0;
#endif
		node->total_calls++;
		node->total_objs += rc;
#endif
		node->idx = 0;
		head = likely((int32_t)head > 0) ? head & mask : head;
	}
	graph->tail = 0;
}

#endif
