/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_DP_DROPS_H
#define VSW_DP_DROPS_H

/**
 * @file
 * Drop reasons, one X-macro list per stage: X(ENUM, "name", "description").
 * The enum and the strings the statistics report are generated from these lists; a drop
 * reason is never written anywhere else. Counting happens in one place, the drop node
 * (src/graph/drop_node.c), from the reason the deciding node leaves in vsw_meta.drop; only a
 * loss without an mbuf (a copy that could not be made, a refused TX burst) is counted where
 * it happens.
 */

/** Drops decided by the parse stage (parse.c). */
#define DP_PARSE_DROPS(X) \
	X(PARSE_RUNT, "parse_runt", "frame shorter than its Ethernet or 802.1Q header") \
	X(PARSE_SRC_MCAST, "parse_src_multicast", "source MAC is a group (multicast/broadcast) address") \
	X(PARSE_SRC_ZERO, "parse_src_zero", "source MAC is 00:00:00:00:00:00") \
	X(PARSE_QINQ, "parse_qinq", "stacked 802.1Q or 802.1ad tags are not switched") \
	X(PARSE_OVERSIZE, "parse_oversize", "frame longer than the ingress port's MTU allows")

/** Drops decided by the ingress VLAN stage (vlan_in.c). */
#define DP_VLAN_IN_DROPS(X) \
	X(VLAN_TAGGED_ON_ACCESS, "vlan_tagged_on_access", "802.1Q tagged frame on an access port") \
	X(VLAN_NOT_ALLOWED, "vlan_not_allowed", "tagged frame's VLAN is not in the trunk's allowed list") \
	X(VLAN_NO_NATIVE, "vlan_untagged_no_native", "untagged frame on a trunk without a native VLAN") \
	X(VLAN_RESERVED, "vlan_reserved", "frame tagged with reserved VLAN ID 4095") \
	X(VLAN_NO_HEADROOM, "vlan_strip_failed", "tag could not be stripped (header not in first segment)")

/** Drops decided by the ingress security stage (sec.c). */
#define DP_SEC_DROPS(X) \
	X(SEC_MAC_SPOOFING, "sec_mac_spoofing", "source MAC is not one of the port's (mac_spoofing off)") \
	X(SEC_DHCP_GUARD, "sec_dhcp_guard", "DHCP server message from a port with dhcp_guard") \
	X(SEC_ROUTER_GUARD, "sec_router_guard", "router advertisement or redirect from a port with router_guard") \
	X(SEC_IPV6_CHAIN, "sec_ipv6_header_chain", "guarded port: IPv6 extension headers hide the upper-layer header") \
	X(ACL_DENY_OUT, "acl_deny_out", "an ACL rule of the ingress port denies the frame (direction out)")

/** Drops decided by the IPsec nodes (src/ipsec/). */
#define DP_IPSEC_DROPS(X) \
	X(IPSEC_DISCARD, "ipsec_discard", "an SPD entry of the port discards the frame") \
	X(IPSEC_ESP_FAILED, "ipsec_esp_failed", "ESP processing failed (not IP, no room, crypto)") \
	X(IPSEC_INBOUND_FAILED, "ipsec_inbound_failed", "inbound ESP refused: too short, misaligned, bad padding, or its SA gone") \
	X(IPSEC_AUTH_FAILED, "ipsec_auth_failed", "inbound ESP whose ICV does not match (forged or corrupted)") \
	X(IPSEC_REPLAY, "ipsec_replay", "inbound ESP replayed or behind the anti-replay window") \
	X(IPSEC_NESTED, "ipsec_nested", "decrypted ESP carrying ESP again") \
	X(IPSEC_NO_SA, "ipsec_no_sa", "ESP to a local tunnel endpoint with an SPI no inbound SA has") \
	X(IPSEC_SA_EXPIRED, "ipsec_sa_expired", "the SA reached its hard lifetime (rekey)") \
	X(IPSEC_SEQ_UNSAVED, "ipsec_seq_unsaved", "outbound: the sequence reserve is not saved yet (restart safety)") \
	X(IPSEC_SA_DOWN, "ipsec_sa_down", "the SA's port or uplink is being replaced") \
	X(IPSEC_OWNER_CHANGED, "ipsec_owner_changed", "handed to the worker owning the inbound SA, which another worker owns now") \
	X(IPSEC_HANDOFF_FULL, "ipsec_handoff_full", "the ring to the worker that owns the inbound SA was full") \
	X(IPSEC_POLICY, "ipsec_policy", "to a VM: in the clear where its SPD says protect, or decrypted by an SA its SPD does not name")

/** Drops decided by the MAC learning and lookup stage (l2.c). */
#define DP_L2_DROPS(X) \
	X(L2_SAME_PORT, "l2_same_port", "destination MAC is learned on the ingress port") \
	X(L2_DST_DOWN, "l2_dst_port_down", "destination port is administratively down") \
	X(L2_PVLAN, "pvlan_blocked", "private VLAN roles keep the two ports apart")

/** Drops decided by the egress ACL stage (acl.c). */
#define DP_ACL_DROPS(X) \
	X(ACL_DENY_IN, "acl_deny_in", "an ACL rule of the egress port denies the frame (direction in)")

/** Drops decided by the flood stage (flood.c). */
#define DP_FLOOD_DROPS(X) \
	X(FLOOD_NO_MEMBERS, "flood_no_members", "no port other than the ingress port is in the VLAN") \
	X(STORM_LIMIT, "storm_limit", "broadcast, multicast or unknown unicast beyond the port's storm_limit")

/** Drops decided by the egress VLAN stage (vlan_out.c). */
#define DP_VLAN_OUT_DROPS(X) \
	X(EGRESS_LINK_DOWN, "egress_link_down", "egress vhost-user port has no guest attached") \
	X(EGRESS_NOT_MEMBER, "egress_not_member", "egress port is not a member of the frame's VLAN") \
	X(EGRESS_MTU, "egress_mtu", "frame longer than the egress port's MTU allows") \
	X(EGRESS_NO_HEADROOM, "egress_no_headroom", "no headroom to insert the 802.1Q tag") \
	X(EGRESS_PVLAN, "egress_pvlan", "flooded copy not sent: private VLAN roles keep the ports apart")

/** Losses in vsw_egress (copies), the outputs (tx_node.c) and the mirror node. */
#define DP_DISPATCH_DROPS(X) \
	X(FLOOD_COPY_FAILED, "flood_copy_failed", "mbuf pool empty while copying or cloning a flooded frame") \
	X(TX_FULL, "tx_full", "egress port's TX queue was full") \
	X(TX_HANDOFF_FULL, "tx_handoff_full", "handoff ring to the owner of the TX queue was full") \
	X(MIRROR_COPY_FAILED, "mirror_copy_failed", "mbuf pool empty while copying a frame for a mirror port")

/** Every drop reason, in order. */
#define DP_DROPS(X) DP_PARSE_DROPS(X) DP_VLAN_IN_DROPS(X) DP_SEC_DROPS(X) DP_IPSEC_DROPS(X) \
	DP_L2_DROPS(X) \
	DP_ACL_DROPS(X) DP_FLOOD_DROPS(X) DP_VLAN_OUT_DROPS(X) DP_DISPATCH_DROPS(X)

#define DP_DROP_ENUM_(e, name, desc) DP_DROP_##e,
/** Drop reasons; DP_DROP_MAX is their number. */
enum dp_drop {
	DP_DROPS(DP_DROP_ENUM_)
	DP_DROP_MAX
};
#undef DP_DROP_ENUM_

/** Short name of drop reason @p r as the statistics report it ("parse_runt"). */
const char *dp_drop_name(enum dp_drop r);

/** One-line description of drop reason @p r. */
const char *dp_drop_desc(enum dp_drop r);

#endif
