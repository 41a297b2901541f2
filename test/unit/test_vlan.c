/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of the ingress VLAN, flood and egress VLAN stages. */
#include <string.h>

#include "flood.h"
#include "parse.h"
#include "vlan_in.h"
#include "vlan_out.h"
#include "ut.h"

static const char *cfg_json =
	"{\"ports\": ["
	" {\"name\": \"acc10\", \"type\": \"dpdk\", \"devargs\": \"net_null0\","
	"  \"vlan\": {\"mode\": \"access\", \"vlan\": 10}},"
	" {\"name\": \"trk\", \"type\": \"dpdk\", \"devargs\": \"net_null1\","
	"  \"vlan\": {\"mode\": \"trunk\", \"allowed\": [10, \"20-22\"], \"native\": 5}},"
	" {\"name\": \"trk_nonative\", \"type\": \"dpdk\", \"devargs\": \"net_null2\","
	"  \"vlan\": {\"mode\": \"trunk\", \"allowed\": [10, 20]}},"
	" {\"name\": \"acc20\", \"type\": \"dpdk\", \"devargs\": \"net_null3\","
	"  \"vlan\": {\"mode\": \"access\", \"vlan\": 20}},"
	" {\"name\": \"acc30_down\", \"type\": \"dpdk\", \"devargs\": \"net_null4\", \"admin\": \"down\","
	"  \"vlan\": {\"mode\": \"access\", \"vlan\": 30}},"
	" {\"name\": \"acc30\", \"type\": \"dpdk\", \"devargs\": \"net_null5\", \"mtu\": 1000,"
	"  \"vlan\": {\"mode\": \"access\", \"vlan\": 30}}"
	"]}";

static struct vsw_config cfg;
static struct pmd_port ports[VSW_MAX_PORTS];
static struct dp_snap *snap;

static int
setup(void **state)
{
	(void)state;
	ut_config(cfg_json, &cfg);
	snap = ut_snap(&cfg, 1, 0, ports);
	return 0;
}

/* Runs parse then vlan_in on @p m arriving at port @p in; returns vlan_in's decision. */
static uint16_t
ingress(uint16_t in, struct rte_mbuf *m)
{
	uint16_t next;

	m->port = in;
	dp_parse_burst(NULL, &snap->port[in], &m, 1, &next);
	assert_int_equal(next, DP_NEXT_CONT);
	dp_vlan_in_burst(NULL, &snap->port[in], &m, 1, &next);
	return next;
}

/* ingress() of a 64-byte IPv4 frame, tagged with @p tci when @p tagged; frees it. *@p vid:
 * the switching VLAN it got. */
static uint16_t
ingress_64(uint16_t in, bool tagged, uint16_t tci, uint16_t *vid)
{
	struct rte_mbuf *m = ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", tagged, tci,
			0x0800, 64);
	uint16_t next = ingress(in, m);

	*vid = m->vlan_tci;
	rte_pktmbuf_free(m);
	return next;
}

static void
test_access(void **state)
{
	struct rte_mbuf *m;
	uint16_t vid;

	(void)state;
	assert_int_equal(ingress_64(0, false, 0, &vid), DP_NEXT_CONT);
	assert_int_equal(vid, 10);
	/* Priority tag (VID 0, PCP 5): accepted, stripped, access VLAN. */
	m = ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", true, 5 << 13, 0x0800, 64);
	assert_int_equal(ingress(0, m), DP_NEXT_CONT);
	assert_int_equal(m->vlan_tci, 10);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 60);
	rte_pktmbuf_free(m);
	assert_int_equal(ingress_64(0, true, 10, &vid),
			dp_next_drop(DP_DROP_VLAN_TAGGED_ON_ACCESS));
	assert_int_equal(ingress_64(0, true, 4095, &vid), dp_next_drop(DP_DROP_VLAN_RESERVED));
}

static void
test_trunk(void **state)
{
	struct rte_mbuf *m, *ref;
	uint16_t vid;
	uint8_t *d;

	(void)state;
	/* Allowed tag: kept as the VLAN, stripped, inner EtherType in place. */
	m = ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", true, (3 << 13) | 21, 0x86dd, 80);
	ref = ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", false, 0, 0x86dd, 76);
	assert_int_equal(ingress(1, m), DP_NEXT_CONT);
	assert_int_equal(m->vlan_tci, 21);
	assert_int_equal(m->l2_len, 14);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 76);
	d = rte_pktmbuf_mtod(m, uint8_t *);
	assert_memory_equal(d, rte_pktmbuf_mtod(ref, uint8_t *), 14);
	/* Payload bytes moved with the header: compare with the tagged original's tail. */
	assert_int_equal(d[14], 18);
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(ref);
	assert_int_equal(ingress_64(1, true, 23, &vid),
			dp_next_drop(DP_DROP_VLAN_NOT_ALLOWED));
	assert_int_equal(ingress_64(1, false, 0, &vid), DP_NEXT_CONT);
	assert_int_equal(vid, 5);
	assert_int_equal(ingress_64(2, false, 0, &vid), dp_next_drop(DP_DROP_VLAN_NO_NATIVE));
}

/* Mixed bursts of every size on the trunk: decisions match frame by frame. */
static void
test_vlan_in_bursts(void **state)
{
	struct rte_mbuf *pkts[UT_MAX_BURST];
	uint16_t next[UT_MAX_BURST];
	static const uint16_t vids[4] = { 10, 23, 0, 20 };
	int s, i;

	(void)state;
	for (s = 0; s < UT_N_SIZES; s++) {
		uint16_t n = ut_sizes[s], dropped = 0;

		for (i = 0; i < n; i++) {
			uint16_t v = vids[i % 4];

			pkts[i] = ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", v != 0, v,
					0x0800, 64);
			pkts[i]->port = 1;
		}
		dp_parse_burst(NULL, &snap->port[1], pkts, n, next);
		for (i = 0; i < n; i++)
			dropped += vids[i % 4] == 23;
		assert_int_equal(dp_vlan_in_burst(NULL, &snap->port[1], pkts, n, next), dropped);
		for (i = 0; i < n; i++) {
			uint16_t v = vids[i % 4];

			if (v == 23) {
				assert_int_equal(next[i], dp_next_drop(DP_DROP_VLAN_NOT_ALLOWED));
				continue;
			}
			assert_int_equal(next[i], DP_NEXT_CONT);
			assert_int_equal(pkts[i]->vlan_tci, v ? v : 5);
			assert_int_equal(rte_pktmbuf_pkt_len(pkts[i]), v ? 60 : 64);
		}
		ut_free(pkts, n);
	}
}

static void
test_snapshot_members(void **state)
{
	const struct dp_vlan_members *vm;

	(void)state;
	vm = snap->vlan[10];
	assert_non_null(vm);
	assert_int_equal(vm->n_untagged, 1);
	assert_int_equal(vm->untagged[0], 0);
	assert_int_equal(vm->n_tagged, 2);
	vm = snap->vlan[5];
	assert_non_null(vm);
	assert_int_equal(vm->n_untagged, 1); /* trunk's native VLAN: untagged */
	assert_int_equal(vm->n_tagged, 0);
	vm = snap->vlan[30];
	assert_non_null(vm);
	assert_int_equal(vm->n_untagged, 1); /* the admin-down port is left out */
	assert_int_equal(vm->untagged[0], 5);
	assert_null(snap->vlan[21 + 100]);
	assert_int_equal(snap->plan[0].n_rxq, 5); /* every admin-up port polled */
}

static void
test_flood(void **state)
{
	struct rte_mbuf *pkts[3];
	uint16_t next[3] = { DP_NEXT_FLOOD, DP_NEXT_FLOOD, 3 };

	(void)state;
	/* VLAN 30 from its only admin-up member: nowhere to go. VLAN 10 from acc10: trunks. */
	pkts[0] = ut_frame("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01", false, 0, 0x0806, 60);
	pkts[0]->vlan_tci = 30;
	pkts[1] = ut_frame("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01", false, 0, 0x0806, 60);
	pkts[1]->vlan_tci = 10;
	pkts[2] = ut_frame("02:00:00:00:00:09", "02:00:00:00:00:01", false, 0, 0x0800, 60);
	pkts[2]->vlan_tci = 10;
	assert_int_equal(dp_flood_burst(NULL, snap, 5, pkts, 1, next), 1);
	assert_int_equal(next[0], dp_next_drop(DP_DROP_FLOOD_NO_MEMBERS));
	assert_int_equal(dp_flood_burst(NULL, snap, 0, pkts + 1, 2, next + 1), 0);
	assert_int_equal(next[1], DP_NEXT_FLOOD);
	assert_int_equal(next[2], 3); /* unicast decisions untouched */
	ut_free(pkts, 3);
}

static void
test_vlan_out(void **state)
{
	struct rte_mbuf *m, *orig;
	uint16_t next;
	struct dp_port down;

	(void)state;
	/* Trunk, non-native VLAN: tag inserted; bytes equal the tagged original. */
	orig = ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", true, 21, 0x0800, 100);
	m = ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", false, 0, 0x0800, 96);
	memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, 14), rte_pktmbuf_mtod_offset(orig,
			uint8_t *, 18), 82);
	m->vlan_tci = 21;
	assert_int_equal(dp_vlan_out_burst(NULL, &snap->port[1], &m, 1, &next), 0);
	assert_int_equal(next, DP_NEXT_CONT);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 100);
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_mtod(orig, uint8_t *), 100);
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(orig);
	/* Trunk, native VLAN: untagged. Access: untagged. */
	m = ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", false, 0, 0x0800, 64);
	m->vlan_tci = 5;
	dp_vlan_out_burst(NULL, &snap->port[1], &m, 1, &next);
	assert_int_equal(next, DP_NEXT_CONT);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 64);
	m->vlan_tci = 10;
	dp_vlan_out_burst(NULL, &snap->port[0], &m, 1, &next);
	assert_int_equal(next, DP_NEXT_CONT);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 64);
	/* Not a member. */
	m->vlan_tci = 20;
	dp_vlan_out_burst(NULL, &snap->port[0], &m, 1, &next);
	assert_int_equal(next, dp_next_drop(DP_DROP_EGRESS_NOT_MEMBER));
	/* Link down. */
	down = snap->port[0];
	down.link_up = 0;
	m->vlan_tci = 10;
	dp_vlan_out_burst(NULL, &down, &m, 1, &next);
	assert_int_equal(next, dp_next_drop(DP_DROP_EGRESS_LINK_DOWN));
	/* No headroom for the tag. */
	m->vlan_tci = 21;
	memmove(m->buf_addr, rte_pktmbuf_mtod(m, void *), rte_pktmbuf_data_len(m));
	m->data_off = 0;
	dp_vlan_out_burst(NULL, &snap->port[1], &m, 1, &next);
	assert_int_equal(next, dp_next_drop(DP_DROP_EGRESS_NO_HEADROOM));
	rte_pktmbuf_free(m);
	/* Egress MTU 1000: 1014 bytes pass, 1015 do not. */
	m = ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", false, 0, 0x0800, 1014);
	m->vlan_tci = 30;
	dp_vlan_out_burst(NULL, &snap->port[5], &m, 1, &next);
	assert_int_equal(next, DP_NEXT_CONT);
	rte_pktmbuf_append(m, 1);
	dp_vlan_out_burst(NULL, &snap->port[5], &m, 1, &next);
	assert_int_equal(next, dp_next_drop(DP_DROP_EGRESS_MTU));
	rte_pktmbuf_free(m);
}

/* Every burst size through vlan_out to the trunk: all tagged. */
static void
test_vlan_out_bursts(void **state)
{
	struct rte_mbuf *pkts[UT_MAX_BURST];
	uint16_t next[UT_MAX_BURST];
	int s, i;

	(void)state;
	for (s = 0; s < UT_N_SIZES; s++) {
		uint16_t n = ut_sizes[s];

		for (i = 0; i < n; i++) {
			pkts[i] = ut_frame("02:00:00:00:00:02", "02:00:00:00:00:01", false, 0,
					0x0800, 64);
			pkts[i]->vlan_tci = i & 1 ? 10 : 22;
		}
		assert_int_equal(dp_vlan_out_burst(NULL, &snap->port[1], pkts, n, next), 0);
		for (i = 0; i < n; i++) {
			const uint8_t *d = rte_pktmbuf_mtod(pkts[i], const uint8_t *);

			assert_int_equal(next[i], DP_NEXT_CONT);
			assert_int_equal(rte_pktmbuf_pkt_len(pkts[i]), 68);
			assert_int_equal(d[12], 0x81);
			assert_int_equal(d[15], i & 1 ? 10 : 22);
			assert_int_equal(d[16], 0x08);
		}
		ut_free(pkts, n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_trunk),
		cmocka_unit_test(test_vlan_in_bursts),
		cmocka_unit_test(test_snapshot_members),
		cmocka_unit_test(test_flood),
		cmocka_unit_test(test_vlan_out),
		cmocka_unit_test(test_vlan_out_bursts),
	};

	ut_eal_init("vlan");
	return cmocka_run_group_tests_name("vlan", tests, setup, NULL);
}
