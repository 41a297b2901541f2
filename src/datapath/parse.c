/* SPDX-License-Identifier: BSD-3-Clause */
#include "parse.h"
#include "vsw_node.h"

/* Per-packet decision; see dp_parse_burst() for the contract. */
static inline uint16_t
dp_parse_one(const struct dp_port *in, struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh;
	const struct rte_vlan_hdr *vh;
	uint32_t seg_len = rte_pktmbuf_data_len(m);
	uint32_t frame_max = (uint32_t)in->mtu + RTE_ETHER_HDR_LEN;
	uint16_t etype;

	if (unlikely(seg_len < RTE_ETHER_HDR_LEN))
		return dp_next_drop(DP_DROP_PARSE_RUNT);
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (unlikely(rte_is_multicast_ether_addr(&eh->src_addr)))
		return dp_next_drop(DP_DROP_PARSE_SRC_MCAST);
	if (unlikely(rte_is_zero_ether_addr(&eh->src_addr)))
		return dp_next_drop(DP_DROP_PARSE_SRC_ZERO);
	etype = eh->ether_type;
	if (etype == RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
		if (unlikely(seg_len < RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN))
			return dp_next_drop(DP_DROP_PARSE_RUNT);
		vh = (const struct rte_vlan_hdr *)(eh + 1);
		if (unlikely(dp_etype_is_tag(vh->eth_proto)))
			return dp_next_drop(DP_DROP_PARSE_QINQ);
		m->l2_len = RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN;
		m->packet_type = RTE_PTYPE_L2_ETHER_VLAN;
		m->vlan_tci = rte_be_to_cpu_16(vh->vlan_tci);
		frame_max += RTE_VLAN_HLEN;
	} else if (unlikely(etype == RTE_BE16(RTE_ETHER_TYPE_QINQ))) {
		return dp_next_drop(DP_DROP_PARSE_QINQ);
	} else {
		m->l2_len = RTE_ETHER_HDR_LEN;
		m->packet_type = RTE_PTYPE_L2_ETHER;
		m->vlan_tci = 0;
	}
	if (unlikely(rte_pktmbuf_pkt_len(m) > frame_max))
		return dp_next_drop(DP_DROP_PARSE_OVERSIZE);
	return DP_NEXT_CONT;
}

uint16_t
dp_parse_burst(struct dp_worker *w, const struct dp_port *in,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	uint16_t i, dropped = 0;

	RTE_SET_USED(w);
	for (i = 0; i < n; i++) {
		next[i] = dp_parse_one(in, pkts[i]);
		dropped += dp_next_is_drop(next[i]);
	}
	return dropped;
}

/* --- node vsw_parse: first on the ingress arc; in: frames with vsw_meta.in_port -------- */

static uint16_t
parse_stage(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	return dp_parse_burst(w, &s->port[in_port], pkts, n, next);
}

VSW_ARC_STAGE_NODE(parse, "vsw_parse", parse_stage, DP_STAGE_PARSE, 10, NULL, VSW_CACHE_FLOW)
