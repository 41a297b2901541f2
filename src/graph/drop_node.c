/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_drop: the one place packets are freed. Counts each by its reason (vsw_meta.drop)
 * against its ingress port, or against its output port for an egress drop
 * (VSW_META_F_EGRESS), then frees them in bulk. In: any node's VSW_EDGE_DROP. Out: none.
 */
#include "vsw_node.h"

static uint16_t
drop_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t n)
{
	struct dp_worker *w = vsw_node_worker(node);
	uint16_t i;

	for (i = 0; i < n; i++) {
		const struct vsw_meta *md = vsw_meta_c(objs[i]);

		if (md->flags & VSW_META_F_COUNTED)
			continue;
		w->drops[md->drop < DP_DROP_MAX ? md->drop : DP_DROP_MAX - 1]++;
		if (md->flags & VSW_META_F_EGRESS)
			w->port[md->out_port].tx_drops++;
		else
			w->port[md->in_port].rx_drops++;
	}
	rte_pktmbuf_free_bulk((struct rte_mbuf **)objs, n);
	return n;
}

static struct rte_node_register drop_node = {
	.name = "vsw_drop",
	.process = drop_process,
	.init = vsw_node_init_ctx,
	.nb_edges = 0,
};
VSW_NODE_REGISTER(drop_node, false)
