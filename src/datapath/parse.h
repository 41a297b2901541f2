/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_DP_PARSE_H
#define VSW_DP_PARSE_H

#include "dp.h"

/** True when EtherType @p etype (network order) starts another tag: 802.1Q or 802.1ad. */
static inline bool
dp_etype_is_tag(uint16_t etype)
{
	return etype == RTE_BE16(RTE_ETHER_TYPE_VLAN) || etype == RTE_BE16(RTE_ETHER_TYPE_QINQ);
}

/**
 * Parse stage: bounds-checks the Ethernet header and at most one 802.1Q tag.
 *
 * Preconditions: @p in is the frames' ingress port.
 * Sets m->l2_len, m->packet_type and m->vlan_tci (TCI of the tag, 0 if untagged).
 * next[i] = DP_NEXT_CONT, or a DP_PARSE_DROPS reason (runt, multicast or zero source MAC,
 * stacked tags, longer than in->mtu + header). Reads only bytes it has checked are present
 * in the first segment; never frees.
 *
 * @return number of packets given a drop code.
 */
uint16_t dp_parse_burst(struct dp_worker *w, const struct dp_port *in,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next);

#endif
