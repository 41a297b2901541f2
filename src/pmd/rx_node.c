/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_rx: the source node of every worker graph. Polls the RX queues of the worker's plan in
 * the current snapshot, counts what each port received and moves the frames to the flow
 * cache, with the list of its runs of one ingress port in the worker context (dp_worker
 * rx_run[]: the cache sets the metadata of what it does not decide, and sums the bytes), or,
 * when the cache is off, straight to the switch with the ingress port in each frame's
 * metadata. Frames of a mirror source are copied as received, before any node rewrites a
 * header.
 * Out: vsw_fcache, vsw_parse, vsw_mirror. Drops: none.
 */
#include <rte_ethdev.h>

#include <string.h>

#include "mirror.h"
#include "vsw_inject.h"
#include "trace.h"
#include "worker.h"

/* Bursts taken from one queue per walk while each is full. */
#define RX_BURSTS 4

enum rx_edge {
	RX_EDGE_DROP = VSW_EDGE_DROP, /**< unused: receiving drops nothing */
	RX_EDGE_FCACHE,               /**< the flow cache */
	RX_EDGE_SWITCH,               /**< the slow path (flow cache off) */
	RX_EDGE_MIRROR,               /**< copies of a mirror source's frames */
};

/*
 * Adds @p n frames of port @p port to the runs the flow cache node reads (dp_worker rx_run[]),
 * extending the last run when it is that port's. @return false when the list is full (one
 * run per polled queue always fits).
 */
static inline bool
rx_run_add(struct dp_worker *w, uint16_t port, uint16_t n)
{
	if (w->n_rx_runs > 0 && w->rx_run[w->n_rx_runs - 1].port == port) {
		w->rx_run[w->n_rx_runs - 1].n += n;
		return true;
	}
	if (w->n_rx_runs == DP_MAX_POLL)
		return false;
	w->rx_run[w->n_rx_runs].port = port;
	w->rx_run[w->n_rx_runs++].n = n;
	return true;
}

/*
 * The frames handed in (vsw_inject.h) instead of polling, with their metadata as the flow
 * cache would leave a miss, in runs of one ingress port; traced when asked.
 */
static uint16_t
rx_inject(struct rte_graph *graph, struct rte_node *node, rte_edge_t next)
{
	struct dp_worker *w = vsw_node_worker(node);
	struct vsw_inject *inj = w->inject;
	uint16_t i, n = inj->n;

	inj->n = 0;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = inj->pkt[i];
		uint16_t port = inj->port[i];

		vsw_meta(m)->in_port = port;
		vsw_meta(m)->flags = 0;
		w->port[port].rx_pkts++;
		w->port[port].rx_bytes += rte_pktmbuf_pkt_len(m);
		if (next == RX_EDGE_FCACHE && !rx_run_add(w, port, 1))
			break;
		if (inj->trace)
			vsw_trace_mark_one(w, node, next, m, inj->trace_id + i);
		if (unlikely(w->snap->port[port].mirror_src))
			vsw_mirror_emit(graph, node, RX_EDGE_MIRROR, &m, 1);
		rte_node_enqueue_x1(graph, node, next, m);
	}
	/* More runs than the flow cache node takes: the rest stay for the next walk. */
	if (i < n) {
		memmove(inj->pkt, inj->pkt + i, (n - i) * sizeof(inj->pkt[0]));
		memmove(inj->port, inj->port + i, (n - i) * sizeof(inj->port[0]));
		inj->n = n - i;
		inj->trace_id += i;
	}
	return i;
}

/* One burst from queue @p r into the stream of edge @p next. @return frames received. */
static inline uint16_t
rx_one(struct rte_graph *graph, struct rte_node *node, struct dp_worker *w,
		const struct dp_snap *s, const struct dp_rxq *r, rte_edge_t next, bool trace)
{
	struct dp_port_ctr *pc = &w->port[r->port];
	struct rte_mbuf **pkts;
	uint64_t bytes = 0;
	uint16_t i, n;

	pkts = (struct rte_mbuf **)rte_node_next_stream_get(graph, node, next, DP_BURST);
	n = rte_eth_rx_burst(s->port[r->port].eth_id, r->queue, pkts, DP_BURST);
	if (n == 0)
		return 0;
	w->rx_bursts++;
	pc->rx_pkts += n;
	if (next == RX_EDGE_FCACHE) {
		rx_run_add(w, r->port, n);
	} else {
		for (i = 0; i < n; i++) {
			/* The stages read the headers next: start loading them. */
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
			vsw_meta(pkts[i])->in_port = r->port;
			/* Dynamic fields survive in a recycled mbuf: no flag of its last use. */
			vsw_meta(pkts[i])->flags = 0;
			bytes += rte_pktmbuf_pkt_len(pkts[i]);
		}
		pc->rx_bytes += bytes;
	}
	if (unlikely(trace))
		vsw_trace_mark(w, node, next, r->port, pkts, n);
	if (unlikely(s->port[r->port].mirror_src))
		vsw_mirror_emit(graph, node, RX_EDGE_MIRROR, pkts, n);
	rte_node_next_stream_put(graph, node, next, n);
	return n;
}

static uint16_t
rx_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb)
{
	struct dp_worker *w = vsw_node_worker(node);
	const struct dp_snap *s = w->snap;
	rte_edge_t next = s->fcache_on ? RX_EDGE_FCACHE : RX_EDGE_SWITCH;
	const struct dp_worker_plan *pl;
	uint64_t tp, tn;
	bool trace;
	uint16_t q, n, total = 0;

	w->n_rx_runs = 0;
	w->poll_idle = 0;
	w->rx_got = 0;
	if (unlikely(w->inject != NULL))
		return rx_inject(graph, node, next);
	pl = &s->plan[w->id];
	trace = __atomic_load_n(&w->trace_ctl->active, __ATOMIC_RELAXED) != 0;

	/* The cost of polling a queue that had nothing is idle time (as OVS counts it): one
	 * TSC read per queue. */
	tp = rte_rdtsc();
	for (q = 0; q < pl->n_rxq; q++) {
		const struct dp_rxq *r = &pl->rxq[q];
		/* No flow from a VSW_CACHE_NEVER port is ever cached: its frames skip the
		 * lookup and go straight to the slow path. */
		rte_edge_t e = s->port[r->port].in_nocache ? RX_EDGE_SWITCH : next;
		uint16_t b = 0, got = 0;
		DP_CYC_START(tc);

		/* A queue that filled a burst is polled again (RX_BURSTS at most): the walk's
		 * cost is shared by more frames when a queue is busy. */
		do {
			n = rx_one(graph, node, w, s, r, e, trace);
			got += n;
		} while (n == DP_BURST && ++b < RX_BURSTS);
		w->rxq_got[q] = got;
		total += got;
		tn = rte_rdtsc();
		if (got == 0)
			w->poll_idle += tn - tp;
		tp = tn;
		DP_CYC(w, DP_STAGE_RX, tc);
	}
	w->moved += total;
	w->rx_got = total;
	return total;
}

static struct rte_node_register rx_node = {
	.name = "vsw_rx",
	.flags = RTE_NODE_SOURCE_F,
	.process = rx_process,
	.init = vsw_node_init_ctx,
	.nb_edges = 4,
	.next_nodes = { "vsw_drop", "vsw_fcache", "vsw_parse", VSW_MIRROR_NODE },
};
VSW_NODE_REGISTER(rx_node, false)
