/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_TRACE_H
#define VSW_TRACE_H

/**
 * @file
 * Packet trace, datapath side. The control thread gives a port a budget of frames to trace
 * (struct vsw_trace_ctl); the rx node marks that many received frames (vsw_trace_flag, the
 * packet id in vsw_meta.trace_id) and turns the worker's trace mode on for the walk. In
 * that mode the walk (vsw_walk.h) runs every node through vsw_trace_call(), which records
 * for each marked packet the node, the edge it took (the next node), its drop reason and the
 * first bytes of the frame as the node left it, on the worker's trace ring. Nothing of this
 * runs while no port has a budget: the rx node reads one word per walk.
 *
 * Ownership: vsw_trace_ctl is written by the control thread (budgets, set) and the workers
 * (budgets, decremented with atomics); records go through a per-worker SP/SC ring that the
 * control thread drains (trace_ctl.h).
 */

#include <stdint.h>

#include <rte_graph.h>
#include <rte_mbuf.h>

#include "dp.h"

/** Bytes of each frame a record keeps. */
#define VSW_TRACE_HDR 42
/** next of a record whose packet left the graph in the node (transmitted, stolen). */
#define VSW_TRACE_GONE 0xffff
/** Records a worker's trace ring holds. */
#define VSW_TRACE_RING 8192

/** One hop of a traced packet. */
struct vsw_trace_rec {
	uint64_t tsc;        /**< TSC of the walk */
	uint32_t id;         /**< packet id (vsw_meta.trace_id) */
	uint16_t node;       /**< the node (rte_node_t) */
	uint16_t next;       /**< node it moved the packet to, or VSW_TRACE_GONE */
	uint16_t len;        /**< frame length as the node left it */
	uint16_t worker;     /**< worker id */
	uint8_t drop;        /**< enum dp_drop when next is the drop node */
	uint8_t n_hdr;       /**< valid bytes in hdr */
	uint8_t hdr[VSW_TRACE_HDR]; /**< the frame's first bytes as the node left it */
};

/** What the control thread asks the workers to trace. */
struct vsw_trace_ctl {
	uint32_t active;                 /**< ports with a budget left (a hint: 0 = none) */
	uint32_t next_id;                /**< last packet id given out */
	uint32_t budget[VSW_MAX_PORTS];  /**< frames still to trace, per ingress port */
};

/**
 * Marks up to the budget of port @p port of the @p n frames of @p pkts, just received by
 * source node @p node, as traced: gives each a packet id, records its hop to the node at
 * edge @p edge, and turns trace mode on for the rest of the walk.
 */
void vsw_trace_mark(struct dp_worker *w, struct rte_node *node, rte_edge_t edge, uint16_t port,
		struct rte_mbuf **pkts, uint16_t n);

/**
 * Marks frame @p m as traced with packet id @p id (trace.simulate) and records its hop from
 * source node @p node to the node at edge @p edge.
 */
void vsw_trace_mark_one(struct dp_worker *w, struct rte_node *node, rte_edge_t edge,
		struct rte_mbuf *m, uint32_t id);

/**
 * Runs @p node on its @p n objects @p objs like the walk does, recording a hop for every
 * traced packet the node moved (to any edge) or that left the graph in it.
 * @return what the node's process function returned.
 */
uint16_t vsw_trace_call(struct dp_worker *w, struct rte_graph *graph, struct rte_node *node,
		void **objs, uint16_t n);

#endif
