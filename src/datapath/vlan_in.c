/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "vlan_in.h"
#include "vsw_node.h"

/* Per-packet decision; see dp_vlan_in_burst() for the contract. */
static inline uint16_t
dp_vlan_in_one(const struct dp_port *in, struct rte_mbuf *m)
{
	bool tagged = m->packet_type == RTE_PTYPE_L2_ETHER_VLAN;
	uint16_t vid = tagged ? (m->vlan_tci & RTE_VLAN_ID_MASK) : 0;

	if (unlikely(vid == 4095))
		return dp_next_drop(DP_DROP_VLAN_RESERVED);
	if (in->vlan_mode == DP_VLAN_ACCESS) {
		if (unlikely(vid != 0))
			return dp_next_drop(DP_DROP_VLAN_TAGGED_ON_ACCESS);
		vid = in->access_vlan;
	} else if (vid == 0) {
		if (unlikely(in->native_vlan == 0))
			return dp_next_drop(DP_DROP_VLAN_NO_NATIVE);
		vid = in->native_vlan;
	} else if (unlikely(!dp_vlan_test(in->vlans, vid))) {
		return dp_next_drop(DP_DROP_VLAN_NOT_ALLOWED);
	}
	if (tagged && unlikely(dp_vlan_strip(m) != 0))
		return dp_next_drop(DP_DROP_VLAN_NO_HEADROOM);
	m->packet_type = RTE_PTYPE_L2_ETHER;
	m->vlan_tci = vid;
	return DP_NEXT_CONT;
}

uint16_t
dp_vlan_in_burst(struct dp_worker *w, const struct dp_port *in,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	uint16_t i, dropped = 0;

	RTE_SET_USED(w);
	for (i = 0; i < n; i++) {
		next[i] = dp_vlan_in_one(in, pkts[i]);
		dropped += dp_next_is_drop(next[i]);
	}
	return dropped;
}

/* --- node vsw_vlan_in: ingress arc, after parse --------------------------------------- */

static uint16_t
vlan_in_stage(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	return dp_vlan_in_burst(w, &s->port[in_port], pkts, n, next);
}

VSW_ARC_STAGE_NODE(vlan_in, "vsw_vlan_in", vlan_in_stage, DP_STAGE_VLAN_IN, 20, NULL,
		VSW_CACHE_FLOW)
