/* SPDX-License-Identifier: BSD-3-Clause */
#include "acl.h"
#include "l34.h"
#include "sec.h"
#include "vsw_node.h"

/* True when the source MAC of @p m is one of port @p p's. */
static inline bool
sec_mac_ok(const struct dp_port *p, const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint64_t src = dp_mac64(&eh->src_addr);
	uint8_t i;

	for (i = 0; i < p->n_macs; i++)
		if (p->macs[i] == src)
			return true;
	return false;
}

/* The guards' decision for a frame parsed into @p l: DP_NEXT_CONT or a drop. */
static inline uint16_t
sec_guard(uint8_t checks, const struct dp_l34 *l)
{
	if (l->family == 6 && (l->flags & DP_L34_CHAIN_CUT))
		return dp_next_drop(DP_DROP_SEC_IPV6_CHAIN);
	if (!(l->flags & DP_L34_HAVE_L4))
		return DP_NEXT_CONT;
	if (checks & DP_SEC_DHCP && l->proto == IPPROTO_UDP) {
		if (l->family == 4 && l->sport == 67 && l->dport == 68)
			return dp_next_drop(DP_DROP_SEC_DHCP_GUARD);
		if (l->family == 6 && (l->dport == 546 || l->dport == 547) &&
				(l->app0 == DP_DHCP6_ADVERTISE || l->app0 == DP_DHCP6_REPLY ||
				 l->app0 == DP_DHCP6_RECONFIGURE || l->app0 == DP_DHCP6_RELAY_REPL))
			return dp_next_drop(DP_DROP_SEC_DHCP_GUARD);
	}
	if (checks & DP_SEC_ROUTER) {
		if (l->family == 6 && l->proto == IPPROTO_ICMPV6 &&
				(l->icmp_type == 134 || l->icmp_type == 137))
			return dp_next_drop(DP_DROP_SEC_ROUTER_GUARD);
		if (l->family == 4 && l->proto == IPPROTO_ICMP && l->icmp_type == 5)
			return dp_next_drop(DP_DROP_SEC_ROUTER_GUARD);
	}
	return DP_NEXT_CONT;
}

/* dp_sec_burst() for at most DP_BURST frames. */
static uint16_t
sec_chunk(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	const struct dp_port *p = &s->port[in_port];
	uint8_t checks = p->sec, at[DP_BURST], verdict[DP_BURST];
	struct dp_acl_key keys[DP_BURST];
	const struct rte_mbuf *sel[DP_BURST];
	uint16_t i, k = 0, dropped = 0;
	struct dp_l34 l;

	for (i = 0; i < n; i++) {
		next[i] = DP_NEXT_CONT;
		if (checks & DP_SEC_MACS && unlikely(!sec_mac_ok(p, pkts[i]))) {
			next[i] = dp_next_drop(DP_DROP_SEC_MAC_SPOOFING);
			dropped++;
			continue;
		}
		if (!(checks & DP_SEC_L3))
			continue;
		dp_l34_parse(pkts[i], &l);
		if (checks & (DP_SEC_DHCP | DP_SEC_ROUTER)) {
			next[i] = sec_guard(checks, &l);
			if (unlikely(next[i] != DP_NEXT_CONT)) {
				dropped++;
				continue;
			}
		}
		if (checks & DP_SEC_ACL) {
			dp_acl_key_make(&keys[k], pkts[i], &l, in_port, DP_ACL_OUT);
			sel[k] = pkts[i];
			at[k++] = (uint8_t)i;
		}
	}
	if (k == 0)
		return dropped;
	dp_acl_decide(w, s, DP_ACL_OUT, keys, sel, k, verdict);
	for (i = 0; i < k; i++) {
		if (verdict[i] == DP_ACL_DROP) {
			next[at[i]] = dp_next_drop(DP_DROP_ACL_DENY_OUT);
			dropped++;
		}
	}
	return dropped;
}

uint16_t
dp_sec_burst(struct dp_worker *w, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	uint16_t i, c, dropped = 0;

	if (s->port[in_port].sec == 0) {
		for (i = 0; i < n; i++)
			next[i] = DP_NEXT_CONT;
		return 0;
	}
	for (i = 0; i < n; i += c) {
		c = RTE_MIN(n - i, DP_BURST);
		dropped += sec_chunk(w, s, in_port, pkts + i, c, next + i);
	}
	return dropped;
}

/* --- node vsw_sec: ingress arc, on ports with protections or "out" ACL rules ---------- */

static bool
sec_enabled(const struct dp_snap *s, uint16_t port)
{
	return s->port[port].sec != 0;
}

VSW_ARC_STAGE_NODE(sec, "vsw_sec", dp_sec_burst, DP_STAGE_SEC, 30, sec_enabled,
		VSW_CACHE_FLOW)
