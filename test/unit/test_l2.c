/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of the MAC table (fdb.c) and the learning/lookup stage (l2.c). */
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "fdb.h"
#include "l2.h"
#include "ut.h"

static const char *cfg_json =
	"{\"ports\": ["
	" {\"name\": \"p0\", \"type\": \"dpdk\", \"devargs\": \"net_null0\"},"
	" {\"name\": \"p1\", \"type\": \"dpdk\", \"devargs\": \"net_null1\"},"
	" {\"name\": \"p2\", \"type\": \"dpdk\", \"devargs\": \"net_null2\", \"admin\": \"down\"}"
	"]}";

static struct vsw_config cfg;
static struct pmd_port ports[VSW_MAX_PORTS];
static struct dp_snap *snap;
static struct rte_rcu_qsbr *qsv;

static int
setup(void **state)
{
	(void)state;
	ut_config(cfg_json, &cfg);
	snap = ut_snap(&cfg, 1, 0, ports);
	qsv = ut_reader_qsv();
	return 0;
}

static struct dp_fdb *
new_fdb(uint32_t max, uint64_t aging)
{
	static int n;
	char name[32];
	struct dp_fdb *f;

	snprintf(name, sizeof(name), "ut_fdb_%d", n++);
	f = dp_fdb_create(name, max, 16, aging, qsv, 0);
	assert_non_null(f);
	return f;
}

/* Looks @p key up as a worker would; returns its port or -1. */
static int
lookup(struct dp_fdb *f, uint64_t key)
{
	const void *kp = &key;
	struct dp_fdb_ent *e;
	uint64_t hits;

	dp_fdb_lookup_bulk(f, &kp, 1, &hits, &e);
	return hits & 1 ? e->port : -1;
}

/* Runs l2 on one frame from @p in with @p dst; returns next. */
static uint16_t
l2_one(struct dp_worker *w, uint16_t in, const char *dst, const char *src, uint16_t vid)
{
	struct rte_mbuf *m = ut_frame(dst, src, false, 0, 0x0800, 64);
	uint16_t next;

	m->port = in;
	m->vlan_tci = vid;
	m->packet_type = RTE_PTYPE_L2_ETHER;
	dp_l2_burst(w, snap, in, &m, 1, &next);
	rte_pktmbuf_free(m);
	rte_rcu_qsbr_quiescent(qsv, 0);
	return next;
}

static void
test_key(void **state)
{
	struct rte_ether_addr a, b;
	uint64_t k = ut_key(4094, "12:34:56:78:9a:bc");

	(void)state;
	assert_int_equal(dp_fdb_key_vlan(k), 4094);
	dp_fdb_key_mac(k, &b);
	rte_ether_unformat_addr("12:34:56:78:9a:bc", &a);
	assert_true(rte_is_same_ether_addr(&a, &b));
	assert_int_not_equal(ut_key(1, "12:34:56:78:9a:bc"), k);
}

static void
test_learn_and_forward(void **state)
{
	struct dp_worker *w = ut_worker();

	(void)state;
	w->fdb = new_fdb(1024, 0);
	/* Unknown destination: flood; the source is posted for learning. */
	assert_int_equal(l2_one(w, 0, "02:00:00:00:00:0b", "02:00:00:00:00:0a", 1), DP_NEXT_FLOOD);
	assert_int_equal(w->learn_posted, 1);
	assert_int_equal(lookup(w->fdb, ut_key(1, "02:00:00:00:00:0a")), -1); /* not yet */
	assert_int_equal(dp_fdb_drain(w->fdb, w->learn_ring, 1), 1);
	assert_int_equal(lookup(w->fdb, ut_key(1, "02:00:00:00:00:0a")), 0);
	/* The reply finds it; and learns its own source. */
	assert_int_equal(l2_one(w, 1, "02:00:00:00:00:0a", "02:00:00:00:00:0b", 1), 0);
	dp_fdb_drain(w->fdb, w->learn_ring, 1);
	assert_int_equal(l2_one(w, 0, "02:00:00:00:00:0b", "02:00:00:00:00:0a", 1), 1);
	/* Other VLAN: separate table. */
	assert_int_equal(l2_one(w, 0, "02:00:00:00:00:0b", "02:00:00:00:00:0a", 2), DP_NEXT_FLOOD);
	/* Group destinations always flood. */
	assert_int_equal(l2_one(w, 0, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0a", 1), DP_NEXT_FLOOD);
	assert_int_equal(l2_one(w, 0, "01:00:5e:00:00:01", "02:00:00:00:00:0a", 1), DP_NEXT_FLOOD);
	/* Destination behind the ingress port: filtered. */
	assert_int_equal(l2_one(w, 0, "02:00:00:00:00:0a", "02:00:00:00:00:0c", 1),
			dp_next_drop(DP_DROP_L2_SAME_PORT));
	assert_int_equal(w->fdb->st.learned, 2);
	assert_int_equal(w->learn_lost, 0);
	dp_fdb_free(w->fdb);
}

/* Looks @p key up through @p w's cache; returns its port or -1. */
static int
lookup_cached(struct dp_worker *w, uint64_t key)
{
	struct dp_fdb_cache_ent r;

	dp_fdb_lookup_cached(w, &key, 1, &r);
	assert_true(r.key == key);
	return r.ent != NULL ? r.port : -1;
}

/* The per-worker lookup cache never answers for a deleted or moved entry. */
static void
test_lookup_cache(void **state)
{
	struct dp_worker *w = ut_worker();
	uint64_t a = ut_key(1, "02:00:00:00:00:0a"), b = ut_key(1, "02:00:00:00:00:0b");
	struct dp_fdb_cache_ent line[DP_FDB_CACHE_WAYS] = { { 0 } };
	uint64_t same_set[DP_FDB_CACHE_WAYS + 2], miss, k;
	uint32_t i, n = 0;

	(void)state;
	w->fdb = new_fdb(64, 0);
	assert_int_equal(lookup_cached(w, a), -1);
	assert_int_equal(dp_fdb_learn(w->fdb, a, 1, 1), 0);
	assert_int_equal(lookup_cached(w, a), 1);           /* miss, then cached */
	miss = w->fdb_cache_miss;
	assert_int_equal(lookup_cached(w, a), 1);
	assert_int_equal(w->fdb_cache_miss, miss);          /* answered by the cache */
	/* A move: the cached copy of the old port no longer answers. */
	assert_int_equal(dp_fdb_learn(w->fdb, a, 0, 2), 0);
	assert_int_equal(lookup_cached(w, a), 0);
	assert_int_equal(w->fdb_cache_miss, miss + 1);
	/* Deleted: the cached copy must not answer. */
	assert_int_equal(dp_fdb_del(w->fdb, a), 0);
	assert_int_equal(lookup_cached(w, a), -1);
	rte_rcu_qsbr_quiescent(qsv, 0);
	assert_int_equal(dp_fdb_learn(w->fdb, b, 1, 3), 0);
	assert_int_equal(lookup_cached(w, a), -1);
	assert_int_equal(lookup_cached(w, b), 1);
	/* An entry of an older generation does not answer. */
	line[0].key = b;
	line[0].gen = w->fdb->gen - 1;
	assert_null(dp_fdb_cache_get(line, b, w->fdb->gen));
	line[0].gen = w->fdb->gen;
	assert_ptr_equal(dp_fdb_cache_get(line, b, w->fdb->gen), &line[0]);
	/* More keys than ways in one set: evicted ones come back from the rte_hash. */
	for (k = 1; n < RTE_DIM(same_set); k++) {
		uint64_t key = ((uint64_t)1 << 48) | (0x020000000000ULL + k);

		if (dp_fdb_cache_set(key) == dp_fdb_cache_set(b) && key != b)
			same_set[n++] = key;
	}
	for (i = 0; i < n; i++)
		assert_int_equal(dp_fdb_learn(w->fdb, same_set[i], (uint16_t)(i % 2), 4), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(lookup_cached(w, same_set[i]), (int)(i % 2));
	for (i = 0; i < n; i++)
		assert_int_equal(lookup_cached(w, same_set[i]), (int)(i % 2));
	assert_int_equal(lookup_cached(w, b), 1);
	rte_rcu_qsbr_quiescent(qsv, 0);
	dp_fdb_free(w->fdb);
}

static void
test_move_and_static(void **state)
{
	struct dp_worker *w = ut_worker();

	(void)state;
	w->fdb = new_fdb(1024, 0);
	l2_one(w, 0, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0a", 1);
	dp_fdb_drain(w->fdb, w->learn_ring, 1);
	/* Seen on port 1 now: moves. */
	l2_one(w, 1, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0a", 1);
	dp_fdb_drain(w->fdb, w->learn_ring, 2);
	assert_int_equal(lookup(w->fdb, ut_key(1, "02:00:00:00:00:0a")), 1);
	assert_int_equal(w->fdb->st.moved, 1);
	/* A static entry never moves, and its port's admin state is honoured. */
	assert_int_equal(dp_fdb_add_static(w->fdb, ut_key(1, "02:00:00:00:00:5e"), 2), 0);
	l2_one(w, 0, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:5e", 1);
	dp_fdb_drain(w->fdb, w->learn_ring, 3);
	assert_int_equal(lookup(w->fdb, ut_key(1, "02:00:00:00:00:5e")), 2);
	assert_int_equal(l2_one(w, 0, "02:00:00:00:00:5e", "02:00:00:00:00:0a", 1),
			dp_next_drop(DP_DROP_L2_DST_DOWN));
	/* Static replaces a learned entry. */
	assert_int_equal(dp_fdb_add_static(w->fdb, ut_key(1, "02:00:00:00:00:0a"), 0), 0);
	rte_rcu_qsbr_quiescent(qsv, 0);
	assert_int_equal(lookup(w->fdb, ut_key(1, "02:00:00:00:00:0a")), 0);
	assert_int_equal(w->fdb->st.n_static, 2);
	assert_int_equal(w->fdb->st.n_dynamic, 0);
	assert_int_equal(dp_fdb_del(w->fdb, ut_key(1, "02:00:00:00:00:0a")), 0);
	assert_int_equal(dp_fdb_del(w->fdb, ut_key(1, "02:00:00:00:00:0a")), -ENOENT);
	dp_fdb_free(w->fdb);
}

static void
test_repost_suppression(void **state)
{
	struct dp_worker *w = ut_worker();
	int i;

	(void)state;
	w->fdb = new_fdb(1024, 0);
	for (i = 0; i < 50; i++)
		l2_one(w, 0, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0a", 1);
	assert_int_equal(w->learn_posted, 1);
	w->now += w->learn_repost + 1;
	l2_one(w, 0, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0a", 1);
	assert_int_equal(w->learn_posted, 2);
	/* Refresh of a learned entry writes last-seen at most once per fdb_refresh. */
	dp_fdb_drain(w->fdb, w->learn_ring, w->now);
	w->now += w->fdb_refresh / 2;
	l2_one(w, 0, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0a", 1);
	{
		uint64_t k = ut_key(1, "02:00:00:00:00:0a");
		const void *kp = &k;
		struct dp_fdb_ent *e;
		uint64_t hits, seen;

		dp_fdb_lookup_bulk(w->fdb, &kp, 1, &hits, &e);
		seen = e->seen;
		assert_int_not_equal(seen, w->now);
		w->now += w->fdb_refresh;
		l2_one(w, 0, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0a", 1);
		assert_int_equal(e->seen, w->now);
	}
	dp_fdb_free(w->fdb);
}

static void
test_aging_and_overflow(void **state)
{
	struct dp_fdb *f = new_fdb(16, 1000);
	char mac[32];
	int i;

	(void)state;
	for (i = 0; i < 20; i++) {
		snprintf(mac, sizeof(mac), "02:00:00:00:01:%02x", i);
		dp_fdb_learn(f, ut_key(1, mac), 0, 100);
	}
	assert_int_equal(f->st.n_dynamic, 16);
	assert_int_equal(f->st.overflow, 4);
	assert_int_equal(dp_fdb_add_static(f, ut_key(1, "02:00:00:00:02:01"), 1), 0);
	/* Refresh one entry late: it survives the first pass. */
	dp_fdb_learn(f, ut_key(1, "02:00:00:00:01:00"), 0, 900);
	assert_int_equal(dp_fdb_age(f, 1150), 15);
	rte_rcu_qsbr_quiescent(qsv, 0);
	assert_int_equal(f->st.n_dynamic, 1);
	assert_int_equal(dp_fdb_age(f, 2000), 1);
	assert_int_equal(f->st.n_dynamic, 0);
	assert_int_equal(f->st.n_static, 1);
	assert_int_equal(f->st.aged, 16);
	/* Freed slots are reused once readers are quiescent: learn a full table again. */
	rte_rcu_qsbr_quiescent(qsv, 0);
	for (i = 0; i < 16; i++) {
		snprintf(mac, sizeof(mac), "02:00:00:00:03:%02x", i);
		assert_int_equal(dp_fdb_learn(f, ut_key(1, mac), 0, 3000), 0);
		rte_rcu_qsbr_quiescent(qsv, 0);
	}
	assert_int_equal(f->st.n_dynamic, 16);
	dp_fdb_free(f);
}

/* Every burst size: 1,000 known destinations looked up in bulk give the right ports. */
static void
test_bulk_lookup_bursts(void **state)
{
	struct dp_worker *w = ut_worker();
	struct rte_mbuf *pkts[UT_MAX_BURST];
	uint16_t next[UT_MAX_BURST];
	char mac[32];
	int s, i;

	(void)state;
	w->fdb = new_fdb(2048, 0);
	for (i = 0; i < 1000; i++) {
		snprintf(mac, sizeof(mac), "02:00:00:01:%02x:%02x", i >> 8, i & 0xff);
		assert_int_equal(dp_fdb_learn(w->fdb, ut_key(1, mac), (uint16_t)(i & 1), 1), 0);
	}
	for (s = 0; s < UT_N_SIZES; s++) {
		uint16_t n = ut_sizes[s];

		for (i = 0; i < n; i++) {
			int d = (i * 37 + s) % 1000;

			snprintf(mac, sizeof(mac), "02:00:00:01:%02x:%02x", d >> 8, d & 0xff);
			pkts[i] = ut_frame(mac, "02:00:00:00:00:99", false, 0, 0x0800, 64);
			pkts[i]->port = 2;
			pkts[i]->vlan_tci = 1;
			pkts[i]->packet_type = RTE_PTYPE_L2_ETHER;
		}
		assert_int_equal(dp_l2_burst(w, snap, 2, pkts, n, next), 0);
		for (i = 0; i < n; i++)
			assert_int_equal(next[i], ((i * 37 + s) % 1000) & 1);
		ut_free(pkts, n);
		rte_rcu_qsbr_quiescent(qsv, 0);
	}
	dp_fdb_free(w->fdb);
}

/* A full learn ring loses events (counted), never packets. */
static void
test_learn_ring_full(void **state)
{
	struct dp_worker *w = ut_worker();
	char mac[32];
	int i;

	(void)state;
	w->fdb = new_fdb(4096, 0);
	for (i = 0; i < 1100; i++) {
		snprintf(mac, sizeof(mac), "02:00:00:02:%02x:%02x", i >> 8, i & 0xff);
		assert_int_equal(l2_one(w, 0, "ff:ff:ff:ff:ff:ff", mac, 1), DP_NEXT_FLOOD);
	}
	assert_int_equal(w->learn_posted + w->learn_lost, 1100);
	assert_true(w->learn_lost >= 1100 - 1024);
	assert_int_equal(dp_fdb_drain(w->fdb, w->learn_ring, 1), w->learn_posted);
	dp_fdb_free(w->fdb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_learn_and_forward),
		cmocka_unit_test(test_lookup_cache),
		cmocka_unit_test(test_move_and_static),
		cmocka_unit_test(test_repost_suppression),
		cmocka_unit_test(test_aging_and_overflow),
		cmocka_unit_test(test_bulk_lookup_bursts),
		cmocka_unit_test(test_learn_ring_full),
	};

	ut_eal_init("l2");
	return cmocka_run_group_tests_name("l2", tests, setup, NULL);
}
