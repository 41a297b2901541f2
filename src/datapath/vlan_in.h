/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_DP_VLAN_IN_H
#define VSW_DP_VLAN_IN_H

#include "dp.h"

/**
 * Ingress VLAN stage: decides the VLAN each frame is switched in and strips its tag.
 *
 * Preconditions: parse has accepted every packet (l2_len, packet_type, vlan_tci set); @p in is
 * the ingress port. Access port: untagged and priority-tagged (VID 0) frames go to the access
 * VLAN, tagged frames are dropped. Trunk: tagged frames of an allowed VLAN keep it, untagged and
 * priority-tagged ones go to the native VLAN (dropped without one).
 * Afterwards every accepted frame is untagged, l2_len = 14, m->vlan_tci = its VLAN ID.
 *
 * @return number of packets given a drop code.
 */
uint16_t dp_vlan_in_burst(struct dp_worker *w, const struct dp_port *in,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next);

/**
 * Removes the 802.1Q tag of @p m in place (header in the first segment).
 * @return 0, or -EINVAL when the first segment is too short.
 */
static inline int
dp_vlan_strip(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eh;

	if (unlikely(rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN))
		return -EINVAL;
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	/* Move both MACs forward over the tag; the inner EtherType is already in place. */
	dp_move_macs((uint8_t *)eh + RTE_VLAN_HLEN, (const uint8_t *)eh);
	rte_pktmbuf_adj(m, RTE_VLAN_HLEN);
	m->l2_len = RTE_ETHER_HDR_LEN;
	return 0;
}

#endif
