/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_pvlan: egress arc, isolated and community ports. Drops the frames a private VLAN does
 * not let reach the port from their ingress port (dp_pvlan_ok()): egress_pvlan. Unicast
 * frames were already held to it by vsw_l2 (l2_pvlan); this node decides the floods.
 * Writes: never. Flow cache: a function of the two ports; unicast entries exist only for
 * allowed pairs (vsw_l2), floods are not cached.
 */
#include "vsw_node.h"

static bool
pvlan_enabled(const struct dp_snap *s, uint16_t port)
{
	return s->port[port].pvlan > DP_PVLAN_PROMISC;
}

static uint16_t
pvlan_stage(struct dp_worker *w, const struct dp_snap *s, uint16_t out_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	uint16_t i, d = 0;

	RTE_SET_USED(w);
	for (i = 0; i < n; i++) {
		uint16_t in = vsw_meta_c(pkts[i])->in_port;

		if (likely(dp_pvlan_ok(&s->port[in], &s->port[out_port]))) {
			next[i] = DP_NEXT_CONT;
		} else {
			next[i] = dp_next_drop(DP_DROP_EGRESS_PVLAN);
			d++;
		}
	}
	return d;
}

VSW_OUT_STAGE_NODE(pvlan, "vsw_pvlan", pvlan_stage, DP_STAGE_EGRESS, 10, pvlan_enabled, NULL,
		VSW_CACHE_FLOW)
