/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_DP_FLOOD_H
#define VSW_DP_FLOOD_H

#include "dp.h"

/**
 * Flood stage: decides whether a frame marked DP_NEXT_FLOOD has anywhere to go.
 *
 * Preconditions: l2 has run; frames are untagged with m->vlan_tci = VLAN ID; all came from
 * @p in_port. A frame keeps DP_NEXT_FLOOD when its VLAN has a member in the flood lists
 * (admin and link up) other than
 * @p in_port, otherwise it is dropped (flood_no_members). Other next[] codes are left alone.
 * A frame that keeps DP_NEXT_FLOOD (broadcast, multicast or unknown unicast) is then metered
 * against the port's storm limit (a per-worker rte_meter srTCM at the worker's share of the
 * limit, one token per packet); beyond it, it is dropped (storm_limit).
 * vsw_egress then gives each member of s->vlan[vid] but @p in_port a frame of its own and
 * sends it onto that member's egress arc.
 *
 * @return number of packets given a drop code.
 */
uint16_t dp_flood_burst(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next);

/** Members of @p vm other than @p in_port, by encoding: *nu untagged, *nt tagged. */
static inline void
dp_flood_count(const struct dp_vlan_members *vm, const struct dp_port *in, uint16_t vid,
		uint16_t *nu, uint16_t *nt)
{
	/* The ingress port is a member of vid (vlan_in checked it); it is in one of the lists
	 * exactly when it is admin and link up: exclude it there. */
	bool listed = in->admin_up && in->link_up;
	bool in_tagged = dp_port_tags(in, vid);

	*nu = vm->n_untagged - (listed && !in_tagged && vm->n_untagged > 0);
	*nt = vm->n_tagged - (listed && in_tagged && vm->n_tagged > 0);
}

#endif
