/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of RX queue placement and the rebalancing decision (rxq_sched.h) on synthetic
 * loads, in basis points of one worker (10000 = always busy), with the cases OVS users hit:
 * one hot queue that cannot be split, an imbalance an average hides, a worker with a single
 * queue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "rxq_sched.h"

/* Queue i of port 0 with load @p load on worker @p cur. */
static struct rxq_item
q(uint16_t i, uint32_t load, uint8_t cur)
{
	struct rxq_item it = { .port = 0, .queue = i, .load = load, .cur = cur };

	return it;
}

/* Largest first onto the least loaded: 4,3,2,1 on two workers make 5 and 5. */
static void
test_lpt_balances(void **state)
{
	struct rxq_item it[] = { q(0, 1000, RXQ_NONE), q(1, 4000, RXQ_NONE),
		q(2, 2000, RXQ_NONE), q(3, 3000, RXQ_NONE) };
	uint32_t wl[2];
	uint8_t out[4];

	(void)state;
	assert_int_equal(rxq_assign(it, 4, 2, out, wl), 5000);
	assert_int_equal(wl[0], 5000);
	assert_int_equal(wl[1], 5000);
	assert_int_equal(out[1], 0);      /* 4000 first, on worker 0 */
	assert_int_equal(out[3], 1);      /* 3000 on the other */
	assert_int_equal(out[2], 1);      /* 2000 onto the lighter (3000) */
	assert_int_equal(out[0], 0);      /* 1000 onto 4000 */
}

/* No loads yet: queues spread by count, like round robin. */
static void
test_idle_queues_spread(void **state)
{
	struct rxq_item it[9];
	uint8_t out[9];
	uint32_t per[3] = { 0 };
	uint16_t i;

	(void)state;
	for (i = 0; i < 9; i++)
		it[i] = q(i, 0, RXQ_NONE);
	rxq_assign(it, 9, 3, out, NULL);
	for (i = 0; i < 9; i++)
		per[out[i]]++;
	assert_int_equal(per[0], 3);
	assert_int_equal(per[1], 3);
	assert_int_equal(per[2], 3);
}

/* A balanced placement stays as it is: no move for nothing. */
static void
test_balanced_stays(void **state)
{
	struct rxq_item it[] = { q(0, 3000, 1), q(1, 3000, 0), q(2, 0, 1), q(3, 0, 0),
		q(4, 500, 0), q(5, 500, 1) };
	struct rxq_dry d;
	uint8_t out[6];

	(void)state;
	rxq_dry_run(it, 6, 2, out, &d);
	assert_int_equal(d.moves, 0);
	assert_int_equal(d.cur_max, 3500);
	assert_int_equal(d.new_max, 3500);
	assert_false(rxq_worth(&d, 1));
}

/* All the load on one worker: the dry run halves it, worth any margin up to 50 %. */
static void
test_skew_moves(void **state)
{
	struct rxq_item it[] = { q(0, 2400, 0), q(1, 2400, 0), q(2, 2400, 0), q(3, 2400, 0),
		q(4, 0, 1), q(5, 0, 1), q(6, 0, 1), q(7, 0, 1) };
	struct rxq_dry d;
	uint8_t out[8];

	(void)state;
	rxq_dry_run(it, 8, 2, out, &d);
	assert_int_equal(d.cur_max, 9600);
	assert_int_equal(d.new_max, 4800);
	assert_int_equal(d.improve, 50);
	assert_int_equal(d.moves, 2);   /* two busy queues move; the idle ones stay */
	assert_true(rxq_worth(&d, 25));
	assert_true(rxq_worth(&d, 50));
	assert_false(rxq_worth(&d, 51));
}

/* One hot queue cannot be split: moving its neighbours off gains 10 %, under the margin. */
static void
test_hot_queue_cannot_split(void **state)
{
	struct rxq_item it[] = { q(0, 9000, 0), q(1, 500, 0), q(2, 500, 0), q(3, 500, 1),
		q(4, 500, 1) };
	struct rxq_item alone[] = { q(0, 9000, 0), q(1, 500, 1), q(2, 500, 1), q(3, 500, 1),
		q(4, 500, 1) };
	struct rxq_dry d;
	uint8_t out[5];

	(void)state;
	rxq_dry_run(it, 5, 2, out, &d);
	assert_int_equal(d.cur_max, 10000);
	assert_int_equal(d.new_max, 9000);
	assert_int_equal(d.improve, 10);
	assert_false(rxq_worth(&d, 25));
	/* Already alone on its worker: nothing to do at all. */
	rxq_dry_run(alone, 5, 2, out, &d);
	assert_int_equal(d.moves, 0);
	assert_int_equal(out[0], 0);
	assert_false(rxq_worth(&d, 1));
}

/* A worker with a single hot queue keeps it; the others' queues spread around it, and the
 * busiest worker (the single queue's) is not helped: not worth it. */
static void
test_single_queue_worker(void **state)
{
	struct rxq_item it[] = { q(0, 9500, 0), q(1, 2000, 1), q(2, 2000, 1), q(3, 2000, 1),
		q(4, 2000, 1) };
	struct rxq_dry d;
	uint32_t wl[3];
	uint8_t out[5];

	(void)state;
	rxq_dry_run(it, 5, 3, out, &d);
	assert_int_equal(out[0], 0);
	assert_int_equal(d.cur_max, 9500);
	assert_int_equal(d.new_max, 9500);
	assert_false(rxq_worth(&d, 1));
	rxq_assign(it, 5, 3, out, wl);
	assert_int_equal(wl[1], 4000);
	assert_int_equal(wl[2], 4000);
	/* A worker with a single cold queue takes load off the busy one. */
	it[0].load = 100;
	rxq_dry_run(it, 5, 2, out, &d);
	assert_int_equal(d.cur_max, 8000);
	assert_int_equal(d.new_max, 4100);
	assert_true(rxq_worth(&d, 25));
}

/* The trigger looks at each worker, not at their mean: 100 % and 0 % average 50 %. */
static void
test_trigger_not_hidden_by_average(void **state)
{
	uint16_t h[2][8];
	uint32_t k;

	(void)state;
	for (k = 0; k < 8; k++) {
		h[0][k] = 0;
		h[1][k] = 10000;
	}
	assert_true(rxq_trigger(&h[0][0], 2, 8, 7, 8, 5, 9500));
	/* One sample under the threshold in the window: not overloaded for the interval, even
	 * though the window's mean (9600 %%) is above it. */
	h[1][5] = 8000;
	assert_false(rxq_trigger(&h[0][0], 2, 8, 7, 8, 5, 9500));
	/* The dip is older than the window (newest 2, window 2..0 and 7,6 circularly). */
	h[1][5] = 10000;
	h[1][3] = 0;
	assert_true(rxq_trigger(&h[0][0], 2, 8, 2, 8, 5, 9500));
	/* Too few samples yet. */
	assert_false(rxq_trigger(&h[0][0], 2, 8, 2, 4, 5, 9500));
	/* Nobody over the threshold. */
	assert_false(rxq_trigger(&h[0][0], 2, 8, 2, 8, 5, 10001));
	/* Window longer than the history kept. */
	assert_false(rxq_trigger(&h[0][0], 2, 8, 2, 8, 9, 100));
}

/* Odd inputs: no workers, more workers than fit. */
static void
test_bad_inputs(void **state)
{
	struct rxq_item it[] = { q(0, 10, RXQ_NONE) };
	uint8_t out[1] = { 7 };

	(void)state;
	assert_int_equal(rxq_assign(it, 1, 0, out, NULL), 0);
	assert_int_equal(rxq_assign(it, 1, RXQ_NONE, out, NULL), 0);
	assert_int_equal(out[0], 7);
	assert_int_equal(rxq_assign(it, 0, 2, out, NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lpt_balances),
		cmocka_unit_test(test_idle_queues_spread),
		cmocka_unit_test(test_balanced_stays),
		cmocka_unit_test(test_skew_moves),
		cmocka_unit_test(test_hot_queue_cannot_split),
		cmocka_unit_test(test_single_queue_worker),
		cmocka_unit_test(test_trigger_not_hidden_by_average),
		cmocka_unit_test(test_bad_inputs),
	};

	return cmocka_run_group_tests_name("rxq", tests, NULL, NULL);
}
