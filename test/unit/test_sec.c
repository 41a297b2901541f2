/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ingress security stage (guards, MAC spoofing) on crafted frames, and the ACL
 * classifier (rte_acl, built by acl_build) against a plain linear matcher of the same rules
 * on random rule sets and frames.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "acl_build.h"
#include "conn.h"
#include "l34.h"
#include "sec.h"
#include "snap.h"
#include "ut.h"
#include "ut_acl.h"

static const uint8_t IP4_A[4] = { 10, 0, 0, 1 }, IP4_B[4] = { 10, 0, 0, 2 };
static const uint8_t IP6_A[16] = { 0xfe, 0x80, [15] = 1 }, IP6_B[16] = { 0xff, 0x02, [15] = 1 };

/* The snapshot of one port with @p json as its "security". */
static struct dp_snap *
sec_snap(const char *security, struct vsw_config *c, struct pmd_port *ports)
{
	char doc[512];

	snprintf(doc, sizeof(doc), "{\"dpdk\": {\"no_huge\": true}, \"ports\": [{\"name\": \"a\", "
			"\"type\": \"dpdk\", \"devargs\": \"net_null0\", \"security\": %s}, "
			"{\"name\": \"b\", \"type\": \"dpdk\", \"devargs\": \"net_null1\"}]}", security);
	ut_config(doc, c);
	return ut_snap(c, 1, 1, ports);
}

/* Frame kinds of the guard test, with the drop each gets on a port with both guards. */
enum { K_DHCP4_OFFER, K_DHCP4_DISCOVER, K_DHCP6_ADV, K_DHCP6_SOLICIT, K_DHCP6_RELAY_REPL,
	K_RA, K_RA_HBH, K_REDIRECT6, K_NS, K_REDIRECT4, K_ECHO4, K_CUT6, K_LATER_FRAG4, K_ARP,
	K_MAX };

static struct rte_mbuf *
guard_frame(int k)
{
	struct fb f;

	switch (k) {
	case K_DHCP4_OFFER: case K_DHCP4_DISCOVER: case K_ECHO4: case K_REDIRECT4:
	case K_LATER_FRAG4:
		fb_eth(&f, UT_MAC_B, UT_MAC_A, RTE_ETHER_TYPE_IPV4);
		fb_ip4(&f, IP4_A, IP4_B, k == K_ECHO4 || k == K_REDIRECT4 ? IPPROTO_ICMP :
				IPPROTO_UDP, k == K_LATER_FRAG4 ? 100 : 0);
		if (k == K_DHCP4_OFFER)
			fb_l4(&f, IPPROTO_UDP, 67, 68, 2);
		else if (k == K_DHCP4_DISCOVER)
			fb_l4(&f, IPPROTO_UDP, 68, 67, 1);
		else if (k == K_LATER_FRAG4)
			fb_l4(&f, IPPROTO_UDP, 67, 68, 2); /* looks like an offer; not an L4 header */
		else
			fb_l4(&f, IPPROTO_ICMP, k == K_ECHO4 ? 8 : 5, 0, 0);
		break;
	case K_ARP:
		fb_eth(&f, UT_MAC_B, UT_MAC_A, RTE_ETHER_TYPE_ARP);
		break;
	case K_CUT6:
		fb_eth(&f, UT_MAC_B, UT_MAC_A, RTE_ETHER_TYPE_IPV6);
		fb_ip6(&f, IP6_A, IP6_B, IPPROTO_ICMPV6, 1);
		f.b[f.len - 7] = 200; /* hop-by-hop claims 1,608 bytes: the chain leaves the frame */
		f.len += 8;
		break;
	default:
		fb_eth(&f, UT_MAC_B, UT_MAC_A, RTE_ETHER_TYPE_IPV6);
		if (k == K_DHCP6_ADV || k == K_DHCP6_SOLICIT || k == K_DHCP6_RELAY_REPL) {
			fb_ip6(&f, IP6_A, IP6_B, IPPROTO_UDP, 0);
			fb_l4(&f, IPPROTO_UDP, k == K_DHCP6_SOLICIT ? 546 : 547,
					k == K_DHCP6_SOLICIT ? 547 : 546, k == K_DHCP6_ADV ? 2 :
					k == K_DHCP6_SOLICIT ? 1 : 13);
		} else {
			fb_ip6(&f, IP6_A, IP6_B, IPPROTO_ICMPV6, k == K_RA_HBH);
			fb_l4(&f, IPPROTO_ICMPV6, k == K_RA || k == K_RA_HBH ? 134 :
					k == K_REDIRECT6 ? 137 : 135, 0, 0);
		}
	}
	return fb_mbuf(&f);
}

static uint16_t
guard_expect(int k, bool dhcp, bool router)
{
	switch (k) {
	case K_DHCP4_OFFER: case K_DHCP6_ADV: case K_DHCP6_RELAY_REPL:
		return dhcp ? dp_next_drop(DP_DROP_SEC_DHCP_GUARD) : DP_NEXT_CONT;
	case K_RA: case K_RA_HBH: case K_REDIRECT6: case K_REDIRECT4:
		return router ? dp_next_drop(DP_DROP_SEC_ROUTER_GUARD) : DP_NEXT_CONT;
	case K_CUT6:
		return dhcp || router ? dp_next_drop(DP_DROP_SEC_IPV6_CHAIN) : DP_NEXT_CONT;
	}
	return DP_NEXT_CONT;
}

/* Every frame kind through every guard setting, at every burst size (over 32: chunked). */
static void
test_guards(void **state)
{
	static const char *const sec[] = { "{\"dhcp_guard\": true, \"router_guard\": true}",
		"{\"dhcp_guard\": true}", "{\"router_guard\": true}",
		"{\"dhcp_guard\": true, \"dhcp_server\": true, \"router_guard\": true}", "{}" };
	static const bool dhcp[] = { true, true, false, false, false };
	static const bool router[] = { true, false, true, true, false };
	struct rte_mbuf *pkts[UT_MAX_BURST];
	uint16_t next[UT_MAX_BURST];
	struct pmd_port ports[2];
	struct dp_worker *w = ut_worker();
	struct vsw_config c;
	size_t g, z;
	uint16_t i, n, dropped, want;

	(void)state;
	for (g = 0; g < RTE_DIM(sec); g++) {
		struct dp_snap *s = sec_snap(sec[g], &c, ports);

		for (z = 0; z < UT_N_SIZES; z++) {
			n = ut_sizes[z];
			for (i = 0; i < n; i++)
				pkts[i] = guard_frame((i * 7 + (int)z) % K_MAX);
			dropped = dp_sec_burst(w, s, 0, pkts, n, next);
			want = 0;
			for (i = 0; i < n; i++) {
				uint16_t e = guard_expect((i * 7 + (int)z) % K_MAX, dhcp[g], router[g]);

				assert_int_equal(next[i], e);
				want += dp_next_is_drop(e);
			}
			assert_int_equal(dropped, want);
			ut_free(pkts, n);
		}
		snap_free(s);
		cfg_free(&c);
	}
}

/* mac_spoofing off: only the port's MACs pass, at every burst size. */
static void
test_mac_spoofing(void **state)
{
	struct rte_mbuf *pkts[UT_MAX_BURST];
	uint16_t next[UT_MAX_BURST];
	struct pmd_port ports[2];
	struct dp_worker *w = ut_worker();
	struct vsw_config c;
	struct dp_snap *s;
	size_t z;
	uint16_t i, n;

	(void)state;
	s = sec_snap("{\"mac_spoofing\": false, \"macs\": [\"02:00:00:00:00:09\", "
			"\"02:00:00:00:00:0a\"]}", &c, ports);
	for (z = 0; z < UT_N_SIZES; z++) {
		n = ut_sizes[z];
		for (i = 0; i < n; i++)
			pkts[i] = ut_frame("ff:ff:ff:ff:ff:ff", i % 3 ? "02:00:00:00:00:0a" :
					"02:00:00:00:00:0c", false, 0, RTE_ETHER_TYPE_ARP, 60);
		assert_int_equal(dp_sec_burst(w, s, 0, pkts, n, next), (n + 2) / 3);
		for (i = 0; i < n; i++)
			assert_int_equal(next[i], i % 3 ? DP_NEXT_CONT :
					dp_next_drop(DP_DROP_SEC_MAC_SPOOFING));
		ut_free(pkts, n);
	}
	snap_free(s);
	cfg_free(&c);
}

/* --- the ACL differential test ------------------------------------------------------------ */

#define N_SETS 12
#define N_RULES 160
#define N_FRAMES 1500

/* The winning rule (index + 1, 0: none) of category meter / decide by the documented order. */
static uint32_t
ref_classify(const struct vsw_config *c, const struct dp_acl_key *k, int dir, bool meter)
{
	uint32_t pos[2] = { 0, 0 }, i, best = 0;
	int32_t bp = -1, p;

	for (i = 0; i < c->n_acl; i++) {
		const struct cfg_acl *r = &c->acl[i];

		p = acl_rule_priority(r, pos[r->port_idx]++);
		if ((r->action == CFG_ACL_METER) != meter || !ut_acl_match(r, k, dir))
			continue;
		if (p > bp) {
			bp = p;
			best = i + 1;
		}
	}
	return best;
}

static void
test_acl_differential(void **state)
{
	struct dp_acl_key keys[DP_BURST];
	struct rte_mbuf *pkts[DP_BURST];
	uint8_t verdict[DP_BURST];
	struct pmd_port ports[2];
	struct dp_worker *w = ut_worker();
	struct vsw_config c;
	struct ctrl_err e;
	struct dp_snap *s;
	uint32_t set, f, i, mism = 0, matched = 0;

	(void)state;
	srandom(5);
	ut_config("{\"dpdk\": {\"no_huge\": true}, \"ports\": [{\"name\": \"a\", \"type\": \"dpdk\", "
			"\"devargs\": \"net_null0\"}, {\"name\": \"b\", \"type\": \"dpdk\", "
			"\"devargs\": \"net_null1\"}]}", &c);
	s = ut_snap(&c, 1, 1, ports);
	c.acl = calloc(N_RULES, sizeof(*c.acl));
	assert_non_null(c.acl);
	for (set = 0; set < N_SETS; set++) {
		struct dp_acl_set *a;

		memset(c.acl, 0, N_RULES * sizeof(*c.acl));
		c.n_acl = 1 + ut_acl_rnd(N_RULES);
		for (i = 0; i < c.n_acl; i++)
			ut_acl_rand_rule(&c.acl[i]);
		a = acl_build(&c, NULL, 1, &e);
		assert_non_null(a);
		s->acl = a;
		for (f = 0; f < N_FRAMES; f += DP_BURST) {
			uint32_t res[DP_BURST * DP_ACL_CATEGORIES];
			const uint8_t *data[DP_BURST];
			int dir = ut_acl_rnd(2);
			uint16_t port = (uint16_t)ut_acl_rnd(2);
			struct dp_l34 l;

			for (i = 0; i < DP_BURST; i++) {
				pkts[i] = ut_acl_rand_frame();
				dp_l34_parse(pkts[i], &l);
				dp_acl_key_make(&keys[i], pkts[i], &l, port, dir);
				data[i] = (const uint8_t *)&keys[i];
			}
			if (a->ctx[dir] != NULL) {
				rte_acl_classify(a->ctx[dir], data, res, DP_BURST, DP_ACL_CATEGORIES);
			} else {
				memset(res, 0, sizeof(res));
			}
			dp_acl_decide(w, s, dir, keys, (const struct rte_mbuf *const *)pkts, DP_BURST,
					verdict);
			for (i = 0; i < DP_BURST; i++) {
				uint32_t d = ref_classify(&c, &keys[i], dir, false);
				uint32_t m = ref_classify(&c, &keys[i], dir, true);
				uint8_t v = d != 0 && c.acl[d - 1].action == CFG_ACL_DENY;

				mism += res[i * DP_ACL_CATEGORIES + DP_ACL_CAT_DECIDE] != d;
				mism += res[i * DP_ACL_CATEGORIES + DP_ACL_CAT_METER] != m;
				mism += verdict[i] != v;
				matched += d != 0;
			}
			ut_free(pkts, DP_BURST);
		}
		s->acl = NULL;
		acl_set_free(a);
	}
	print_message("%u sets, %u frames, %u decided by a rule, %u mismatches\n", N_SETS,
			N_SETS * N_FRAMES, matched, mism);
	assert_int_equal(mism, 0);
	assert_true(matched > N_SETS * N_FRAMES / 10); /* the rules do match, often */
	snap_free(s);
	cfg_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guards),
		cmocka_unit_test(test_mac_spoofing),
		cmocka_unit_test(test_acl_differential),
	};

	ut_eal_init("ut_sec");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
