/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the flow cache (fcache.c): each rewrite, each reason an entry stops answering,
 * and a differential test against the slow path alone over random frames and table changes.
 */
#include <rte_malloc.h>
#include <rte_random.h>
#include <rte_rcu_qsbr.h>

#include "fcache.h"
#include "fdb.h"
#include "l2.h"
#include "snap.h"
#include "parse.h"
#include "vlan_in.h"
#include "vlan_out.h"
#include "ut.h"
#include "vsw_meta.h"

/* p0, p1: access 10 (p1 MTU 1000); p2: trunk 10,20 native 20; p3: trunk 10,20; p4: access 20. */
static const char *cfg_json =
	"{\"ports\": ["
	" {\"name\": \"p0\", \"type\": \"dpdk\", \"devargs\": \"net_null0\","
	"  \"vlan\": {\"mode\": \"access\", \"vlan\": 10}},"
	" {\"name\": \"p1\", \"type\": \"dpdk\", \"devargs\": \"net_null1\", \"mtu\": 1000,"
	"  \"vlan\": {\"mode\": \"access\", \"vlan\": 10}},"
	" {\"name\": \"p2\", \"type\": \"dpdk\", \"devargs\": \"net_null2\","
	"  \"vlan\": {\"mode\": \"trunk\", \"allowed\": [10, 20], \"native\": 20}},"
	" {\"name\": \"p3\", \"type\": \"dpdk\", \"devargs\": \"net_null3\","
	"  \"vlan\": {\"mode\": \"trunk\", \"allowed\": [10, 20]}},"
	" {\"name\": \"p4\", \"type\": \"dpdk\", \"devargs\": \"net_null4\","
	"  \"vlan\": {\"mode\": \"access\", \"vlan\": 20}}"
	"]}";

#define N_PORTS 5
#define MAC_A "02:00:00:00:00:0a" /* vlan 10 on p0 */
#define MAC_B "02:00:00:00:00:0b" /* vlan 10 on p1 */
#define MAC_C "02:00:00:00:00:0c" /* vlan 10 on p2 */
#define MAC_D "02:00:00:00:00:0d" /* vlan 20 on p3 */
#define MAC_E "02:00:00:00:00:0e" /* vlan 20 on p4, static */
#define MAC_F "02:00:00:00:00:0f" /* vlan 10 on p3 */
#define MAC_X "02:00:00:00:00:99" /* unknown */

static struct vsw_config cfg;
static struct pmd_port ports[VSW_MAX_PORTS];
static struct dp_snap *snap;
static struct rte_rcu_qsbr *qsv;
static struct dp_fdb *fdb;

static void
fdb_fill(void)
{
	static int n;
	char name[32];

	snprintf(name, sizeof(name), "ut_fc_fdb_%d", n++);
	fdb = dp_fdb_create(name, 1024, 16, 0, qsv, 0);
	assert_non_null(fdb);
	assert_int_equal(dp_fdb_learn(fdb, ut_key(10, MAC_A), 0, 1), 0);
	assert_int_equal(dp_fdb_learn(fdb, ut_key(10, MAC_B), 1, 1), 0);
	assert_int_equal(dp_fdb_learn(fdb, ut_key(10, MAC_C), 2, 1), 0);
	assert_int_equal(dp_fdb_learn(fdb, ut_key(20, MAC_D), 3, 1), 0);
	assert_int_equal(dp_fdb_add_static(fdb, ut_key(20, MAC_E), 4), 0);
	assert_int_equal(dp_fdb_learn(fdb, ut_key(10, MAC_F), 3, 1), 0);
}

static int
setup(void **state)
{
	(void)state;
	ut_config(cfg_json, &cfg);
	snap = ut_snap(&cfg, 1, 0, ports);
	qsv = ut_reader_qsv();
	fdb_fill();
	return 0;
}

static struct dp_worker *
worker(void)
{
	struct dp_worker *w = ut_worker();

	w->fdb = fdb;
	return w;
}

/*
 * The slow path as the dispatcher runs it on one frame from @p in (flow cache insert when
 * @p fc). @return the output port, DP_NEXT_FLOOD or a drop code.
 */
static uint16_t
slow_one(struct dp_worker *w, const struct dp_snap *s, uint16_t in, struct rte_mbuf *m, bool fc)
{
	uint16_t next, r;

	if (dp_parse_burst(w, &s->port[in], &m, 1, &next) != 0)
		return next;
	if (dp_vlan_in_burst(w, &s->port[in], &m, 1, &next) != 0)
		return next;
	dp_l2_burst(w, s, in, &m, 1, &next);
	if (next >= VSW_MAX_PORTS)
		return next;
	if (fc)
		dp_fcache_insert(w, s, in, m, next);
	r = dp_vlan_out_one(&s->port[next], m);
	return r != DP_NEXT_CONT ? r : next;
}

/* One frame through the flow cache, then the slow path when it misses. */
static uint16_t
fc_one(struct dp_worker *w, const struct dp_snap *s, uint16_t in, struct rte_mbuf *m, bool *hit)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	uint64_t bytes;
	uint16_t next;

	vsw_meta(m)->in_port = UINT16_MAX;
	*hit = dp_fcache_burst(w, s, in, &m, 1, &next, &bytes) == 1;
	assert_int_equal(bytes, len);
	if (!*hit)
		assert_int_equal(vsw_meta(m)->in_port, in);
	return *hit ? next : slow_one(w, s, in, m, true);
}

/* An IPv4 frame of @p len bytes from @p src to @p dst, tagged with @p tci unless it is 0. */
static struct rte_mbuf *
frame(const char *dst, const char *src, uint16_t tci, uint32_t len)
{
	return ut_frame(dst, src, tci != 0, tci, 0x0800, len);
}

/* What expect() requires of the flow cache: a hit, a miss, or either. */
enum fc_want { FC_MISS = 0, FC_HIT = 1, FC_ANY = 2 };

/* Sends @p m from @p in through fc_one() and frees it: outcome @p want, answered as @p hit. */
static void
expect(struct dp_worker *w, const struct dp_snap *s, uint16_t in, struct rte_mbuf *m,
		uint16_t want, enum fc_want hit)
{
	bool h;

	assert_int_equal(fc_one(w, s, in, m, &h), want);
	if (hit != FC_ANY)
		assert_int_equal(h, hit == FC_HIT);
	ut_free(&m, 1);
}

/*
 * Asserts @p a and @p b leave the switch identically: the bytes, and the metadata too when
 * @p meta (a flow cache hit does not set it: nothing after the cache reads it).
 */
static void
assert_same_frame(const struct rte_mbuf *a, const struct rte_mbuf *b, bool meta)
{
	assert_int_equal(rte_pktmbuf_pkt_len(a), rte_pktmbuf_pkt_len(b));
	assert_int_equal(rte_pktmbuf_headroom(a), rte_pktmbuf_headroom(b));
	assert_memory_equal(rte_pktmbuf_mtod(a, void *), rte_pktmbuf_mtod(b, void *),
			rte_pktmbuf_data_len(a));
	if (!meta)
		return;
	assert_int_equal(a->vlan_tci, b->vlan_tci);
	assert_int_equal(a->l2_len, b->l2_len);
	assert_int_equal(a->packet_type, b->packet_type);
}

/* The only valid entry of @p w's flow cache (fails when there is not exactly one). */
static const struct dp_fcache_ent *
only_entry(const struct dp_worker *w)
{
	const struct dp_fcache_ent *e = NULL;
	uint32_t i, j, found = 0;

	for (i = 0; i < DP_FCACHE_SETS; i++)
		for (j = 0; j < DP_FCACHE_WAYS; j++)
			if (w->fcache[i][j].epoch != 0) {
				e = &w->fcache[i][j];
				found++;
			}
	assert_int_equal(found, 1);
	return e;
}

static void
worker_free(struct dp_worker *w)
{
	rte_ring_free(w->learn_ring);
	rte_free(w);
}

/*
 * Sends a frame twice through a fresh worker's cache: a miss that makes an entry with action
 * @p want_act, then a hit. Both give @p want_next and the bytes the slow path alone gives.
 */
static void
hit_after_miss(uint16_t in, const char *dst, const char *src, bool tagged, uint16_t tci,
		uint16_t want_next, uint8_t want_act)
{
	struct dp_worker *w = worker(), *ref = worker();
	struct rte_mbuf *m1 = ut_frame(dst, src, tagged, tci, 0x0800, 100);
	struct rte_mbuf *m2 = rte_pktmbuf_copy(m1, ut_pool, 0, UINT32_MAX);
	struct rte_mbuf *mr = rte_pktmbuf_copy(m1, ut_pool, 0, UINT32_MAX);
	bool hit;

	assert_int_equal(fc_one(w, snap, in, m1, &hit), want_next);
	assert_false(hit);
	assert_int_equal(w->fcache_misses, 1);
	assert_int_equal(only_entry(w)->act, want_act);
	assert_int_equal(fc_one(w, snap, in, m2, &hit), want_next);
	assert_true(hit);
	assert_int_equal(w->fcache_hits, 1);
	assert_int_equal(slow_one(ref, snap, in, mr, false), want_next);
	assert_same_frame(m1, mr, true);
	assert_same_frame(m2, mr, false);
	ut_free(&m1, 1);
	ut_free(&m2, 1);
	ut_free(&mr, 1);
	worker_free(w);
	worker_free(ref);
}

/* Each of the four rewrites, with the slow path's bytes. */
static void
test_fcache_actions(void **state)
{
	(void)state;
	hit_after_miss(0, MAC_B, MAC_A, false, 0, 1, DP_FC_NONE);      /* access -> access */
	hit_after_miss(2, MAC_A, MAC_C, true, 0xe00a, 0, DP_FC_STRIP);  /* trunk -> access */
	hit_after_miss(0, MAC_C, MAC_A, false, 0, 2, DP_FC_PUSH);       /* access -> trunk */
	hit_after_miss(2, MAC_F, MAC_C, true, 0x200a, 3, DP_FC_RETAG);  /* trunk -> trunk, PCP */
	hit_after_miss(2, MAC_D, MAC_E, false, 0, 3, DP_FC_PUSH);       /* native, static source */
	hit_after_miss(3, MAC_E, MAC_D, true, 20, 4, DP_FC_STRIP);      /* to a static MAC */
}

/* Frames that must not be answered by an entry, and frames that must not make one. */
static void
test_fcache_misses(void **state)
{
	struct dp_worker *w = worker();
	struct rte_mbuf *m;

	(void)state;
	/* Unknown destination (flood), unknown source (learns), multicast: no entry. */
	expect(w, snap, 0, frame(MAC_X, MAC_A, 0, 64), DP_NEXT_FLOOD, FC_ANY);
	expect(w, snap, 0, frame(MAC_B, MAC_X, 0, 64), 1, FC_ANY);
	expect(w, snap, 0, frame("01:00:5e:00:00:01", MAC_A, 0, 64), DP_NEXT_FLOOD, FC_ANY);
	/* Source seen on another port than its entry's: a move to learn, no entry. */
	expect(w, snap, 0, frame(MAC_C, MAC_B, 0, 64), 2, FC_ANY);
	/* Destination behind the ingress port: dropped. */
	expect(w, snap, 0, frame(MAC_A, MAC_B, 0, 64), dp_next_drop(DP_DROP_L2_SAME_PORT), FC_ANY);
	for (uint32_t i = 0; i < DP_FCACHE_SETS; i++)
		for (uint32_t j = 0; j < DP_FCACHE_WAYS; j++)
			assert_int_equal(w->fcache[i][j].epoch, 0);
	assert_int_equal(w->fcache_hits, 0);

	/* A cached flow (C on p2 to A); the same key from another port, too long, QinQ, a runt
	 * all miss. */
	expect(w, snap, 2, frame(MAC_A, MAC_C, 10, 64), 0, FC_MISS);
	expect(w, snap, 3, frame(MAC_A, MAC_C, 10, 64), 0, FC_MISS);
	expect(w, snap, 2, frame(MAC_A, MAC_C, 10, 1518), 0, FC_HIT);
	expect(w, snap, 2, frame(MAC_A, MAC_C, 10, 1519), dp_next_drop(DP_DROP_PARSE_OVERSIZE), FC_MISS);
	expect(w, snap, 2, ut_frame(MAC_A, MAC_C, true, 10, 0x88a8, 64),
			dp_next_drop(DP_DROP_PARSE_QINQ), FC_MISS);
	m = frame(MAC_A, MAC_C, 10, 64);
	expect(w, snap, 2, ut_raw(rte_pktmbuf_mtod(m, uint8_t *), 17),
			dp_next_drop(DP_DROP_PARSE_RUNT), FC_MISS);
	ut_free(&m, 1);
	worker_free(w);
}

/* A move or a deletion in the MAC table, or a new snapshot, retires every entry. */
static void
test_fcache_invalidation(void **state)
{
	struct dp_worker *w = worker();
	struct dp_snap *s2;

	(void)state;
	expect(w, snap, 0, frame(MAC_B, MAC_A, 0, 64), 1, FC_ANY);
	expect(w, snap, 0, frame(MAC_B, MAC_A, 0, 64), 1, FC_HIT);

	/* B moves to p2: the next frame misses and goes to p2, tagged. */
	assert_int_equal(dp_fdb_learn(fdb, ut_key(10, MAC_B), 2, 2), 0);
	expect(w, snap, 0, frame(MAC_B, MAC_A, 0, 64), 2, FC_MISS);
	expect(w, snap, 0, frame(MAC_B, MAC_A, 0, 64), 2, FC_HIT);

	/* B deleted: flooded, no hit. */
	assert_int_equal(dp_fdb_del(fdb, ut_key(10, MAC_B)), 0);
	rte_rcu_qsbr_quiescent(qsv, 0);
	expect(w, snap, 0, frame(MAC_B, MAC_A, 0, 64), DP_NEXT_FLOOD, FC_MISS);
	assert_int_equal(dp_fdb_learn(fdb, ut_key(10, MAC_B), 1, 3), 0);

	/* A new snapshot (here: p1 down) retires the entry A -> B made under the old one. */
	expect(w, snap, 0, frame(MAC_B, MAC_A, 0, 64), 1, FC_ANY);
	s2 = ut_snap(&cfg, 1, 0, ports);
	s2->gen = snap->gen + 1;
	s2->port[1].admin_up = 0;
	expect(w, s2, 0, frame(MAC_B, MAC_A, 0, 64), dp_next_drop(DP_DROP_L2_DST_DOWN), FC_MISS);
	snap_free(s2);

	/* A destination port that may not transmit (a vhost-user port without its guest):
	 * dropped at egress every time, never made an entry. */
	s2 = ut_snap(&cfg, 1, 0, ports);
	s2->gen = snap->gen + 2;
	s2->port[1].link_up = 0;
	expect(w, s2, 0, frame(MAC_B, MAC_A, 0, 64), dp_next_drop(DP_DROP_EGRESS_LINK_DOWN),
			FC_MISS);
	expect(w, s2, 0, frame(MAC_B, MAC_A, 0, 64), dp_next_drop(DP_DROP_EGRESS_LINK_DOWN),
			FC_MISS);
	snap_free(s2);
	worker_free(w);
}

/* A hit refreshes the source's last-seen once per refresh interval, as the slow path does. */
static void
test_fcache_refresh(void **state)
{
	struct dp_worker *w = worker();
	const struct dp_fdb_ent *ea;
	uint64_t key = ut_key(10, MAC_A);
	const void *kp = &key;
	uint64_t hits;
	int i;

	(void)state;
	dp_fdb_lookup_bulk(fdb, &kp, 1, &hits, (struct dp_fdb_ent **)&ea);
	assert_int_equal(hits, 1);
	for (i = 0; i < 3; i++)
		expect(w, snap, 0, frame(MAC_C, MAC_A, 0, 64), 2, FC_ANY);
	assert_int_equal(w->fcache_hits, 2);
	w->now += w->fdb_refresh / 2;
	expect(w, snap, 0, frame(MAC_C, MAC_A, 0, 64), 2, FC_HIT);
	assert_true(ea->seen < w->now);
	w->now += w->fdb_refresh;
	expect(w, snap, 0, frame(MAC_C, MAC_A, 0, 64), 2, FC_HIT);
	assert_int_equal(ea->seen, w->now);
	worker_free(w);
}

static const char *const macs[] = {
	MAC_A, MAC_B, MAC_C, MAC_D, MAC_E, MAC_F, MAC_X, "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01",
	"00:00:00:00:00:00",
};
static const uint16_t tcis[] = { 10, 20, 30, 0, 4095, 0xe00a, 0x3014 };
/* Where each of macs[0..5] lives: port, and the TCI it sends with (0: untagged). */
static const struct { uint16_t port, tci, vid; } homes[] = {
	{ 0, 0, 10 }, { 1, 0, 10 }, { 2, 10, 10 }, { 3, 20, 20 }, { 4, 0, 20 }, { 3, 10, 10 },
};
static const uint16_t etypes[] = { 0x0800, 0x0800, 0x0800, 0x86dd, 0x8100, 0x88a8 };
static const uint32_t lens[] = { 17, 18, 19, 60, 64, 1000, 1014, 1018, 1019, 1500, 1514, 1518,
	1519, 1522, 1600 };

/* One frame template: everything but its length. */
struct tmpl {
	uint16_t in;
	uint8_t dst, src, tagged, tci, etype;
};

/* A random frame of template @p t and a length from lens[]. */
static struct rte_mbuf *
tmpl_frame(const struct tmpl *t)
{
	uint32_t len = lens[rte_rand_max(RTE_DIM(lens))];
	struct rte_mbuf *m = ut_frame(macs[t->dst], macs[t->src], t->tagged, tcis[t->tci],
			etypes[t->etype], RTE_MAX(len, 18u));

	if (len < rte_pktmbuf_data_len(m))
		rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_data_len(m) - len));
	return m;
}

/*
 * Differential: bursts of random frames through the flow cache (and the slow path for its
 * misses) give the same next[] and bytes as the slow path alone, while the MAC table and the
 * snapshot change under them.
 */
static void
test_fcache_differential(void **state)
{
	struct dp_worker *w = worker(), *ref = worker();
	struct rte_mbuf *a[UT_MAX_BURST], *b[UT_MAX_BURST];
	uint16_t na[UT_MAX_BURST], nb;
	uint64_t bytes, sum;
	struct tmpl t[300];
	struct dp_snap *s = snap, *s2 = NULL;
	uint32_t round, i, k, total = 0;
	uint16_t n;

	(void)state;
	rte_srand(0x5eed);
	for (i = 0; i < RTE_DIM(t); i++) {
		t[i].in = (uint16_t)rte_rand_max(N_PORTS);
		t[i].dst = (uint8_t)rte_rand_max(RTE_DIM(macs));
		t[i].src = (uint8_t)rte_rand_max(RTE_DIM(homes) + 1);
		t[i].tagged = (uint8_t)rte_rand_max(2);
		t[i].tci = (uint8_t)rte_rand_max(RTE_DIM(tcis));
		t[i].etype = (uint8_t)rte_rand_max(RTE_DIM(etypes));
		/* Two in three: a known source at home, as it sends (cacheable when the
		 * destination is known too); the others anything at all. */
		if (t[i].src < RTE_DIM(homes) && rte_rand_max(3) != 0) {
			t[i].in = homes[t[i].src].port;
			t[i].tagged = homes[t[i].src].tci != 0;
			t[i].tci = homes[t[i].src].tci == 10 ? 0 : 1;
			t[i].etype = 0;
			do
				t[i].dst = (uint8_t)rte_rand_max(RTE_DIM(homes));
			while (homes[t[i].dst].vid != homes[t[i].src].vid);
		}
	}
	for (round = 0; round < 600; round++) {
		n = ut_sizes[round % UT_N_SIZES];
		if (round == 200) /* a MAC moves */
			assert_int_equal(dp_fdb_learn(fdb, ut_key(10, MAC_C), 3, 5), 0);
		if (round == 300) { /* a MAC is removed */
			assert_int_equal(dp_fdb_del(fdb, ut_key(20, MAC_D)), 0);
			rte_rcu_qsbr_quiescent(qsv, 0);
		}
		if (round == 400) { /* a new snapshot: p0 takes MTU 1000, p3 goes down */
			s2 = ut_snap(&cfg, 1, 0, ports);
			s2->gen = snap->gen + 7;
			s2->port[0].mtu = 1000;
			s2->port[3].admin_up = 0;
			s = s2;
		}
		/* One input port per burst, as the dispatcher gets them. */
		k = (uint32_t)rte_rand_max(N_PORTS);
		for (i = 0; i < n; i++) {
			const struct tmpl *tp;

			do
				tp = &t[rte_rand_max(RTE_DIM(t))];
			while (tp->in != k);
			a[i] = tmpl_frame(tp);
			b[i] = rte_pktmbuf_copy(a[i], ut_pool, 0, UINT32_MAX);
			assert_non_null(b[i]);
		}
		for (i = 0, sum = 0; i < n; i++)
			sum += rte_pktmbuf_pkt_len(a[i]);
		dp_fcache_burst(w, s, (uint16_t)k, a, n, na, &bytes);
		assert_int_equal(bytes, sum);
		for (i = 0; i < n; i++) {
			bool missed = na[i] == DP_NEXT_CONT;

			if (missed)
				na[i] = slow_one(w, s, (uint16_t)k, a[i], true);
			nb = slow_one(ref, s, (uint16_t)k, b[i], false);
			assert_int_equal(na[i], nb);
			if (nb < VSW_MAX_PORTS)
				assert_same_frame(a[i], b[i], missed);
		}
		ut_free(a, n);
		ut_free(b, n);
		total += n;
		/* The learn events go nowhere: drain them so the rings never fill. */
		rte_ring_reset(w->learn_ring);
		rte_ring_reset(ref->learn_ring);
	}
	print_message("%u frames, %" PRIu64 " hits, %" PRIu64 " misses\n", total, w->fcache_hits,
			w->fcache_misses);
	assert_int_equal(w->fcache_hits + w->fcache_misses, total);
	/* Most templates are cacheable, but moves, deletions and MTUs retire some. */
	assert_true(w->fcache_hits > total / 10);
	snap_free(s2);
	assert_int_equal(dp_fdb_learn(fdb, ut_key(10, MAC_C), 2, 6), 0);
	assert_int_equal(dp_fdb_learn(fdb, ut_key(20, MAC_D), 3, 6), 0);
	worker_free(w);
	worker_free(ref);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fcache_actions),
		cmocka_unit_test(test_fcache_misses),
		cmocka_unit_test(test_fcache_invalidation),
		cmocka_unit_test(test_fcache_refresh),
		cmocka_unit_test(test_fcache_differential),
	};

	ut_eal_init("fcache");
	return cmocka_run_group_tests(tests, setup, NULL);
}
