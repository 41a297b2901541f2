/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of the parse stage on crafted frames. */
#include "parse.h"
#include "ut.h"

static struct dp_port port1500 = { .mtu = 1500 };

/* Good frames of every burst size: all continue, metadata set. */
static void
test_good_bursts(void **state)
{
	struct rte_mbuf *pkts[UT_MAX_BURST];
	uint16_t next[UT_MAX_BURST];
	int s, i;

	(void)state;
	for (s = 0; s < UT_N_SIZES; s++) {
		uint16_t n = ut_sizes[s];

		for (i = 0; i < n; i++)
			pkts[i] = ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", i & 1,
					(uint16_t)(10 + i), 0x0800, 60 + i);
		assert_int_equal(dp_parse_burst(NULL, &port1500, pkts, n, next), 0);
		for (i = 0; i < n; i++) {
			assert_int_equal(next[i], DP_NEXT_CONT);
			if (i & 1) {
				assert_int_equal(pkts[i]->l2_len, 18);
				assert_int_equal(pkts[i]->packet_type, RTE_PTYPE_L2_ETHER_VLAN);
				assert_int_equal(pkts[i]->vlan_tci, 10 + i);
			} else {
				assert_int_equal(pkts[i]->l2_len, 14);
				assert_int_equal(pkts[i]->packet_type, RTE_PTYPE_L2_ETHER);
				assert_int_equal(pkts[i]->vlan_tci, 0);
			}
		}
		ut_free(pkts, n);
	}
}

/* One bad frame of each kind in a burst of good ones: exactly those dropped, by reason. */
static void
test_malformed(void **state)
{
	static const uint8_t b13[13] = { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08 };
	static const uint8_t tag16[16] = { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1,
		0x81, 0x00, 0x00, 0x0a };
	struct rte_mbuf *pkts[16];
	uint16_t next[16], expect[16];
	uint16_t n = 0, i, dropped = 0;

	(void)state;
#define ADD(m, e) do { pkts[n] = (m); expect[n++] = (e); } while (0)
	ADD(ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", false, 0, 0x0800, 64),
			DP_NEXT_CONT);
	ADD(ut_raw(b13, sizeof(b13)), dp_next_drop(DP_DROP_PARSE_RUNT));
	ADD(ut_raw(b13, 0), dp_next_drop(DP_DROP_PARSE_RUNT));
	ADD(ut_raw(tag16, sizeof(tag16)), dp_next_drop(DP_DROP_PARSE_RUNT));
	ADD(ut_frame("02:00:00:00:00:02", "03:00:00:00:00:01", false, 0, 0x0800, 64),
			dp_next_drop(DP_DROP_PARSE_SRC_MCAST));
	ADD(ut_frame("02:00:00:00:00:02", "ff:ff:ff:ff:ff:ff", false, 0, 0x0800, 64),
			dp_next_drop(DP_DROP_PARSE_SRC_MCAST));
	ADD(ut_frame("02:00:00:00:00:02", "00:00:00:00:00:00", false, 0, 0x0800, 64),
			dp_next_drop(DP_DROP_PARSE_SRC_ZERO));
	ADD(ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", false, 0, 0x88a8, 64),
			dp_next_drop(DP_DROP_PARSE_QINQ));
	ADD(ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", true, 5, 0x8100, 64),
			dp_next_drop(DP_DROP_PARSE_QINQ));
	ADD(ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", true, 5, 0x88a8, 64),
			dp_next_drop(DP_DROP_PARSE_QINQ));
	/* MTU boundaries: 1514 untagged and 1518 tagged pass, one byte more does not. */
	ADD(ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", false, 0, 0x0800, 1514),
			DP_NEXT_CONT);
	ADD(ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", false, 0, 0x0800, 1515),
			dp_next_drop(DP_DROP_PARSE_OVERSIZE));
	ADD(ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", true, 7, 0x0800, 1518),
			DP_NEXT_CONT);
	ADD(ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", true, 7, 0x0800, 1519),
			dp_next_drop(DP_DROP_PARSE_OVERSIZE));
	ADD(ut_frame("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01", false, 0, 0x0806, 42),
			DP_NEXT_CONT);
#undef ADD
	assert_int_not_equal(dp_parse_burst(NULL, &port1500, pkts, n, next), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(next[i], expect[i]);
		dropped += dp_next_is_drop(expect[i]);
	}
	assert_int_equal(dp_parse_burst(NULL, &port1500, pkts, n, next), dropped);
	ut_free(pkts, n);
}

/* A header split over two segments is treated as a runt (headers must be in segment 1). */
static void
test_split_header(void **state)
{
	static const uint8_t head[10] = { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0 };
	struct rte_mbuf *m = ut_raw(head, sizeof(head));
	struct rte_mbuf *t = ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", false, 0,
			0x0800, 54);
	uint16_t next;

	(void)state;
	assert_int_equal(rte_pktmbuf_chain(m, t), 0);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 64);
	dp_parse_burst(NULL, &port1500, &m, 1, &next);
	assert_int_equal(next, dp_next_drop(DP_DROP_PARSE_RUNT));
	rte_pktmbuf_free(m);
}

/* Random bytes never crash the stage and always get a decision. */
static void
test_random_bytes(void **state)
{
	uint8_t b[128];
	struct rte_mbuf *m;
	uint16_t next;
	int i, j;

	(void)state;
	srand(7);
	for (i = 0; i < 20000; i++) {
		uint32_t len = (uint32_t)rand() % sizeof(b);

		for (j = 0; j < (int)len; j++)
			b[j] = (uint8_t)rand();
		if (i % 3 == 0 && len >= 14) {
			b[12] = 0x81;
			b[13] = 0x00;
		}
		m = ut_raw(b, len);
		next = 0xffff;
		dp_parse_burst(NULL, &port1500, &m, 1, &next);
		assert_true(next == DP_NEXT_CONT || dp_next_is_drop(next));
		if (len < 14)
			assert_int_equal(next, dp_next_drop(DP_DROP_PARSE_RUNT));
		rte_pktmbuf_free(m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_bursts),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_split_header),
		cmocka_unit_test(test_random_bytes),
	};

	ut_eal_init("parse");
	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
