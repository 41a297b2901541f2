/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the egress scheduler (qos_sched.h) on a simulated clock: sources offer frames
 * at a rate (or keep their queue full), the port is drained every 10 us, and what each pipe
 * and class got over the run is compared with its weights, minimums, maximums and classes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qos_sched.h"
#include "ut.h"

/* The simulated TSC: 1 GHz. */
#define HZ 1000000000ull
/* Time step of the simulation (ticks): 10 us. */
#define STEP 10000ull

/* One traffic source. */
struct src {
	uint16_t pipe;     /* its pipe */
	uint8_t cls;       /* its class */
	uint16_t len;      /* frame length */
	uint64_t bps;      /* offered bits/s, 0: keeps its queue full */
	uint64_t credit;   /* bits offered and not yet queued (x HZ) */
	uint64_t got;      /* bytes the scheduler sent of it */
	uint64_t sent;     /* frames queued */
	uint64_t refused;  /* frames refused (queue full) */
};

/* Frames in flight: queued frames are freed when they come out. */
static uint64_t out_frames;

static struct rte_mbuf *
frame(uint16_t len, uint16_t tag)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ut_pool);

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, len));
	/* Which source: in the first bytes. */
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), &tag, sizeof(tag));
	return m;
}

/*
 * Runs sources @p src (@p n) through @p s under @p par from @p t0 for @p dur ticks; what each
 * got is added to src[].got. @return the time at the end.
 */
static uint64_t
sim(struct qos_sched *s, const struct qos_par *par, struct src *src, uint32_t n, uint64_t t0,
		uint64_t dur)
{
	struct rte_mbuf *out[256];
	uint64_t t;
	uint16_t k, i, tag;
	uint32_t j;

	for (t = t0; t < t0 + dur; t += STEP) {
		for (j = 0; j < n; j++) {
			struct src *x = &src[j];
			uint32_t want;

			if (x->bps == 0) {
				want = s->qsize - s->q[x->cls][x->pipe].n;
			} else {
				x->credit += x->bps * STEP;
				want = (uint32_t)(x->credit / ((uint64_t)x->len * 8 * HZ));
				x->credit -= (uint64_t)want * x->len * 8 * HZ;
			}
			while (want-- > 0) {
				struct rte_mbuf *m = frame(x->len, (uint16_t)j);

				if (qos_enqueue(s, m, x->pipe, x->cls)) {
					x->sent++;
				} else {
					x->refused++;
					rte_pktmbuf_free(m);
				}
			}
		}
		do {
			k = qos_dequeue(s, par, t, out, RTE_DIM(out));
			for (i = 0; i < k; i++) {
				memcpy(&tag, rte_pktmbuf_mtod(out[i], uint8_t *), sizeof(tag));
				assert_true(tag < n);
				src[tag].got += rte_pktmbuf_pkt_len(out[i]);
				rte_pktmbuf_free(out[i]);
				out_frames++;
			}
		} while (k == RTE_DIM(out));
	}
	return t;
}

/* A port of @p bps with one ETS class, every pipe of quantum from weight 1, none default. */
static void
par_init(struct qos_par *par, uint64_t bps)
{
	uint32_t p;

	memset(par, 0, sizeof(*par));
	par->rate = qos_rate_of(bps, 16384, HZ);
	par->n_classes = 1;
	par->class_quantum[0] = QOS_QUANTUM_MIN;
	for (p = 0; p < QOS_PIPES; p++)
		par->pipe[p].quantum = QOS_QUANTUM_MIN;
	par->default_quantum = QOS_QUANTUM_MIN;
}

/* Sets the quanta of pipes @p pipes (@p n) and the default flow (@p dw, last) from weights. */
static void
par_weights(struct qos_par *par, const uint16_t *pipes, const uint64_t *w, uint32_t n,
		uint64_t dw)
{
	uint64_t all[QOS_PIPES + 1];
	uint32_t q[QOS_PIPES + 1], i;

	memcpy(all, w, n * sizeof(w[0]));
	all[n] = dw;
	qos_quanta(all, n + 1, q);
	for (i = 0; i < n; i++)
		par->pipe[pipes[i]].quantum = q[i];
	par->default_quantum = q[n];
}

/* Sets pipe @p p in the default flow. */
static void
par_default(struct qos_par *par, uint16_t p)
{
	par->in_default[p >> 6] |= UINT64_C(1) << (p & 63);
}

/* Total bytes the sources got. */
static uint64_t
total(const struct src *src, uint32_t n)
{
	uint64_t t = 0;
	uint32_t j;

	for (j = 0; j < n; j++)
		t += src[j].got;
	return t;
}

/* Asserts that @p got / @p tot is within 5 % (relative) of @p share. */
static void
assert_share(uint64_t got, uint64_t tot, double share)
{
	double r = (double)got / (double)tot;

	if (getenv("UT_VERBOSE") != NULL)
		print_message("share %.4f (expected %.4f)\n", r, share);
	if (r < share * 0.95 || r > share * 1.05)
		fail_msg("share %.4f, expected %.4f +- 5%%", r, share);
}

static struct qos_sched *
mk(void)
{
	struct qos_sched *s = qos_sched_create(0, 64, 256, SOCKET_ID_ANY);

	assert_non_null(s);
	return s;
}

/* Every frame queued came out or is still held: nothing lost. */
static void
assert_conserved(struct qos_sched *s, const struct src *src, uint32_t n, uint64_t out0)
{
	uint64_t in = 0;
	uint32_t j;

	for (j = 0; j < n; j++)
		in += src[j].sent;
	assert_int_equal(in, out_frames - out0 + s->backlog);
}

/* Weight mode: three VMs of weights 10, 20, 60 and a default flow of weight 10 holding two
 * VMs, all saturating a 1 Gbit/s port: 10/20/60/5/5 %, and the port's rate. */
static void
test_weights(void **state)
{
	static const uint16_t pipes[] = { 1, 2, 3 };
	static const uint64_t w[] = { 10, 20, 60 };
	struct src src[] = {
		{ .pipe = 1, .len = 1000 }, { .pipe = 2, .len = 1000 }, { .pipe = 3, .len = 1000 },
		{ .pipe = 4, .len = 1000 }, { .pipe = 5, .len = 1500 },
	};
	uint64_t out0 = out_frames, tot;
	struct qos_sched *s = mk();
	uint32_t held;
	struct qos_par par;

	(void)state;
	par_init(&par, 1000000000ull);
	par_weights(&par, pipes, w, 3, 10);
	par_default(&par, 4);
	par_default(&par, 5);
	sim(s, &par, src, RTE_DIM(src), 0, HZ / 5);
	tot = total(src, RTE_DIM(src));
	assert_share(src[0].got, tot, 0.10);
	assert_share(src[1].got, tot, 0.20);
	assert_share(src[2].got, tot, 0.60);
	/* Inside the default flow: equal bytes, whatever the frame sizes. */
	assert_share(src[3].got, tot, 0.05);
	assert_share(src[4].got, tot, 0.05);
	/* The port's rate: 1 Gbit/s over 0.2 s, frames plus 0 overhead, within 1 %. */
	assert_true(tot * 8 > 0.99 * 200000000.0 && tot * 8 < 1.01 * 200000000.0);
	assert_conserved(s, src, RTE_DIM(src), out0);
	held = s->backlog;
	assert_int_equal(qos_sched_flush(s, true), held);
}

/* Absolute mode: VM 1 has a minimum of 30 % of a 1 Gbit/s port, five VMs of the default flow
 * (10 %) saturate it with it: VM 1 gets at least its 30 %, the five share the rest equally. */
static void
test_absolute(void **state)
{
	static const uint16_t pipes[] = { 1 };
	static const uint64_t w[] = { 300000000 };
	struct src src[6];
	uint64_t tot;
	struct qos_sched *s = mk();
	struct qos_par par;
	uint32_t j;

	(void)state;
	memset(src, 0, sizeof(src));
	par_init(&par, 1000000000ull);
	par_weights(&par, pipes, w, 1, 100000000);
	for (j = 0; j < 6; j++) {
		src[j].pipe = (uint16_t)(j + 1);
		src[j].len = 1400;
		if (j > 0)
			par_default(&par, (uint16_t)(j + 1));
	}
	sim(s, &par, src, 6, 0, HZ / 5);
	tot = total(src, 6);
	/* Its minimum, and what is left in proportion to the minimums: 30 / (30 + 10). */
	assert_true((double)src[0].got / tot >= 0.30);
	assert_share(src[0].got, tot, 0.75);
	for (j = 1; j < 6; j++)
		assert_share(src[j].got, tot, 0.05);
	qos_sched_flush(s, true);
}

/* A maximum: alone on a 10 Gbit/s port a VM capped at 1 Gbit/s gets 1 Gbit/s within 2 %;
 * with a saturating neighbour it still gets its cap (its weight would give it more), the
 * neighbour the rest. */
static void
test_max(void **state)
{
	struct src src[] = { { .pipe = 7, .len = 1500 }, { .pipe = 8, .len = 1500 } };
	struct qos_sched *s = mk();
	struct qos_par par;
	double r;

	(void)state;
	par_init(&par, 10000000000ull);
	par.pipe[7].max = qos_rate_of(1000000000ull, 16384, HZ);
	par.pipe[7].quantum = 100 * QOS_QUANTUM_MIN;
	sim(s, &par, src, 1, 0, HZ / 5);
	r = (double)src[0].got * 8 * 5;
	if (getenv("UT_VERBOSE") != NULL)
		print_message("alone: %.0f bit/s\n", r);
	assert_true(r > 0.98e9 && r < 1.02e9);
	src[0].got = 0;
	sim(s, &par, src, 2, HZ / 5, HZ / 5);
	r = (double)src[0].got * 8 * 5;
	if (getenv("UT_VERBOSE") != NULL)
		print_message("contended: %.0f and %.0f bit/s\n", r, (double)src[1].got * 40);
	assert_true(r > 0.98e9 && r < 1.02e9);
	r = (double)src[1].got * 8 * 5;
	assert_true(r > 0.98 * 9e9 && r < 1.02 * 9e9);
	qos_sched_flush(s, true);
}

/* Work conserving: of weights 1:1, a VM offering 10 % of the port gets all of it, the other
 * the remaining 90 %. */
static void
test_conserving(void **state)
{
	struct src src[] = { { .pipe = 1, .len = 500, .bps = 100000000 },
		{ .pipe = 2, .len = 500 } };
	struct qos_sched *s = mk();
	struct qos_par par;
	uint64_t tot;

	(void)state;
	par_init(&par, 1000000000ull);
	sim(s, &par, src, 2, 0, HZ / 5);
	tot = total(src, 2);
	assert_share(src[0].got, tot, 0.10);
	assert_share(src[1].got, tot, 0.90);
	assert_int_equal(src[0].refused, 0);
	qos_sched_flush(s, true);
}

/* Classes: a strict class (0) ahead of two ETS classes of 60 % and 40 %. Saturating, the
 * strict class takes the port; offering 20 %, it gets that, the ETS classes share the rest
 * 60:40. */
static void
test_classes(void **state)
{
	static const uint64_t pct[] = { 60, 40 };
	struct src src[] = { { .pipe = 1, .cls = 0, .len = 1000 },
		{ .pipe = 2, .cls = 1, .len = 1000 }, { .pipe = 3, .cls = 2, .len = 600 } };
	struct qos_sched *s = mk();
	struct qos_par par;
	uint64_t tot;

	(void)state;
	par_init(&par, 1000000000ull);
	par.n_classes = 3;
	par.n_strict = 1;
	qos_quanta(pct, 2, &par.class_quantum[1]);
	sim(s, &par, src, 3, 0, HZ / 10);
	tot = total(src, 3);
	assert_true(src[0].got > 0.99 * tot);
	src[0].got = 0;
	src[1].got = 0;
	src[2].got = 0;
	src[0].bps = 200000000;
	sim(s, &par, src, 3, HZ / 10, HZ / 5);
	tot = total(src, 3);
	assert_share(src[0].got, tot, 0.20);
	assert_share(src[1].got, tot, 0.80 * 0.6);
	assert_share(src[2].got, tot, 0.80 * 0.4);
	qos_sched_flush(s, true);
}

/* Live change: weights 1:3 become 3:1 between two runs on the same queues; the second run
 * has the new shares and no frame was lost across the change. */
static void
test_live_change(void **state)
{
	static const uint16_t pipes[] = { 1, 2 };
	static const uint64_t w1[] = { 25, 75 }, w2[] = { 75, 25 };
	struct src src[] = { { .pipe = 1, .len = 1000 }, { .pipe = 2, .len = 1000 } };
	uint64_t out0 = out_frames, tot, t;
	struct qos_sched *s = mk();
	struct qos_par par, par2;

	(void)state;
	par_init(&par, 1000000000ull);
	par_weights(&par, pipes, w1, 2, 1);
	t = sim(s, &par, src, 2, 0, HZ / 10);
	tot = total(src, 2);
	assert_share(src[0].got, tot, 0.25);
	par2 = par;
	par_weights(&par2, pipes, w2, 2, 1);
	src[0].got = 0;
	src[1].got = 0;
	sim(s, &par2, src, 2, t, HZ / 10);
	tot = total(src, 2);
	assert_share(src[0].got, tot, 0.75);
	assert_conserved(s, src, 2, out0);
	qos_sched_flush(s, true);
}

/* A full queue refuses (and counts) frames; a flush frees and counts what is held. */
static void
test_queue_full(void **state)
{
	struct qos_sched *s = qos_sched_create(3, 5, 64, SOCKET_ID_ANY);
	struct rte_mbuf *m;
	uint32_t i, ok = 0;

	(void)state;
	assert_non_null(s);
	assert_int_equal(s->qsize, 8);
	for (i = 0; i < 10; i++) {
		m = frame(100, 0);
		if (qos_enqueue(s, m, 9, 2))
			ok++;
		else
			rte_pktmbuf_free(m);
	}
	assert_int_equal(ok, 8);
	assert_int_equal(s->ctr[2][9].drops, 2);
	m = frame(100, 0);
	assert_int_equal(rte_ring_enqueue(s->ring, m), 0);
	assert_int_equal(qos_sched_flush(s, true), 9);
	assert_null(qos_sched_create(0, 0, 64, SOCKET_ID_ANY));
	assert_null(qos_sched_create(0, QOS_QSIZE_MAX + 1, 64, SOCKET_ID_ANY));
}

/* Quanta: in proportion, the lightest QOS_QUANTUM_MIN, the heaviest at most QOS_QUANTUM_MAX. */
static void
test_quanta(void **state)
{
	static const uint64_t a[] = { 1, 50, 100 }, b[] = { 1000000, 10000000000ull };
	uint32_t q[3];

	(void)state;
	qos_quanta(a, 3, q);
	assert_int_equal(q[0], QOS_QUANTUM_MIN);
	assert_int_equal(q[1], 50 * QOS_QUANTUM_MIN);
	assert_int_equal(q[2], 100 * QOS_QUANTUM_MIN);
	qos_quanta(b, 2, q);
	assert_int_equal(q[1], QOS_QUANTUM_MAX);
	assert_int_equal(q[0], QOS_QUANTUM_MAX / 10000);
	assert_int_equal(qos_rate_of(0, 1000, HZ).tpb, 0);
	/* 8 Gbit/s: 1 GB/s: 1 tick per byte at 1 GHz. */
	assert_int_equal(qos_rate_of(8000000000ull, 1000, HZ).tpb, 1u << QOS_TPB_SHIFT);
	assert_int_equal(qos_rate_of(8000000000ull, 1000, HZ).tol, 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_absolute),
		cmocka_unit_test(test_max),
		cmocka_unit_test(test_conserving),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_live_change),
		cmocka_unit_test(test_queue_full),
		cmocka_unit_test(test_quanta),
	};
	int rc;

	ut_eal_init("ut_qos");
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	ut_eal_fini();
	return rc;
}
