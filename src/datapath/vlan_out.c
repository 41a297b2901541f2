/* SPDX-License-Identifier: BSD-3-Clause */
#include "vlan_out.h"
#include "vsw_node.h"

uint16_t
dp_vlan_out_burst(struct dp_worker *w, const struct dp_port *out,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	uint16_t i, dropped = 0;

	RTE_SET_USED(w);
	for (i = 0; i < n; i++) {
		next[i] = dp_vlan_out_one(out, pkts[i]);
		dropped += dp_next_is_drop(next[i]);
	}
	return dropped;
}

/*
 * --- node vsw_vlan_out: egress arc, every port, last ------------------------------------
 * The egress check (link, membership, MTU) and the port's encoding of the frame's VLAN.
 * Writes: on trunk ports (the tag). Flow cache: a function of the output port and the VLAN,
 * recorded as the entry's action and max_len (fcache.c).
 */

static bool
vlan_out_writes(const struct dp_snap *s, uint16_t port)
{
	return s->port[port].vlan_mode == DP_VLAN_TRUNK;
}

static uint16_t
vlan_out_stage(struct dp_worker *w, const struct dp_snap *s, uint16_t out_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	return dp_vlan_out_burst(w, &s->port[out_port], pkts, n, next);
}

VSW_OUT_STAGE_NODE(vlan_out, "vsw_vlan_out", vlan_out_stage, DP_STAGE_EGRESS, 100, NULL,
		vlan_out_writes, VSW_CACHE_FLOW)
