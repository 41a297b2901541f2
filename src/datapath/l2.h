/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_DP_L2_H
#define VSW_DP_L2_H

#include "dp.h"

/**
 * MAC learning and lookup stage.
 *
 * Preconditions: vlan_in has accepted every packet (untagged, m->vlan_tci = VLAN ID); all
 * packets came from port @p in_port. Any @p n (looked up DP_BURST at a time).
 * Learning: a source MAC that is unknown, or known on another port, is posted to the FDB
 * writer (struct dp_learn_ev on w->learn_ring), at most once per w->learn_repost per
 * (MAC, VLAN, port); a known entry's last-seen time is refreshed at most once per
 * w->fdb_refresh. Static entries never move.
 * Lookup: next[i] = destination port; DP_NEXT_FLOOD for group destinations and unknown
 * unicast; a drop when the destination is the ingress port or is administratively down.
 *
 * @return number of packets given a drop code.
 */
uint16_t dp_l2_burst(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next);

#endif
