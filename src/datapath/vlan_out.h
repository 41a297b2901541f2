/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_DP_VLAN_OUT_H
#define VSW_DP_VLAN_OUT_H

#include <string.h>

#include "dp.h"

/**
 * Egress VLAN stage: checks a frame may leave port @p out and gives it the encoding that port
 * needs for its VLAN (802.1Q tag on a trunk unless it is the native VLAN, untagged otherwise).
 *
 * Preconditions: frames are untagged (vlan_in ran), m->vlan_tci = VLAN ID, and each mbuf is
 * not shared (refcnt 1): the tag is inserted in place. next[i] = DP_NEXT_CONT or a
 * DP_VLAN_OUT_DROPS reason (link down, not a member, longer than out->mtu, no headroom for the tag).
 *
 * @return number of packets given a drop code.
 */
uint16_t dp_vlan_out_burst(struct dp_worker *w, const struct dp_port *out,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next);

/** Check part of the stage for one untagged frame (no write): DP_NEXT_CONT or a drop code. */
static inline uint16_t
dp_vlan_out_check(const struct dp_port *out, const struct rte_mbuf *m)
{
	uint16_t vid = m->vlan_tci & RTE_VLAN_ID_MASK;

	if (unlikely(!out->link_up))
		return dp_next_drop(DP_DROP_EGRESS_LINK_DOWN);
	if (unlikely(!dp_vlan_test(out->vlans, vid)))
		return dp_next_drop(DP_DROP_EGRESS_NOT_MEMBER);
	if (unlikely(rte_pktmbuf_pkt_len(m) > (uint32_t)out->mtu + RTE_ETHER_HDR_LEN))
		return dp_next_drop(DP_DROP_EGRESS_MTU);
	return DP_NEXT_CONT;
}

/**
 * Inserts an 802.1Q tag carrying VLAN m->vlan_tci into untagged frame @p m (not shared).
 * @return DP_NEXT_CONT or dp_next_drop(DP_DROP_EGRESS_NO_HEADROOM).
 */
static inline uint16_t
dp_vlan_out_tag(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eh;
	struct rte_vlan_hdr *vh;

	RTE_ASSERT(rte_mbuf_refcnt_read(m) == 1);
	if (unlikely(rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN ||
			rte_pktmbuf_prepend(m, RTE_VLAN_HLEN) == NULL))
		return dp_next_drop(DP_DROP_EGRESS_NO_HEADROOM);
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	dp_move_macs((uint8_t *)eh, (const uint8_t *)eh + RTE_VLAN_HLEN);
	vh = (struct rte_vlan_hdr *)(eh + 1);
	/* vh->eth_proto already holds the inner EtherType, where the old one stood. */
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN);
	vh->vlan_tci = rte_cpu_to_be_16(m->vlan_tci & RTE_VLAN_ID_MASK);
	m->l2_len = RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN;
	return DP_NEXT_CONT;
}

/** The whole stage for one frame (not shared): check, then tag if @p out needs it. */
static inline uint16_t
dp_vlan_out_one(const struct dp_port *out, struct rte_mbuf *m)
{
	uint16_t r = dp_vlan_out_check(out, m);

	if (r == DP_NEXT_CONT && dp_port_tags(out, m->vlan_tci & RTE_VLAN_ID_MASK))
		r = dp_vlan_out_tag(m);
	return r;
}

#endif
