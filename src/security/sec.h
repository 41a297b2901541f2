/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_DP_SEC_H
#define VSW_DP_SEC_H

/**
 * @file
 * Ingress security stage: the protections of the port a frame comes from, then its ACL rules
 * of direction "out" (acl.h). In this order, each a drop with its own reason:
 *   1. mac_spoofing off (DP_SEC_MACS): the source MAC must be one of the port's MACs;
 *   2. dhcp_guard (DP_SEC_DHCP): DHCPv4 server messages (UDP 67 -> 68) and DHCPv6 server
 *      messages (ADVERTISE, REPLY, RECONFIGURE, RELAY-REPLY to UDP 546 or 547) are dropped;
 *   3. router_guard (DP_SEC_ROUTER): ICMPv6 router advertisements (134) and redirects (137),
 *      and ICMPv4 redirects (5) are dropped;
 *      with either guard on, an IPv6 frame whose upper-layer header cannot be found in the
 *      first segment is dropped too (sec_ipv6_header_chain, RFC 7113);
 *   4. the port's "out" ACL rules (DP_SEC_ACL).
 *
 * Preconditions: vlan_in has run: frames are untagged, m->vlan_tci = switching VLAN, all
 * from @p in_port. Frames of ports with no check keep DP_NEXT_CONT without being read.
 */

#include "dp.h"

/** DHCPv6 message types a server (or relay towards a client) sends. */
#define DP_DHCP6_ADVERTISE 2
#define DP_DHCP6_REPLY 7
#define DP_DHCP6_RECONFIGURE 10
#define DP_DHCP6_RELAY_REPL 13

/**
 * Runs the checks of port @p in_port on @p n frames, writing next[i] = DP_NEXT_CONT or a drop.
 * @return number of packets given a drop code.
 */
uint16_t dp_sec_burst(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next);

#endif
