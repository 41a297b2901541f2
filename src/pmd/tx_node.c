/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswtx-<p>: the output of port p, one clone of "vswtx" per port slot (vsw_graph_init()).
 * The only node that transmits. Copies the frames of a mirror source as sent, then hands them
 * to the port's output op for this worker (dp_port.out_op, enum dp_out_op): its own TX queue
 * of the port, or the handoff ring to the queue's owner. What the op does not take is a
 * counted drop (tx_full, tx_handoff_full) against the port, freed here: the output is the end
 * of the drop path.
 * Out: vsw_mirror.
 */
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "mirror.h"
#include "vsw_inject.h"
#include "worker.h"

/* Most frames given to one rte_eth_tx_burst() call. */
#define TX_CHUNK 64

enum tx_edge {
	TX_EDGE_DROP = VSW_EDGE_DROP, /**< unused: refused frames are counted and freed here */
	TX_EDGE_MIRROR,               /**< copies of a mirror source's frames */
};

/* Sums the lengths of @p n frames. */
static inline uint64_t
pkts_bytes(struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t b = 0;
	uint16_t i;

	for (i = 0; i < n; i++)
		b += rte_pktmbuf_pkt_len(pkts[i]);
	return b;
}

void
pmd_tx_burst_count(struct dp_worker *w, const struct dp_port *p, uint16_t port,
		uint16_t queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_port_ctr *pc = &w->port[port];
	uint64_t bytes = pkts_bytes(pkts, n);
	uint16_t sent;

	sent = rte_eth_tx_burst(p->eth_id, queue, pkts, n);
	w->tx_bursts++;
	if (unlikely(sent < n)) {
		bytes -= pkts_bytes(pkts + sent, n - sent);
		dp_count_tx_drops(w, port, DP_DROP_TX_FULL, n - sent);
		rte_pktmbuf_free_bulk(pkts + sent, n - sent);
	}
	pc->tx_pkts += sent;
	pc->tx_bytes += bytes;
}

/*
 * A graph without devices: the frames go to the capture (tests), or, in a dry run without
 * one (trace.simulate: the trace saw them leave here), are freed. Nothing is counted.
 */
static void
tx_capture(struct dp_worker *w, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	struct vsw_capture *c = w->capture;
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (c != NULL && c->n < c->max) {
			c->ent[c->n].m = pkts[i];
			c->ent[c->n++].port = port;
		} else {
			if (c != NULL)
				c->lost++;
			rte_pktmbuf_free(pkts[i]);
		}
	}
}

/* Output op DP_OUT_TXQ: the worker's own TX queue of the port. */
static inline void
tx_op_txq(struct dp_worker *w, const struct dp_port *p, uint16_t port, struct rte_mbuf **pkts,
		uint16_t n)
{
	uint16_t i, k;

	for (i = 0; i < n; i += k) {
		k = RTE_MIN((uint16_t)(n - i), (uint16_t)TX_CHUNK);
		pmd_tx_burst_count(w, p, port, p->txq[w->id], pkts + i, k);
	}
}

/* Output op DP_OUT_HANDOFF: the handoff ring to the owner of the queue. */
static inline void
tx_op_handoff(struct dp_worker *w, const struct dp_port *p, uint16_t port,
		struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t q = (uint16_t)rte_ring_mp_enqueue_burst(p->handoff, (void **)pkts, n, NULL);

	if (unlikely(q < n)) {
		dp_count_tx_drops(w, port, DP_DROP_TX_HANDOFF_FULL, n - q);
		rte_pktmbuf_free_bulk(pkts + q, n - q);
	}
}

static uint16_t
tx_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t n)
{
	struct dp_worker *w = vsw_node_worker(node);
	uint16_t port = vsw_node_ctx(node)->port, i;
	const struct dp_port *p = &w->snap->port[port];
	struct rte_mbuf **pkts = (struct rte_mbuf **)objs;
	DP_CYC_START(tc);

	if (unlikely(p->mirror_src))
		vsw_mirror_emit(graph, node, TX_EDGE_MIRROR, pkts, n);
	if (unlikely(w->trace_on)) {
		/* A frame that comes back in (a looped port) is not the same trace. */
		for (i = 0; i < n; i++)
			pkts[i]->ol_flags &= ~vsw_trace_flag;
	}
	if (unlikely(w->capture != NULL || w->dry)) {
		tx_capture(w, port, pkts, n);
		return n;
	}
	switch (p->out_op[w->id]) {
	case DP_OUT_TXQ:
		tx_op_txq(w, p, port, pkts, n);
		break;
	default: /* DP_OUT_HANDOFF */
		tx_op_handoff(w, p, port, pkts, n);
		break;
	}
	DP_CYC(w, DP_STAGE_TX, tc);
	return n;
}

static struct rte_node_register tx_node = {
	.name = VSW_TX_NODE,
	.process = tx_process,
	.init = vsw_node_init_ctx,
	.nb_edges = 2,
	.next_nodes = { "vsw_drop", VSW_MIRROR_NODE },
};
VSW_NODE_REGISTER(tx_node, false)
