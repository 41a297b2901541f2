/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_DP_L34_H
#define VSW_DP_L34_H

/**
 * @file
 * The L3/L4 fields the policy stages match on, read from an untagged Ethernet frame (after
 * vlan_in) with one bounds-checked cursor over the first segment.
 *
 * IPv4: options are skipped by IHL; a fragment other than the first has no L4 header (ports
 * 0, DP_L34_LATER_FRAG). IPv6: hop-by-hop, routing, destination options and fragment headers
 * are walked (at most DP_L34_MAX_EXT of them) to the upper-layer header; when the chain ends
 * before it (cut short, too long, or not in the first segment) DP_L34_CHAIN_CUT is set, which
 * the guards treat as hostile (RFC 7113). IPv4 addresses sit in the first 4 bytes of src/dst.
 */

#include <netinet/in.h>

#include "dp.h"

/** Most IPv6 extension headers walked. */
#define DP_L34_MAX_EXT 8
/** Not the first fragment: no L4 header. */
#define DP_L34_LATER_FRAG 0x01
/** The IPv6 header chain could not be followed to the upper-layer header. */
#define DP_L34_CHAIN_CUT 0x02
/** The L4 header (ports, ICMP type) is present. */
#define DP_L34_HAVE_L4 0x04

/** Parsed L3/L4 fields of one frame. */
struct dp_l34 {
	uint8_t family;      /**< 4, 6, or 0: not IP (or a broken IP header) */
	uint8_t proto;       /**< IP protocol of the upper-layer header; 0 when unknown */
	uint8_t flags;       /**< DP_L34_* */
	uint8_t icmp_type;   /**< ICMP/ICMPv6 type when HAVE_L4 */
	uint8_t app0;        /**< UDP: first payload byte (DHCPv6 message type), else 0 */
	uint16_t sport;      /**< TCP/UDP/SCTP source port, host order; else 0 */
	uint16_t dport;      /**< TCP/UDP/SCTP destination port, host order; else 0 */
	uint8_t src[16];     /**< source address (IPv4: first 4 bytes, the rest 0) */
	uint8_t dst[16];     /**< destination address */
};

/* Reads the ports / ICMP type at @p off of the L4 header of protocol @p proto. */
static inline void
dp_l34_l4(const uint8_t *p, uint32_t len, uint32_t off, struct dp_l34 *o)
{
	switch (o->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		if (len < off + 4)
			return;
		o->sport = (uint16_t)(p[off] << 8 | p[off + 1]);
		o->dport = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
		if (o->proto == IPPROTO_UDP && len >= off + 9)
			o->app0 = p[off + 8];
		o->flags |= DP_L34_HAVE_L4;
		return;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (len < off + 1)
			return;
		o->icmp_type = p[off];
		o->flags |= DP_L34_HAVE_L4;
		return;
	}
}

/* IPv6 at @p off of @p p (@p len bytes in the first segment). */
static inline void
dp_l34_ipv6(const uint8_t *p, uint32_t len, uint32_t off, struct dp_l34 *o)
{
	uint8_t nh;
	int k;

	if (len < off + 40)
		return;
	o->family = 6;
	memcpy(o->src, p + off + 8, 16);
	memcpy(o->dst, p + off + 24, 16);
	nh = p[off + 6];
	off += 40;
	for (k = 0; k <= DP_L34_MAX_EXT; k++) {
		switch (nh) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if (k == DP_L34_MAX_EXT || len < off + 8) {
				o->flags |= DP_L34_CHAIN_CUT;
				return;
			}
			nh = p[off];
			off += 8u + 8u * p[off + 1];
			continue;
		case IPPROTO_FRAGMENT:
			if (k == DP_L34_MAX_EXT || len < off + 8) {
				o->flags |= DP_L34_CHAIN_CUT;
				return;
			}
			nh = p[off];
			if ((p[off + 2] << 8 | p[off + 3]) & 0xfff8) {
				o->proto = nh;
				o->flags |= DP_L34_LATER_FRAG;
				return;
			}
			off += 8;
			continue;
		default:
			o->proto = nh;
			dp_l34_l4(p, len, off, o);
			if (!(o->flags & DP_L34_HAVE_L4) && (nh == IPPROTO_TCP ||
					nh == IPPROTO_UDP || nh == IPPROTO_ICMPV6 || nh == IPPROTO_SCTP))
				o->flags |= DP_L34_CHAIN_CUT;
			return;
		}
	}
}

/**
 * Fills @p o from untagged frame @p m (L2 header RTE_ETHER_HDR_LEN bytes). Reads only the
 * first segment, never beyond its data_len.
 */
static inline void
dp_l34_parse(const struct rte_mbuf *m, struct dp_l34 *o)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m), off = RTE_ETHER_HDR_LEN, ihl;
	uint16_t et;

	memset(o, 0, sizeof(*o));
	if (len < off)
		return;
	et = (uint16_t)(p[12] << 8 | p[13]);
	if (et == RTE_ETHER_TYPE_IPV6) {
		dp_l34_ipv6(p, len, off, o);
		return;
	}
	if (et != RTE_ETHER_TYPE_IPV4 || len < off + 20 || (p[off] >> 4) != 4)
		return;
	ihl = (p[off] & 0xfu) * 4u;
	if (ihl < 20)
		return;
	o->family = 4;
	o->proto = p[off + 9];
	memcpy(o->src, p + off + 12, 4);
	memcpy(o->dst, p + off + 16, 4);
	if ((p[off + 6] << 8 | p[off + 7]) & 0x1fff) {
		o->flags |= DP_L34_LATER_FRAG;
		return;
	}
	dp_l34_l4(p, len, off + ihl, o);
}

#endif
