/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_UT_ACL_H
#define VSW_UT_ACL_H

/**
 * @file
 * Test helpers for everything classified with the ACL vocabulary (port ACLs, IPsec SPDs):
 * a frame builder, random rules over small pools of addresses, MACs, ports and protocols
 * (so that rules match often), random frames from the same pools, and a linear reference
 * matcher of one rule against a key.
 */

#include <stdbool.h>
#include <stdint.h>

#include "acl.h"
#include "cfg.h"
#include "ut.h"

/** Two MACs of the pools. */
extern const uint8_t UT_MAC_A[6], UT_MAC_B[6];

/** Frame builder: Ethernet, then IPv4 or IPv6 (optionally a hop-by-hop header first), then
 * an L4 header of the protocol. */
struct fb {
	uint8_t b[256];  /**< the frame */
	uint32_t len;    /**< its length */
};

/** Starts @p f with an Ethernet header. */
void fb_eth(struct fb *f, const uint8_t *dst, const uint8_t *src, uint16_t et);
/** Appends an L4 header of @p proto (ports for TCP/UDP/SCTP, type/code otherwise). */
void fb_l4(struct fb *f, uint8_t proto, uint16_t sport, uint16_t dport, uint8_t first);
/** Appends an IPv4 header (fragment field @p frag). */
void fb_ip4(struct fb *f, const uint8_t *src, const uint8_t *dst, uint8_t proto, uint16_t frag);
/** Appends an IPv6 header, with a hop-by-hop header first when @p hbh. */
void fb_ip6(struct fb *f, const uint8_t *src, const uint8_t *dst, uint8_t proto, int hbh);
/** The frame of @p f as an mbuf. */
struct rte_mbuf *fb_mbuf(struct fb *f);

/** A random number below @p n (random(): seed with srandom()). */
uint32_t ut_acl_rnd(uint32_t n);
/** A random rule of port 0 or 1 (any direction, action, basic or extended). */
void ut_acl_rand_rule(struct cfg_acl *r);
/** A random frame over the rules' pools (ARP, IPv4, IPv6; TCP, UDP, ICMP, ICMPv6). */
struct rte_mbuf *ut_acl_rand_frame(void);
/** True when rule @p r matches key @p k (made for its port) in direction @p dir. */
bool ut_acl_match(const struct cfg_acl *r, const struct dp_acl_key *k, int dir);

#endif
