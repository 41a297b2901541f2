/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The real graph (every node, the flow cache, floods, policy arcs, mirroring) on crafted
 * frames through ut_pipe: what each output would send, and every drop counted.
 */
#include <stdlib.h>

#include <rte_random.h>

#include <rte_ring.h>

#include "ut_pipe.h"
#include "vsw_meta.h"
#include "vsw_node.h"
#include "vsw_walk.h"

#define PORTS_JSON(fc) "{\"switch\": {\"flow_cache\": " fc "}, \"ports\": [" \
	"{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"net_null0\", " \
	" \"vlan\": {\"mode\": \"access\", \"vlan\": 10}}," \
	"{\"name\": \"b\", \"type\": \"dpdk\", \"devargs\": \"net_null1\", " \
	" \"vlan\": {\"mode\": \"access\", \"vlan\": 10}}," \
	"{\"name\": \"t\", \"type\": \"dpdk\", \"devargs\": \"net_null2\", " \
	" \"vlan\": {\"mode\": \"trunk\", \"allowed\": [10, 20], \"native\": 20}}," \
	"{\"name\": \"c\", \"type\": \"dpdk\", \"devargs\": \"net_null3\", " \
	" \"vlan\": {\"mode\": \"access\", \"vlan\": 20}}," \
	"{\"name\": \"m\", \"type\": \"dpdk\", \"devargs\": \"net_null4\", \"mirror\": \"destination\"" \
	"}]}"
enum { A, B, T, C, M };

/* Captured references to @p port in @p p. */
static uint32_t
count_to(const struct ut_pipe *p, uint16_t port)
{
	uint32_t i, n = 0;

	for (i = 0; i < p->cap.n; i++)
		n += p->cap.ent[i].port == port;
	return n;
}

/* @p n frames from @p src to @p dst, untagged, 64 bytes, payload tagged with their index. */
static void
frames(struct rte_mbuf **pkts, uint16_t n, const char *dst, const char *src)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		pkts[i] = ut_frame(dst, src, false, 0, 0x0800, 64);
		rte_pktmbuf_mtod(pkts[i], uint8_t *)[40] = (uint8_t)i;
	}
}

static void
test_flood_learn_unicast(void **state)
{
	struct rte_mbuf *pkts[UT_MAX_BURST];
	int fc, k;

	for (fc = 0; fc < 2; fc++) {
		for (k = 0; k < UT_N_SIZES; k++) {
			struct ut_pipe *p = ut_pipe_new(fc ? PORTS_JSON("true") : PORTS_JSON("false"));
			uint16_t n = ut_sizes[k], i;

			/* Unknown destination: flooded in VLAN 10 to b untagged, t tagged. */
			frames(pkts, n, "02:00:00:00:00:0b", "02:00:00:00:00:0a");
			assert_int_equal(ut_pipe_run(p, A, pkts, n, false), 2u * n);
			assert_int_equal(count_to(p, B), n);
			assert_int_equal(count_to(p, T), n);
			for (i = 0; i < p->cap.n; i++) {
				struct rte_mbuf *m = p->cap.ent[i].m;
				const uint8_t *h = rte_pktmbuf_mtod(m, const uint8_t *);

				if (p->cap.ent[i].port == T) {
					assert_int_equal(rte_pktmbuf_pkt_len(m), 68);
					assert_int_equal(h[12] << 8 | h[13], 0x8100);
					assert_int_equal((h[14] << 8 | h[15]) & 0xfff, 10);
				} else {
					assert_int_equal(rte_pktmbuf_pkt_len(m), 64);
					assert_int_equal(h[12] << 8 | h[13], 0x0800);
				}
			}
			ut_pipe_clear(p);
			/* The answer goes to a only: 0a was learned on a. */
			frames(pkts, n, "02:00:00:00:00:0a", "02:00:00:00:00:0b");
			assert_int_equal(ut_pipe_run(p, B, pkts, n, false), n);
			assert_int_equal(count_to(p, A), n);
			for (i = 0; i < n; i++)
				assert_int_equal(rte_pktmbuf_mtod(p->cap.ent[i].m, uint8_t *)[40], i);
			ut_pipe_clear(p);
			/* Both known now: unicast to b, from the flow cache when it is on. */
			frames(pkts, n, "02:00:00:00:00:0b", "02:00:00:00:00:0a");
			assert_int_equal(ut_pipe_run(p, A, pkts, n, false), n);
			assert_int_equal(count_to(p, B), n);
			frames(pkts, n, "02:00:00:00:00:0b", "02:00:00:00:00:0a");
			assert_int_equal(ut_pipe_run(p, A, pkts, n, false), n);
			if (fc)
				assert_true(p->w->fcache_hits >= n);
			else
				assert_int_equal(p->w->fcache_hits, 0);
			assert_int_equal(ut_pipe_drops(p), 0);
			ut_pipe_free(p);
		}
	}
}

static void
test_drops_named(void **state)
{
	struct ut_pipe *p = ut_pipe_new(PORTS_JSON("true"));
	struct rte_mbuf *pkts[5];
	static const uint8_t runt[10] = { 1 };

	pkts[0] = ut_raw(runt, sizeof(runt));
	pkts[1] = ut_frame("02:00:00:00:00:0b", "02:00:00:00:00:0a", true, 10, 0x0800, 64);
	pkts[2] = ut_frame("02:00:00:00:00:0b", "01:00:00:00:00:0a", false, 0, 0x0800, 64);
	pkts[3] = ut_frame("02:00:00:00:00:0b", "00:00:00:00:00:00", false, 0, 0x0800, 64);
	pkts[4] = ut_frame("02:00:00:00:00:0b", "02:00:00:00:00:0a", true, 30, 0x0800, 64);
	assert_int_equal(ut_pipe_run(p, A, pkts, 4, false), 0);
	assert_int_equal(p->w->drops[DP_DROP_PARSE_RUNT], 1);
	assert_int_equal(p->w->drops[DP_DROP_VLAN_TAGGED_ON_ACCESS], 1);
	assert_int_equal(p->w->drops[DP_DROP_PARSE_SRC_MCAST], 1);
	assert_int_equal(p->w->drops[DP_DROP_PARSE_SRC_ZERO], 1);
	assert_int_equal(p->w->port[A].rx_drops, 4);
	/* VLAN 30 is not allowed on the trunk. */
	assert_int_equal(ut_pipe_run(p, T, &pkts[4], 1, false), 0);
	assert_int_equal(p->w->drops[DP_DROP_VLAN_NOT_ALLOWED], 1);
	assert_int_equal(ut_pipe_drops(p), 5);
	ut_pipe_free(p);
}

static void
test_trunk_native_and_mirror(void **state)
{
	static const char *json = "{\"ports\": ["
		"{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"net_null0\", \"mirror\": \"source\"},"
		"{\"name\": \"b\", \"type\": \"dpdk\", \"devargs\": \"net_null1\"},"
		"{\"name\": \"m\", \"type\": \"dpdk\", \"devargs\": \"net_null2\", \"mirror\": \"destination\"}"
		"]}";
	struct ut_pipe *p = ut_pipe_new(json);
	struct rte_mbuf *pkts[3];

	/* Received on the mirror source: copied as received, and flooded to b and m (a mirror
	 * destination is a member of its VLAN like any port). */
	frames(pkts, 3, "02:00:00:00:00:0b", "02:00:00:00:00:0a");
	assert_int_equal(ut_pipe_run(p, 0, pkts, 3, false), 9);
	assert_int_equal(count_to(p, 1), 3);
	assert_int_equal(count_to(p, 2), 6);
	assert_int_equal(p->w->mirror_copies, 3);
	ut_pipe_clear(p);
	/* Sent by the mirror source: copied as sent. */
	frames(pkts, 3, "02:00:00:00:00:0a", "02:00:00:00:00:0b");
	assert_int_equal(ut_pipe_run(p, 1, pkts, 3, false), 6);
	assert_int_equal(count_to(p, 0), 3);
	assert_int_equal(count_to(p, 2), 3);
	ut_pipe_free(p);
}

/*
 * The egress arc per port: "in" rules only on the port that has them, private VLAN checks
 * only on isolated ports, the tag on trunks; a flood gives the trunks private copies and
 * the other destinations the frame itself or clones sharing its data.
 */
static void
test_egress_arc(void **state)
{
	static const char *json = "{\"ports\": ["
		"{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"net_null0\"},"
		"{\"name\": \"b\", \"type\": \"dpdk\", \"devargs\": \"net_null1\"},"
		"{\"name\": \"t1\", \"type\": \"dpdk\", \"devargs\": \"net_null2\", "
		" \"vlan\": {\"mode\": \"trunk\", \"allowed\": [1]}},"
		"{\"name\": \"t2\", \"type\": \"dpdk\", \"devargs\": \"net_null3\", "
		" \"vlan\": {\"mode\": \"trunk\", \"allowed\": [1]}},"
		"{\"name\": \"i1\", \"type\": \"dpdk\", \"devargs\": \"net_null4\", "
		" \"pvlan\": {\"mode\": \"isolated\", \"secondary\": 201}},"
		"{\"name\": \"i2\", \"type\": \"dpdk\", \"devargs\": \"net_null5\", "
		" \"pvlan\": {\"mode\": \"isolated\", \"secondary\": 201}}],"
		"\"acl\": [{\"port\": \"b\", \"direction\": \"in\", \"action\": \"deny\", "
		" \"remote_mac\": \"02:00:00:00:00:0a\"}]}";
	enum { PA, PB, T1, T2, I1, I2 };
	struct ut_pipe *p = ut_pipe_new(json);
	unsigned int in_use = rte_mempool_in_use_count(ut_pool);
	const struct rte_mbuf *shared[2];
	struct rte_mbuf *m;
	uint32_t i, ns = 0;

	/* Only b's egress arc has more than the tag node; only the trunks write. */
	for (i = 0; i < 6; i++)
		assert_int_equal(p->s->port[i].out_writes, i == T1 || i == T2);
	assert_int_not_equal(p->s->port[PB].out_first, p->s->port[PA].out_first);
	assert_int_equal(p->s->port[I1].out_first, p->s->port[I2].out_first);
	assert_int_not_equal(p->s->port[I1].out_first, p->s->port[PA].out_first);

	/* A broadcast from a: b's rule denies it there only; t1, t2 tagged, i1, i2 plain. */
	m = ut_frame("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0a", false, 0, 0x0806, 64);
	assert_int_equal(ut_pipe_run(p, PA, &m, 1, false), 4);
	assert_int_equal(count_to(p, PB), 0);
	assert_int_equal(p->w->drops[DP_DROP_ACL_DENY_IN], 1);
	assert_int_equal(p->w->port[PB].tx_drops, 1);
	for (i = 0; i < p->cap.n; i++) {
		const struct rte_mbuf *c = p->cap.ent[i].m;
		uint16_t port = p->cap.ent[i].port;

		if (port == T1 || port == T2) {
			/* A private copy, tagged in place. */
			assert_true(RTE_MBUF_DIRECT(c));
			assert_int_equal(rte_mbuf_refcnt_read(c), 1);
			assert_int_equal(rte_pktmbuf_pkt_len(c), 68);
			assert_int_equal(rte_pktmbuf_mtod(c, const uint8_t *)[12], 0x81);
		} else {
			assert_true(port == I1 || port == I2);
			assert_int_equal(rte_pktmbuf_pkt_len(c), 64);
			shared[ns++] = c;
		}
	}
	/* i1 and i2 share the frame's buffer: clones of it. */
	assert_int_equal(ns, 2);
	assert_ptr_equal(rte_pktmbuf_mtod(shared[0], const void *),
			rte_pktmbuf_mtod(shared[1], const void *));
	/* (b, first in the list, took the frame itself and dropped it.) */
	assert_true(RTE_MBUF_CLONED(shared[0]) && RTE_MBUF_CLONED(shared[1]));
	ut_pipe_clear(p);

	/* A broadcast from isolated i1: not to isolated i2 (counted there), to the others. */
	m = ut_frame("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0c", false, 0, 0x0806, 64);
	assert_int_equal(ut_pipe_run(p, I1, &m, 1, false), 4);
	assert_int_equal(count_to(p, I2), 0);
	assert_int_equal(count_to(p, PB), 1);
	assert_int_equal(p->w->drops[DP_DROP_EGRESS_PVLAN], 1);
	assert_int_equal(p->w->port[I2].tx_drops, 1);
	ut_pipe_clear(p);
	assert_int_equal(ut_pipe_drops(p), 2);
	/* Every copy and clone went back to the pool. */
	assert_int_equal(rte_mempool_in_use_count(ut_pool), in_use);
	ut_pipe_free(p);
}

/*
 * --- the stolen edge: a test node on the egress arc that keeps frames, as a crypto node
 * will until its device returns them, and a source node that moves them on later --------
 */
static struct rte_ring *steal_ring;  /* what vsw_ut_steal keeps */
static uint64_t steal_ports;         /* bit p: vsw_ut_steal is on port p's egress arc */
static bool resume_go;               /* vsw_ut_resume moves the kept frames on */
static uint8_t steal_arc;            /* arc index of vsw_ut_steal */

static bool
ut_steal_enabled(const struct dp_snap *s, uint16_t port)
{
	RTE_SET_USED(s);
	return (steal_ports >> port) & 1;
}

static uint16_t
ut_steal_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb)
{
	RTE_SET_USED(graph);
	steal_arc = vsw_node_ctx(node)->arc;
	/* Enqueued on no edge: the node answers for them now. */
	if (rte_ring_enqueue_burst(steal_ring, objs, nb, NULL) != nb)
		abort();
	return nb;
}

static struct rte_node_register ut_steal_node = {
	.name = "vsw_ut_steal",
	.process = ut_steal_process,
	.init = vsw_node_init_ctx,
	.nb_edges = 2,
	.next_nodes = { "vsw_drop", "vsw_drop" },
};
VSW_OUT_NODE_REGISTER(ut_steal_node, 60, ut_steal_enabled, NULL, VSW_CACHE_NEVER)

static uint16_t
ut_resume_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb)
{
	struct dp_worker *w = vsw_node_worker(node);
	struct rte_mbuf *m[32];
	unsigned int n, i;

	RTE_SET_USED(objs);
	RTE_SET_USED(nb);
	if (!resume_go || steal_ring == NULL)
		return 0;
	n = rte_ring_dequeue_burst(steal_ring, (void **)m, RTE_DIM(m), NULL);
	vsw_resumed(w, m, (uint16_t)n);
	for (i = 0; i < n; i++) {
		uint16_t out = vsw_meta_c(m[i])->out_port;

		rte_node_enqueue_x1(graph, node,
				vsw_code_edge(w->snap->port[out].out_next[steal_arc]), m[i]);
	}
	return (uint16_t)n;
}

static struct rte_node_register ut_resume_node = {
	.name = "vsw_ut_resume",
	.flags = RTE_NODE_SOURCE_F,
	.process = ut_resume_process,
	.init = vsw_node_init_ctx,
	.nb_edges = 2,
	.next_nodes = { "vsw_drop", "vsw_drop" },
};
VSW_NODE_REGISTER(ut_resume_node, true)

/* True when the trace ring of @p p holds a record of node @p name with next @p next. */
static bool
traced_at(struct ut_pipe *p, const char *name, uint16_t next)
{
	struct vsw_trace_rec r;
	bool found = false;

	while (rte_ring_dequeue_elem(p->w->trace_ring, &r, sizeof(r)) == 0)
		found |= r.node == rte_node_from_name(name) && (next == 0 || r.next == next);
	return found;
}

static void
test_stolen_and_resumed(void **state)
{
	struct rte_mbuf *pkts[16];
	struct ut_pipe *p;
	uint32_t i;

	steal_ring = rte_ring_create("ut_steal", 64, SOCKET_ID_ANY, 0);
	assert_non_null(steal_ring);
	steal_ports = 1u << B;
	p = ut_pipe_new(PORTS_JSON("true"));
	/* A flood from a: t sends at once, b's copies are kept, nothing is counted lost. */
	frames(pkts, 16, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0a");
	assert_int_equal(ut_pipe_run(p, A, pkts, 16, true), 16);
	assert_int_equal(count_to(p, T), 16);
	assert_int_equal(rte_ring_count(steal_ring), 16);
	assert_int_equal(ut_pipe_drops(p), 0);
	assert_true(traced_at(p, "vsw_ut_steal", VSW_TRACE_GONE));
	ut_pipe_clear(p);
	/* Later, the source node moves them on along b's arc (the tag node, the output), in
	 * order, still traced. */
	resume_go = true;
	p->w->snap = p->s;
	vsw_graph_walk(p->w);
	assert_int_equal(rte_ring_count(steal_ring), 0);
	assert_int_equal(count_to(p, B), 16);
	for (i = 0; i < 16; i++) {
		assert_int_equal(p->cap.ent[i].port, B);
		assert_int_equal(rte_pktmbuf_mtod(p->cap.ent[i].m, uint8_t *)[40], i);
		assert_int_equal(rte_pktmbuf_pkt_len(p->cap.ent[i].m), 64);
	}
	assert_true(traced_at(p, "vsw_vlan_out", 0));
	ut_pipe_clear(p);
	resume_go = false;
	/* A node registered VSW_CACHE_NEVER keeps its port's flows out of the flow cache:
	 * unicast to b, learned, is kept every time, never a cache hit. */
	frames(pkts, 1, "02:00:00:00:00:0a", "02:00:00:00:00:0b");
	assert_int_equal(ut_pipe_run(p, B, pkts, 1, false), 1);
	for (i = 0; i < 3; i++) {
		frames(pkts, 4, "02:00:00:00:00:0b", "02:00:00:00:00:0a");
		assert_int_equal(ut_pipe_run(p, A, pkts, 4, false), 0);
		assert_int_equal(rte_ring_count(steal_ring), 4 * (i + 1));
	}
	assert_true(p->s->port[B].out_nocache && !p->s->port[A].out_nocache);
	assert_int_equal(p->w->fcache_hits, 0);
	/* A flow to a is cached as usual. */
	for (i = 0; i < 2; i++) {
		frames(pkts, 4, "02:00:00:00:00:0a", "02:00:00:00:00:0b");
		assert_int_equal(ut_pipe_run(p, B, pkts, 4, false), 4);
	}
	assert_int_equal(p->w->fcache_hits, 4);
	while (rte_ring_dequeue(steal_ring, (void **)&pkts[0]) == 0)
		rte_pktmbuf_free(pkts[0]);
	steal_ports = 0;
	ut_pipe_free(p);
	rte_ring_free(steal_ring);
	steal_ring = NULL;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * (port, bytes) of every capture of @p p, as one digest per reference, sorted: hits leave the
 * flow cache node before the misses of their burst, so only the order within a flow (which
 * is all hits or all misses in one burst) is the same.
 */
static void
digest(const struct ut_pipe *p, uint64_t *d)
{
	uint32_t i, j;

	for (i = 0; i < p->cap.n; i++) {
		const struct rte_mbuf *m = p->cap.ent[i].m;
		const uint8_t *h = rte_pktmbuf_mtod(m, const uint8_t *);
		uint64_t x = (uint64_t)p->cap.ent[i].port << 48 | rte_pktmbuf_pkt_len(m);

		for (j = 0; j < rte_pktmbuf_data_len(m); j++)
			x = x * 1099511628211ULL ^ h[j];
		d[i] = x;
	}
	qsort(d, p->cap.n, sizeof(d[0]), u64_cmp);
}

static void
test_cache_matches_slow_path(void **state)
{
	static const char *macs[] = { "02:00:00:00:00:01", "02:00:00:00:00:02",
		"02:00:00:00:00:03", "02:00:00:00:00:04", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01" };
	struct ut_pipe *on = ut_pipe_new(PORTS_JSON("true"));
	struct ut_pipe *off = ut_pipe_new(PORTS_JSON("false"));
	struct rte_mbuf *a[32], *b[32];
	uint64_t da[UT_PIPE_CAP], db[UT_PIPE_CAP];
	int round, i;

	rte_srand(7);
	for (round = 0; round < 200; round++) {
		uint16_t in = (uint16_t)(rte_rand() % 4), n = (uint16_t)(1 + rte_rand() % 32);

		for (i = 0; i < n; i++) {
			uint64_t r = rte_rand();
			bool tagged = (r >> 8) & 1;
			uint16_t vid = (r >> 9) & 1 ? 10 : 20;

			a[i] = ut_frame(macs[r % 6], macs[(r >> 3) % 4], tagged, vid, 0x0800,
					(uint32_t)(60 + (r >> 16) % 1400));
			b[i] = rte_pktmbuf_copy(a[i], ut_pool, 0, UINT32_MAX);
			assert_non_null(b[i]);
		}
		ut_pipe_run(on, in, a, n, false);
		ut_pipe_run(off, in, b, n, false);
		assert_int_equal(on->cap.n, off->cap.n);
		digest(on, da);
		digest(off, db);
		assert_memory_equal(da, db, on->cap.n * sizeof(da[0]));
		ut_pipe_clear(on);
		ut_pipe_clear(off);
	}
	assert_true(on->w->fcache_hits > 0);
	for (i = 0; i < DP_DROP_MAX; i++)
		assert_int_equal(on->w->drops[i], off->w->drops[i]);
	ut_pipe_free(on);
	ut_pipe_free(off);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flood_learn_unicast),
		cmocka_unit_test(test_drops_named),
		cmocka_unit_test(test_trunk_native_and_mirror),
		cmocka_unit_test(test_egress_arc),
		cmocka_unit_test(test_stolen_and_resumed),
		cmocka_unit_test(test_cache_matches_slow_path),
	};

	ut_eal_init("pipeline");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
