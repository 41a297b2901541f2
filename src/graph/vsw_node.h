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
 *   - stolen: the node keeps the packet (say until a crypto device returns it), enqueuing
 *     it nowhere, and later moves it from a source node of its own (vsw_resumed()), on to
 *     the edge its arc names (dp_port in_next / out_next of its arc index); until then it
 *     answers for the packet (frees or drops it at a reconfiguration or exit);
 *   - emitted: packets the node creates (replies, copies, protocol frames) leave on its
 *     edges like any other.
 * Nodes that reach ports (VSW_NODE_REGISTER(.., true), and every arc node) share one edge
 * layout: 0 is drop, 1 their own next node, VSW_EDGE_PORT(p) port p's output, VSW_EDGE_ARC(k)
 * the arc node k (ingress and egress arc nodes share one index space); vsw_graph_init() adds
 * the port and arc edges.
 *
 * Feature arcs: a frame the flow cache did not decide goes through the ingress arc of its
 * port, the ingress arc nodes (VSW_ARC_NODE_REGISTER) in their order, skipping those not
 * enabled on that port. The ingress arc ends in vsw_egress, which gives each output port of
 * the frame its own mbuf (vsw_meta.out_port names the port) and sends it onto that port's
 * egress arc: the egress arc nodes (VSW_OUT_NODE_REGISTER) enabled on the port, in their
 * order, then the port's output. The snapshot holds both arcs of each port as successor
 * tables (dp_port.in_next, out_first/out_next), so a feature enabled on one port costs the
 * others nothing. An egress node that may write a frame's bytes on a port says so (its
 * writes callback): a flood then gives that port a private copy, the others share the data.
 *
 * Flow cache: a hit replays the outcome of both arcs for the frame's flow (fcache.h), so
 * every arc node's decision must be a function of the flow key (L2 header and ingress port;
 * for ports with pfc also the L3/L4 fields of pfc_key()) and the snapshot, or the node is
 * registered VSW_CACHE_NEVER and the flows through it are never cached (dp_port in_nocache,
 * out_nocache); each node's file says which and why ("Flow cache:").
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
/** Edge to the ingress arc node with arc index @p k. */
#define VSW_EDGE_ARC(k) ((rte_edge_t)(VSW_EDGE_PORT0 + VSW_MAX_PORTS + (k)))

/** Name prefix of the per-port output nodes ("vswtx-<port index>"). */
#define VSW_TX_NODE "vswtx"

/** What a node's rte_node ctx holds. */
struct vsw_node_ctx {
	struct dp_worker *w;  /**< the worker whose graph this node instance is in */
	uint16_t port;        /**< output nodes: their port index */
	uint8_t arc;          /**< ingress arc nodes: their arc index */
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

/** next[] code of the arc node with arc index k: DP_NEXT_ARC_BASE + k (edge VSW_EDGE_ARC). */
#define DP_NEXT_ARC_BASE 0x8100

/**
 * Edge of next[] code @p code (dp.h: a port, DP_NEXT_CONT: the node's own next, an arc node
 * DP_NEXT_ARC_BASE + k, or a drop).
 */
static inline rte_edge_t
vsw_code_edge(uint16_t code)
{
	if (likely(code < VSW_MAX_PORTS))
		return VSW_EDGE_PORT(code);
	if (code >= DP_NEXT_ARC_BASE && code < DP_NEXT_DROP_BASE)
		return VSW_EDGE_ARC(code - DP_NEXT_ARC_BASE);
	return code == DP_NEXT_CONT ? VSW_EDGE_NEXT : VSW_EDGE_DROP;
}

/**
 * Marks the @p n packets of @p objs as dropped with next[] drop code @p code; @p flags:
 * 0 (an ingress drop) or VSW_META_F_EGRESS (against vsw_meta.out_port).
 */
static inline void
vsw_mark_drops(void **objs, uint16_t n, uint16_t code, uint8_t flags)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct vsw_meta *md = vsw_meta(objs[i]);

		md->drop = (uint8_t)dp_next_reason(code);
		md->flags = flags;
	}
}

/**
 * Moves the @p n packets of @p objs to the edges their next[] codes name, keeping their
 * order per edge; a drop code's reason goes into the packet's metadata; DP_NEXT_STOLEN ones
 * (kept by the node) go nowhere. @p whole: @p objs is
 * the node's own whole stream (node->objs, node->idx == @p n); when every packet then takes
 * one edge, the stream is handed over without copying. @p drop_flags: what vsw_mark_drops()
 * records for the drops.
 */
static inline void
vsw_enqueue_codes(struct rte_graph *graph, struct rte_node *node, void **objs,
		const uint16_t *next, uint16_t n, bool whole, uint8_t drop_flags)
{
	uint16_t i = 0, j;

	while (i < n) {
		for (j = i + 1; j < n && next[j] == next[i]; j++)
			;
		if (unlikely(dp_next_is_drop(next[i])))
			vsw_mark_drops(&objs[i], j - i, next[i], drop_flags);
		if (unlikely(next[i] == DP_NEXT_STOLEN)) {
			i = j; /* kept by the node: it moves them on later */
			continue;
		}
		if (i == 0 && j == n && whole) {
			rte_node_next_stream_move(graph, node, vsw_code_edge(next[0]));
			return;
		}
		rte_node_enqueue(graph, node, vsw_code_edge(next[i]), &objs[i], j - i);
		i = j;
	}
}

/**
 * A node that stole packets (kept them, say for a crypto device) moves them on later from a
 * source node of its own, with their metadata as it kept them; it calls this first on the
 * @p n packets of @p pkts it moves, so traced ones go on being recorded in this walk.
 */
static inline void
vsw_resumed(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (unlikely(vsw_traced(pkts[i]))) {
			w->trace_on = 1;
			return;
		}
	}
}

/* Length of the run from @p objs[i] on sharing in_port (or out_port: @p out), at most
 * DP_BURST; that port in @p port. */
static inline uint16_t
vsw_run_(void **objs, uint16_t i, uint16_t n, uint16_t *port, bool out)
{
	const struct vsw_meta *m = vsw_meta_c(objs[i]);
	uint16_t p = out ? m->out_port : m->in_port, j;

	for (j = i + 1; j < n && j - i < DP_BURST; j++) {
		m = vsw_meta_c(objs[j]);
		if ((out ? m->out_port : m->in_port) != p)
			break;
	}
	*port = p;
	return (uint16_t)(j - i);
}

/**
 * Length of the run of packets from @p objs[i] on that share one ingress port (at most
 * DP_BURST, the stages' burst size); that port in @p in_port.
 */
static inline uint16_t
vsw_port_run(void **objs, uint16_t i, uint16_t n, uint16_t *in_port)
{
	return vsw_run_(objs, i, n, in_port, false);
}

/**
 * Node init callback of every vswd node: points the context at the worker whose graph is
 * being built and, for an output node "vswtx-<i>", sets its port i.
 */
int vsw_node_init_ctx(const struct rte_graph *graph, struct rte_node *node);

/**
 * Length of the run of packets from @p objs[i] on that share one output port
 * (vsw_meta.out_port, at most DP_BURST); that port in @p out_port.
 */
static inline uint16_t
vsw_out_run(void **objs, uint16_t i, uint16_t n, uint16_t *out_port)
{
	return vsw_run_(objs, i, n, out_port, true);
}

/** Which arc a node is on. */
enum vsw_arc_kind {
	VSW_ARC_IN,   /**< ingress: runs per ingress port (vsw_meta.in_port) */
	VSW_ARC_OUT,  /**< egress: runs per output port (vsw_meta.out_port) */
};

/** Whether the flow cache may stand in for an arc node (vsw_arc_info.cache). */
enum vsw_cache {
	/** Its decision is a function of the flow key (L2 header and ingress port; with pfc
	 * also the L3/L4 fields) and the snapshot, and dp_fcache_insert() records its outcome:
	 * a hit replays it. */
	VSW_CACHE_FLOW,
	/** Not replayable (it keeps packets, keeps per-packet state, or fcache.c does not know
	 * its outcome): no flow from a port with it on the ingress arc, or to a port with it on
	 * the egress arc, is cached. */
	VSW_CACHE_NEVER,
};

/**
 * Membership of a node in a feature arc: the nodes a frame the flow cache did not decide
 * passes through, in @c order, each only on the ports where @c enabled says so.
 */
struct vsw_arc_info {
	enum vsw_arc_kind kind; /**< ingress or egress arc */
	int order;  /**< place on its arc (lower first; on the ingress arc vsw_parse is first,
		     *   vsw_egress last) */
	/** True when the node runs on port @p port of @p s (ingress: frames received there,
	 * egress: frames sent there); NULL: always. */
	bool (*enabled)(const struct dp_snap *s, uint16_t port);
	/** Egress nodes: true when the node may write the bytes of frames to port @p port
	 * (a flood then gives that port a private copy); NULL: never writes. */
	bool (*writes)(const struct dp_snap *s, uint16_t port);
	enum vsw_cache cache; /**< whether the flow cache may stand in for the node */
};

/** Edge of the first node of port @p port's egress arc (or its output: an empty arc). */
static inline rte_edge_t
vsw_out_edge(const struct dp_snap *s, uint16_t port)
{
	return vsw_code_edge(s->port[port].out_first);
}

/**
 * Loads into @p next the switching decision (a port or DP_NEXT_FLOOD) that vsw_l2 kept in the
 * metadata of the @p n frames of @p pkts.
 */
static inline void
vsw_decision_load(struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		next[i] = vsw_meta_c(pkts[i])->out_port;
}

/** Keeps the decisions in @p next of the frames not dropped; they go on (DP_NEXT_CONT). */
static inline void
vsw_decision_store(struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (dp_next_is_drop(next[i]))
			continue;
		vsw_meta(pkts[i])->out_port = next[i];
		next[i] = DP_NEXT_CONT;
	}
}

/**
 * The port of output node name @p name ("vswtx-<p>") in @p port. @return true when @p name
 * is one (p < VSW_MAX_PORTS).
 */
bool vsw_tx_node_port(const char *name, uint16_t *port);

/** Info vswd keeps on each node it registers (vsw_graph.c). */
struct vsw_node_info {
	const struct rte_node_register *reg; /**< the rte_graph registration */
	bool port_edges;                     /**< gets port and arc edges (VSW_EDGE_PORT/ARC) */
	const struct vsw_arc_info *arc;      /**< on an arc: which, where, when; or NULL */
};

/** Records @p info (from a constructor). */
void vsw_node_info_add(const struct vsw_node_info *info);

/**
 * Registers node @p reg (a struct rte_node_register) with rte_graph and with vswd;
 * @p port_edges: whether it reaches port outputs and arc nodes (VSW_EDGE_PORT/ARC).
 */
#define VSW_NODE_REGISTER(reg, port_edges_) \
	RTE_NODE_REGISTER(reg); \
	RTE_INIT(vsw_node_info_##reg) \
	{ \
		static const struct vsw_node_info i_ = { &reg, port_edges_, NULL }; \
		vsw_node_info_add(&i_); \
	}

/* Registers arc node @p reg (both arc kinds). */
#define VSW_ARC_REGISTER_(reg, kind_, order_, enabled_, writes_, cache_) \
	RTE_NODE_REGISTER(reg); \
	RTE_INIT(vsw_node_info_##reg) \
	{ \
		static const struct vsw_arc_info a_ = { kind_, order_, enabled_, writes_, cache_ }; \
		static const struct vsw_node_info i_ = { &reg, true, &a_ }; \
		vsw_node_info_add(&i_); \
	}

/**
 * Registers node @p reg as a node of the ingress arc at @p order_, running on the ports where
 * @p enabled_ (or NULL: every port) says so, cacheable as @p cache_ (enum vsw_cache). It has
 * port and arc edges.
 */
#define VSW_ARC_NODE_REGISTER(reg, order_, enabled_, cache_) \
	VSW_ARC_REGISTER_(reg, VSW_ARC_IN, order_, enabled_, NULL, cache_)

/**
 * Registers node @p reg as a node of the egress arc at @p order_, running for frames to the
 * ports where @p enabled_ (NULL: every port) says so; @p writes_ (NULL: never) says on which
 * ports it may write frame bytes; cacheable as @p cache_ (enum vsw_cache). It has port and
 * arc edges.
 */
#define VSW_OUT_NODE_REGISTER(reg, order_, enabled_, writes_, cache_) \
	VSW_ARC_REGISTER_(reg, VSW_ARC_OUT, order_, enabled_, writes_, cache_)

/**
 * An arc node whose work is stage function @p fn_ (vsw_stage_fn): its process function (the
 * run loop of vsw_arc_process(), charged to cycle stage @p cyc_), its registration as
 * @p name_ at @p order_ on the ports where @p enabled_ says (NULL: every port), cacheable
 * as @p cache_.
 */
#define VSW_ARC_STAGE_NODE(id_, name_, fn_, cyc_, order_, enabled_, cache_) \
	VSW_STAGE_NODE_(id_, name_, vsw_arc_process, fn_, cyc_) \
	VSW_ARC_NODE_REGISTER(id_##_node, order_, enabled_, cache_)

/**
 * An egress arc node whose work is @p fn_ (vsw_stage_fn) on the frames to one port: its process
 * function (vsw_out_process(), charged to cycle stage @p cyc_), its registration as @p name_
 * at @p order_ for the ports where @p enabled_ says (NULL: every port), writing frames on the
 * ports where @p writes_ says (NULL: never), cacheable as @p cache_.
 */
#define VSW_OUT_STAGE_NODE(id_, name_, fn_, cyc_, order_, enabled_, writes_, cache_) \
	VSW_STAGE_NODE_(id_, name_, vsw_out_process, fn_, cyc_) \
	VSW_OUT_NODE_REGISTER(id_##_node, order_, enabled_, writes_, cache_)

/* The process function and registration record of an arc node running @p fn_ by @p loop_. */
#define VSW_STAGE_NODE_(id_, name_, loop_, fn_, cyc_) \
	static uint16_t \
	id_##_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb) \
	{ \
		DP_CYC_START(t_); \
		uint16_t r_ = loop_(graph, node, objs, nb, fn_); \
		\
		DP_CYC(vsw_node_worker(node), cyc_, t_); \
		return r_; \
	} \
	static struct rte_node_register id_##_node = { \
		.name = name_, \
		.process = id_##_process, \
		.init = vsw_node_init_ctx, \
		.nb_edges = 2, \
		/* edge 1 (VSW_EDGE_NEXT) unused: arc nodes go on by VSW_EDGE_ARC */ \
		.next_nodes = { "vsw_drop", "vsw_drop" }, \
	};

/**
 * Fills the arcs of every port of @p s (dp_port in_next[], out_first, out_next[],
 * out_writes) from the arc nodes' order and conditions. Call after the rest of the snapshot
 * is built.
 */
void vsw_arc_build(struct dp_snap *s);

/**
 * The work of an arc node on the @p n frames of @p pkts, which share one port (@p port: the
 * ingress port on the ingress arc, the output port on the egress arc): sets next[i] to
 * DP_NEXT_CONT (on along the arc), a drop code, or (ingress arc) a port code (straight to
 * that port's output). @return number of drops.
 */
typedef uint16_t (*vsw_stage_fn)(struct dp_worker *w, const struct dp_snap *s,
		uint16_t port, struct rte_mbuf **pkts, uint16_t n, uint16_t *next);

/*
 * The arc node processing loop of either arc (@p out: the egress arc, a constant): runs @p fn
 * on each run of @p nb objects that share a port and moves them on: drops to the drop node
 * (egress drops on the egress arc), DP_NEXT_CONT to the next node of that port's arc (at the
 * end of the egress arc the port's output), port codes to the port's output.
 */
static inline uint16_t
vsw_arc_loop_(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb,
		vsw_stage_fn fn, bool out)
{
	struct vsw_node_ctx *c = vsw_node_ctx(node);
	struct dp_worker *w = c->w;
	const struct dp_snap *s = w->snap;
	uint16_t next[DP_BURST], i, k, port, j, to;

	for (i = 0; i < nb; i += k) {
		k = out ? vsw_out_run(objs, i, nb, &port) : vsw_port_run(objs, i, nb, &port);
		fn(w, s, port, (struct rte_mbuf **)&objs[i], k, next);
		to = out ? s->port[port].out_next[c->arc] :
			(uint16_t)(DP_NEXT_ARC_BASE + s->port[port].in_next[c->arc]);
		for (j = 0; j < k; j++)
			if (next[j] == DP_NEXT_CONT)
				next[j] = to;
		vsw_enqueue_codes(graph, node, &objs[i], next, k, i == 0 && k == nb,
				out ? VSW_META_F_EGRESS : 0);
	}
	return nb;
}

/** The ingress arc node loop: @p fn on each run of frames from one ingress port. */
static inline uint16_t
vsw_arc_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb,
		vsw_stage_fn fn)
{
	return vsw_arc_loop_(graph, node, objs, nb, fn, false);
}

/** The egress arc node loop: @p fn on each run of frames to one output port. */
static inline uint16_t
vsw_out_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb,
		vsw_stage_fn fn)
{
	return vsw_arc_loop_(graph, node, objs, nb, fn, true);
}

#endif
