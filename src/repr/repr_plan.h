/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_REPR_PLAN_H
#define VSW_REPR_PLAN_H

/**
 * @file
 * SR-IOV representors, the offload decision (doc/representor.md): whether a VF's L2
 * forwarding may be left to the NIC's switch (rte_flow transfer rules), and which rules.
 * Pure: no DPDK state, unit-tested against capability tables (test/unit/test_repr.c);
 * repr_ctl.h installs the rules. As on Hyper-V, where ACLs turn SR-IOV off, any policy that
 * needs the software path keeps the port's frames there.
 */

#include <stdbool.h>
#include <stdint.h>

/** Most offload rules. */
#define REPR_MAX_RULES 512

/** What a representor port's policy and device are. */
struct repr_port {
	uint16_t port;        /**< vswd port slot */
	bool transfer_ok;     /**< the device validated a transfer rule (REPRESENTED_PORT) */
	bool admin_up;        /**< admin and link up */
	bool access;          /**< an access port (a trunk's tags stay the switch's job) */
	uint16_t vlan;        /**< its access VLAN */
	bool acl;             /**< ACL rules on it, in or out */
	bool mac_guard;       /**< MAC-spoofing control (its MACs list) */
	bool dhcp_guard;      /**< DHCP guard */
	bool router_guard;    /**< router guard */
	bool storm;           /**< storm limit */
	bool mirror;          /**< mirror source or destination */
	bool pvlan;           /**< private VLAN role */
	bool ipsec;           /**< IPsec SAs or policy */
	bool qos;             /**< QoS (bandwidth limits or classes) */
	bool extension;       /**< an extension (capture, filter, forwarding plugin) */
};

/** One MAC behind a representor. */
struct repr_mac {
	uint8_t mac[6];       /**< the MAC */
	uint16_t port;        /**< the representor's slot it is behind */
};

/** One transfer rule: frames from @p src's VF to @p mac go to @p dst's VF. */
struct repr_rule {
	uint16_t src;         /**< ingress representor slot */
	uint16_t dst;         /**< egress representor slot */
	uint8_t mac[6];       /**< destination MAC */
};

/**
 * Whether port @p p may be offloaded: @return true, or false with @p why (static) naming the
 * first reason it may not.
 */
bool repr_offload_ok(const struct repr_port *p, const char **why);

/**
 * The rules for the @p n ports of @p ports and the @p n_mac MACs of @p macs: for every two
 * offloadable ports in one access VLAN, each MAC behind one gets a rule from the other.
 * @return the rules written to @p out (at most REPR_MAX_RULES).
 */
uint32_t repr_plan(const struct repr_port *ports, uint32_t n, const struct repr_mac *macs,
		uint32_t n_mac, struct repr_rule *out);

#endif
