/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_GRAPH_NODE_H
#define VSW_GRAPH_NODE_H

/**
 * @file
 * The node contract. The datapath is an rte_graph per worker (lib/graph); every stage is a
 * node: one process function, its named next edges, its drop reasons (dp_drops.h), its
 * per-worker state reached through the node's context. A node decides and moves packets:
 *   - to another node (its own named edges);
 *   - to a port's output (VSW_EDGE_PORT(p): the "vswtx-p" node, which alone transmits);
 *   - to drop (VSW_EDGE_DROP, the reason in vsw_meta.drop: the "vsw_drop" node counts and
 *     frees; nothing else frees a packet);
 *   - stolen: the node keeps the packet (say until a crypto device returns it) and later
 *     moves it from a source node of its own;
 *   - emitted: packets the node creates (replies, copies, protocol frames) leave on its
 *     edges like any other.
 * Nodes that reach ports declare VSW_NODE_PORT_EDGES: their edges 0 and 1 are drop and
 * their first own next node, and VSW_EDGE_PORT0 + p is port p's output; vsw_graph_init()
 * adds the port edges once the output nodes exist.
 *
 * Ownership: a node's context (rte_node ctx) holds the struct dp_worker of the worker whose
 * graph it is in; only that worker runs it. The snapshot a node reads is w->snap, loaded by
 * the worker once per loop iteration (RCU-protected: never kept past the walk).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_graph.h>
#include <rte_graph_worker.h>

#include "dp.h"
#include "vsw_meta.h"

/** Edge to the drop node (every node that drops). */
#define VSW_EDGE_DROP 0
/** A port-reaching node's first own next node. */
#define VSW_EDGE_NEXT 1
/** First port output edge. */
#define VSW_EDGE_PORT0 2
/** Edge to the output of vswd port @p p. */
#define VSW_EDGE_PORT(p) ((rte_edge_t)(VSW_EDGE_PORT0 + (p)))

/** Name prefix of the per-port output nodes ("vswtx-<port index>"). */
#define VSW_TX_NODE "vswtx"

/** What a node's rte_node ctx holds. */
struct vsw_node_ctx {
	struct dp_worker *w;  /**< the worker whose graph this node instance is in */
	uint16_t port;        /**< output nodes: their port index */
};

/** The context of node instance @p node. */
static inline struct vsw_node_ctx *
vsw_node_ctx(struct rte_node *node)
{
	RTE_BUILD_BUG_ON(sizeof(struct vsw_node_ctx) > RTE_NODE_CTX_SZ);
	return (struct vsw_node_ctx *)node->ctx;
}

/** The worker context of node instance @p node. */
static inline struct dp_worker *
vsw_node_worker(struct rte_node *node)
{
	return vsw_node_ctx(node)->w;
}

/** Edge of next[] code @p code (dp.h: a port, DP_NEXT_CONT or a drop). */
static inline rte_edge_t
vsw_code_edge(uint16_t code)
{
	if (likely(code < VSW_MAX_PORTS))
		return VSW_EDGE_PORT(code);
	return code == DP_NEXT_CONT ? VSW_EDGE_NEXT : VSW_EDGE_DROP;
}

/** Marks the @p n packets of @p objs as dropped (ingress) with next[] drop code @p code. */
static inline void
vsw_mark_drops(void **objs, uint16_t n, uint16_t code)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct vsw_meta *md = vsw_meta(objs[i]);

		md->drop = (uint8_t)dp_next_reason(code);
		md->flags = 0;
	}
}

/**
 * Moves the @p n packets of @p objs to the edges their next[] codes name, keeping their
 * order per edge; a drop code's reason goes into the packet's metadata. @p whole: @p objs is
 * the node's own whole stream (node->objs, node->idx == @p n); when every packet then takes
 * one edge, the stream is handed over without copying.
 */
static inline void
vsw_enqueue_codes(struct rte_graph *graph, struct rte_node *node, void **objs,
		const uint16_t *next, uint16_t n, bool whole)
{
	uint16_t i = 0, j;

	while (i < n) {
		for (j = i + 1; j < n && next[j] == next[i]; j++)
			;
		if (unlikely(dp_next_is_drop(next[i])))
			vsw_mark_drops(&objs[i], j - i, next[i]);
		if (i == 0 && j == n && whole) {
			rte_node_next_stream_move(graph, node, vsw_code_edge(next[0]));
			return;
		}
		rte_node_enqueue(graph, node, vsw_code_edge(next[i]), &objs[i], j - i);
		i = j;
	}
}

/**
 * Length of the run of packets from @p objs[i] on that share one ingress port (at most
 * DP_BURST, the stages' burst size); that port in @p in_port.
 */
static inline uint16_t
vsw_port_run(void **objs, uint16_t i, uint16_t n, uint16_t *in_port)
{
	uint16_t p = vsw_meta_c(objs[i])->in_port, j;

	for (j = i + 1; j < n && j - i < DP_BURST && vsw_meta_c(objs[j])->in_port == p; j++)
		;
	*in_port = p;
	return (uint16_t)(j - i);
}

/**
 * Node init callback of every vswd node: points the context at the worker whose graph is
 * being built and, for an output node "vswtx-<i>", sets its port i.
 */
int vsw_node_init_ctx(const struct rte_graph *graph, struct rte_node *node);

/** Info vswd keeps on each node it registers (vsw_graph.c). */
struct vsw_node_info {
	const struct rte_node_register *reg; /**< the rte_graph registration */
	bool port_edges;                     /**< gets an edge to every port output */
};

/** Records @p info (from a constructor). */
void vsw_node_info_add(const struct vsw_node_info *info);

/**
 * Registers node @p reg (a struct rte_node_register) with rte_graph and with vswd;
 * @p port_edges: whether it reaches port outputs (VSW_EDGE_PORT).
 */
#define VSW_NODE_REGISTER(reg, port_edges_) \
	RTE_NODE_REGISTER(reg); \
	RTE_INIT(vsw_node_info_##reg) \
	{ \
		static const struct vsw_node_info i_ = { &reg, port_edges_ }; \
		vsw_node_info_add(&i_); \
	}

#endif
