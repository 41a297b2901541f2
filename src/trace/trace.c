/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_graph_worker.h>
#include <rte_ring.h>

#include "trace.h"
#include "vsw_meta.h"
#include "vsw_node.h"

/* Most traced packets one node call follows (the rest of a larger batch is not recorded). */
#define TRACE_MAX_PKTS 64
/* Most edges of a node the recorder looks at (port-reaching nodes: 2 + ports + arc nodes). */
#define TRACE_MAX_EDGES (VSW_EDGE_PORT0 + VSW_MAX_PORTS + VSW_ARC_MAX + 8)

/* Fills record @p r of packet @p m leaving @p node for @p next. */
static void
trace_fill(struct vsw_trace_rec *r, const struct dp_worker *w, const struct rte_node *node,
		uint16_t next, const struct rte_mbuf *m)
{
	const struct vsw_meta *md = vsw_meta_c(m);

	memset(r, 0, sizeof(*r));
	r->tsc = w->now;
	r->id = md->trace_id;
	r->node = (uint16_t)node->id;
	r->next = next;
	r->len = (uint16_t)rte_pktmbuf_pkt_len(m);
	r->worker = w->id;
	r->drop = md->drop;
	r->n_hdr = (uint8_t)RTE_MIN(rte_pktmbuf_data_len(m), (uint32_t)VSW_TRACE_HDR);
	memcpy(r->hdr, rte_pktmbuf_mtod(m, const void *), r->n_hdr);
}

/* Posts @p r; a full ring loses it (counted). */
static void
trace_post(struct dp_worker *w, struct vsw_trace_rec *r)
{
	if (rte_ring_enqueue_elem(w->trace_ring, r, sizeof(*r)) != 0)
		w->trace_lost++;
}

void
vsw_trace_mark_one(struct dp_worker *w, struct rte_node *node, rte_edge_t edge,
		struct rte_mbuf *m, uint32_t id)
{
	struct vsw_trace_rec r;

	m->ol_flags |= vsw_trace_flag;
	vsw_meta(m)->trace_id = id;
	w->trace_on = 1;
	trace_fill(&r, w, node, (uint16_t)node->nodes[edge]->id, m);
	trace_post(w, &r);
}

void
vsw_trace_mark(struct dp_worker *w, struct rte_node *node, rte_edge_t edge, uint16_t port,
		struct rte_mbuf **pkts, uint16_t n)
{
	struct vsw_trace_ctl *ctl = w->trace_ctl;
	uint32_t b = __atomic_load_n(&ctl->budget[port], __ATOMIC_RELAXED);
	uint16_t i = 0;

	while (b > 0 && i < n) {
		/* Another worker may take from the same budget: take one at a time. */
		if (!__atomic_compare_exchange_n(&ctl->budget[port], &b, b - 1, false,
				__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			continue;
		if (b == 1)
			__atomic_fetch_sub(&ctl->active, 1, __ATOMIC_RELAXED);
		vsw_trace_mark_one(w, node, edge, pkts[i],
				__atomic_add_fetch(&ctl->next_id, 1, __ATOMIC_RELAXED));
		b--;
		i++;
	}
}

uint16_t
vsw_trace_call(struct dp_worker *w, struct rte_graph *graph, struct rte_node *node,
		void **objs, uint16_t n)
{
	struct vsw_trace_rec before[TRACE_MAX_PKTS], r;
	struct rte_mbuf *mine[TRACE_MAX_PKTS];
	uint16_t old[TRACE_MAX_EDGES], nm = 0, i, e, ne, k, j, rc;
	bool seen[TRACE_MAX_PKTS] = { false };

	/* The node's traced packets as they enter: what a packet that leaves the graph here
	 * (transmitted, freed, kept) looked like, since it cannot be read afterwards. */
	for (i = 0; i < n && nm < TRACE_MAX_PKTS; i++) {
		if (vsw_traced(objs[i])) {
			mine[nm] = objs[i];
			trace_fill(&before[nm++], w, node, VSW_TRACE_GONE, objs[i]);
		}
	}
	ne = RTE_MIN(node->nb_edges, (rte_edge_t)TRACE_MAX_EDGES);
	for (e = 0; e < ne; e++)
		old[e] = node->nodes[e]->idx;
	rc = node->process(graph, node, objs, n);
	for (e = 0; e < ne; e++) {
		struct rte_node *nx = node->nodes[e];

		/* An edge listed twice (an unused edge that names the drop node) once. */
		for (k = 0; k < e && node->nodes[k] != nx; k++)
			;
		if (k < e)
			continue;
		for (k = nx->idx >= old[e] ? old[e] : 0; k < nx->idx; k++) {
			struct rte_mbuf *m = nx->objs[k];

			if (!vsw_traced(m))
				continue;
			trace_fill(&r, w, node, (uint16_t)nx->id, m);
			trace_post(w, &r);
			for (j = 0; j < nm; j++)
				if (mine[j] == m)
					seen[j] = true;
		}
	}
	/* Gone in this node: sent by an output, freed by the drop node, kept by a node. */
	for (j = 0; j < nm; j++)
		if (!seen[j])
			trace_post(w, &before[j]);
	return rc;
}
