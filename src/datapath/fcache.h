/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_DP_FCACHE_H
#define VSW_DP_FCACHE_H

/**
 * @file
 * Per-worker exact-match flow cache (the idea of OVS's EMC): the outcome of parse, vlan_in, l2
 * and the unicast egress check for one (ingress port, first 16 header bytes) is remembered,
 * so a frame of a known flow takes one probe instead of the whole pipeline.
 *
 * Key: the ingress port and the frame's first 16 bytes as received: destination and source
 * MAC, EtherType (or TPID), and for 802.1Q frames the TCI (bytes 14-15 are ignored on
 * untagged frames). Every decision the slow path takes for a frame is a function of this key,
 * the snapshot, the MAC table and the frame length, so an entry is valid while:
 *   - the snapshot's generation is the one it was made under (ports, VLANs, MTUs, links);
 *   - the MAC table's generation is (it advances on every delete and move; an entry is only
 *     made when both addresses are in the table, so additions cannot change its outcome);
 *   - the frame is no longer than the entry's max_len (longer ones take the slow path, which
 *     drops them with their reason), and for tagged frames the inner EtherType is not another
 *     tag (the slow path drops those as QinQ).
 * Flooded, dropped and learning frames never make an entry; they take the slow path every
 * time, as they must (their counters and learn events are the slow path's).
 *
 * Ports whose policy reads L3/L4 headers (guards, "out" ACL rules; all ports once any port has
 * "in" rules: dp_port.pfc) use the policy flow cache instead (dp_pfc_ent): the key also holds
 * the IPv4 addresses, the protocol and the TCP/UDP/SCTP ports (ICMP: type and code), which is
 * everything the guards and ACLs read of an unfragmented IPv4 frame without options; the
 * entry also names the ACL rules that decided and metered the flow, and a hit counts them.
 * Other frames of such ports (IPv6, ARP, fragments, IPv4 options) always take the slow path,
 * and so do flows decided by a stateful rule or let through by a stateful flow. Since the
 * ACL classifier changes only with a new snapshot, the epoch covers it.
 */

#include "dp.h"

/** Egress rewrite of a cached flow. */
enum dp_fcache_act {
	DP_FC_NONE = 0,  /**< forwarded as received */
	DP_FC_STRIP,     /**< received tag removed */
	DP_FC_PUSH,      /**< tag with the switching VLAN inserted */
	DP_FC_RETAG,     /**< received tag rewritten to TCI = switching VLAN */
};

/**
 * Flow cache stage: looks up every frame of a burst from port @p in_port (not yet parsed).
 * It is the first stage of a burst and the only one a hit takes, so it also does the RX
 * bookkeeping the rx node would otherwise do in a pass of its own over the frames: the
 * sum of their lengths in @p bytes, and the metadata (vsw_meta.h: in_port, the received
 * tag) of the frames the slow path takes (a hit never needs it).
 * A hit is decided here: its header gets the flow's rewrite, the source's MAC table entry
 * its last-seen refresh when due, and next[i] = output port. Its metadata is not set (the
 * slow path's l2_len, packet_type, vlan_tci): nothing after this stage reads a hit's.
 * A miss gets next[i] = DP_NEXT_CONT and its metadata, which dp_fcache_insert() reads, and
 * is left untouched otherwise. Counts hits and misses in @p w.
 *
 * @return number of hits.
 */
uint16_t dp_fcache_burst(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next, uint64_t *bytes);

/**
 * Remembers the flow of slow-path frame @p m from @p in_port: call after vlan_in and l2
 * decided unicast output @p out, before the egress stage rewrites the frame. Makes an entry
 * only when the egress check passes for @p out and the worker's MAC lookup cache holds both
 * addresses at the current table generation, the destination on @p out and the source on
 * @p in_port (or static).
 */
void dp_fcache_insert(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		const struct rte_mbuf *m, uint16_t out);

#endif
