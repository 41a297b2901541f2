/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test helpers of the ACL vocabulary (ut_acl.h): a frame builder, random rules and frames,
 * and the linear reference matcher that the classifier tests compare rte_acl against.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

#include "ut_acl.h"

const uint8_t UT_MAC_A[6] = { 0x02, 0, 0, 0, 0, 0x0a };
const uint8_t UT_MAC_B[6] = { 0x02, 0, 0, 0, 0, 0x0b };


void
fb_eth(struct fb *f, const uint8_t *dst, const uint8_t *src, uint16_t et)
{
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, src, 6);
	f->b[12] = (uint8_t)(et >> 8);
	f->b[13] = (uint8_t)et;
	f->len = 14;
}

void
fb_l4(struct fb *f, uint8_t proto, uint16_t sport, uint16_t dport, uint8_t first)
{
	uint8_t *p = f->b + f->len;

	memset(p, 0, 16);
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) {
		p[0] = (uint8_t)sport; /* type */
		f->len += 8;
		return;
	}
	p[0] = (uint8_t)(sport >> 8);
	p[1] = (uint8_t)sport;
	p[2] = (uint8_t)(dport >> 8);
	p[3] = (uint8_t)dport;
	p[8] = first;
	f->len += proto == IPPROTO_TCP ? 20 : 12;
}

void
fb_ip4(struct fb *f, const uint8_t *src, const uint8_t *dst, uint8_t proto, uint16_t frag)
{
	uint8_t *p = f->b + f->len;

	memset(p, 0, 20);
	p[0] = 0x45;
	p[6] = (uint8_t)(frag >> 8);
	p[7] = (uint8_t)frag;
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	f->len += 20;
}

void
fb_ip6(struct fb *f, const uint8_t *src, const uint8_t *dst, uint8_t proto, int hbh)
{
	uint8_t *p = f->b + f->len;

	memset(p, 0, 40);
	p[0] = 0x60;
	p[6] = hbh ? IPPROTO_HOPOPTS : proto;
	p[7] = 255;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	f->len += 40;
	if (hbh) {
		memset(f->b + f->len, 0, 8);
		f->b[f->len] = proto;
		f->len += 8;
	}
}

struct rte_mbuf *
fb_mbuf(struct fb *f)
{
	if (f->len < 60)
		f->len = 60; /* padded as on the wire */
	return ut_raw(f->b, f->len);
}

static const uint8_t *const pool4[] = { (const uint8_t[]){ 10, 0, 0, 1 },
	(const uint8_t[]){ 10, 0, 1, 7 }, (const uint8_t[]){ 10, 1, 0, 1 },
	(const uint8_t[]){ 192, 168, 5, 130 } };
static const uint8_t *const pool6[] = { (const uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	(const uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 9 },
	(const uint8_t[16]){ 0xfe, 0x80, [15] = 2 } };
static const uint8_t *const pool_mac[] = { UT_MAC_A, UT_MAC_B, (const uint8_t[]){ 2, 0, 0, 0, 1, 0xc } };
static const uint16_t pool_port[] = { 53, 80, 443, 1500, 8080 };
static const uint8_t pool_proto[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6 };

uint32_t
ut_acl_rnd(uint32_t n)
{
	return (uint32_t)random() % n;
}

/* A random rule of port 0 or 1. */
void
ut_acl_rand_rule(struct cfg_acl *r)
{
	static const uint16_t ranges[][2] = { { 80, 80 }, { 0, 1023 }, { 1000, 2000 }, { 443, 8080 } };
	const uint8_t *a;

	memset(r, 0, sizeof(*r));
	r->port_idx = (uint16_t)ut_acl_rnd(2);
	snprintf(r->port, sizeof(r->port), "%c", 'a' + r->port_idx);
	r->dir = 1 + ut_acl_rnd(3);
	r->action = ut_acl_rnd(3);
	r->protocol = 256;
	r->lport[1] = r->rport[1] = 65535;
	if (ut_acl_rnd(4) == 0) {
		r->has_lmac = 1;
		memcpy(r->lmac, pool_mac[ut_acl_rnd(3)], 6);
	}
	if (ut_acl_rnd(4) == 0) {
		r->has_rmac = 1;
		memcpy(r->rmac, pool_mac[ut_acl_rnd(3)], 6);
	}
	r->family = (uint8_t)(ut_acl_rnd(3) == 0 ? 0 : ut_acl_rnd(2) ? 4 : 6);
	if (r->family != 0) {
		int max = r->family == 4 ? 32 : 128, i;

		for (i = 0; i < 2; i++) {
			uint8_t *ip = i ? r->rip : r->lip;
			uint32_t len = ut_acl_rnd(4) == 0 ? 0 : (uint32_t)ut_acl_rnd((uint32_t)max + 1);
			int b;

			if (i == 1 && len == 0 && !r->has_lip)
				len = 8; /* a family needs an address */
			a = r->family == 4 ? pool4[ut_acl_rnd(4)] : pool6[ut_acl_rnd(3)];
			memcpy(ip, a, (size_t)max / 8);
			for (b = 0; b < max; b++)
				if ((uint32_t)b >= len)
					ip[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
			if (len > 0 || ut_acl_rnd(2)) {
				*(i ? &r->has_rip : &r->has_lip) = 1;
				*(i ? &r->rip_len : &r->lip_len) = (uint8_t)len;
			}
		}
		if (!r->has_lip && !r->has_rip)
			r->family = 0;
	}
	if (ut_acl_rnd(2)) {
		r->weight = 1 + ut_acl_rnd(20);
		if (ut_acl_rnd(3))
			r->protocol = pool_proto[ut_acl_rnd(RTE_DIM(pool_proto))];
		if (r->protocol == IPPROTO_TCP || r->protocol == IPPROTO_UDP) {
			if (ut_acl_rnd(2))
				memcpy(r->lport, ranges[ut_acl_rnd(4)], sizeof(r->lport));
			if (ut_acl_rnd(2))
				memcpy(r->rport, ranges[ut_acl_rnd(4)], sizeof(r->rport));
		}
	}
}

/* A random frame; fills *port and *dir it is classified for. */
struct rte_mbuf *
ut_acl_rand_frame(void)
{
	const uint8_t *s = pool_mac[ut_acl_rnd(3)], *d = pool_mac[ut_acl_rnd(3)];
	uint8_t proto = pool_proto[ut_acl_rnd(RTE_DIM(pool_proto))];
	struct fb f;
	int fam = ut_acl_rnd(5);

	if (fam == 0) {
		fb_eth(&f, d, s, RTE_ETHER_TYPE_ARP);
		return fb_mbuf(&f);
	}
	if (fam <= 2) {
		fb_eth(&f, d, s, RTE_ETHER_TYPE_IPV4);
		fb_ip4(&f, pool4[ut_acl_rnd(4)], pool4[ut_acl_rnd(4)], proto, 0);
	} else {
		fb_eth(&f, d, s, RTE_ETHER_TYPE_IPV6);
		fb_ip6(&f, pool6[ut_acl_rnd(3)], pool6[ut_acl_rnd(3)], proto, ut_acl_rnd(4) == 0);
	}
	fb_l4(&f, proto, pool_port[ut_acl_rnd(5)], pool_port[ut_acl_rnd(5)], 0);
	return fb_mbuf(&f);
}

/* True when @p n bits of @p a and @p b agree. */
static bool
prefix_eq(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (((a[i / 8] ^ b[i / 8]) >> (7 - i % 8)) & 1)
			return false;
	return true;
}

/* The linear reference: does rule @p r match key @p k (of its port) in direction @p dir? */
bool
ut_acl_match(const struct cfg_acl *r, const struct dp_acl_key *k, int dir)
{
	uint8_t lmac[6], rmac[6];
	uint16_t lp = rte_be_to_cpu_16(k->lport), rp = rte_be_to_cpu_16(k->rport);

	memcpy(lmac, k->lmac_hi, 4);
	memcpy(lmac + 4, k->lmac_lo, 2);
	memcpy(rmac, k->rmac_hi, 4);
	memcpy(rmac + 4, k->rmac_lo, 2);
	if (r->port_idx != k->port || !(r->dir & (dir == DP_ACL_IN ? CFG_ACL_IN : CFG_ACL_OUT)))
		return false;
	if (r->protocol != 256 && r->protocol != k->proto)
		return false;
	if (r->family != 0 && r->family != k->family)
		return false;
	if ((r->has_lmac && memcmp(r->lmac, lmac, 6)) || (r->has_rmac && memcmp(r->rmac, rmac, 6)))
		return false;
	if (r->has_lip && !prefix_eq(r->lip, k->lip, r->lip_len))
		return false;
	if (r->has_rip && !prefix_eq(r->rip, k->rip, r->rip_len))
		return false;
	return lp >= r->lport[0] && lp <= r->lport[1] && rp >= r->rport[0] && rp <= r->rport[1];
}

