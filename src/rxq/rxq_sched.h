/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_RXQ_SCHED_H
#define VSW_RXQ_SCHED_H

/**
 * @file
 * Placement of RX queues on workers by measured load, and the rebalancing decision: pure
 * functions of load figures, with no DPDK state, unit-tested on synthetic cycle counts
 * (test/unit/test_rxq.c). rxq_ctl.h feeds them the workers' measurements and applies the
 * result. Loads are in any one unit (rxq_ctl uses basis points of one worker: 10000 = a
 * worker busy all the time).
 */

#include <stdbool.h>
#include <stdint.h>

/** No worker (a queue not yet placed). */
#define RXQ_NONE 0xff

/** One RX queue to place. */
struct rxq_item {
	uint16_t port;   /**< vswd port index */
	uint16_t queue;  /**< queue id */
	uint32_t load;   /**< measured load */
	uint8_t cur;     /**< worker polling it now, RXQ_NONE: none */
};

/** What a dry run of the placement found. */
struct rxq_dry {
	uint32_t cur_max;    /**< load of the busiest worker as placed now */
	uint32_t new_max;    /**< load of the busiest worker after the placement */
	uint32_t improve;    /**< (cur_max - new_max) / cur_max, percent (0 when none) */
	uint32_t moves;      /**< queues the placement moves to another worker */
};

/**
 * Longest processing time first: the @p n queues of @p it, by load from the largest, each
 * onto the least loaded of @p n_workers workers; a tie goes to the queue's current worker,
 * then to the worker with fewer queues, then to the lower index (so equal loads spread like
 * round robin and a balanced placement stays as it is). Writes each queue's worker to
 * @p out (same order as @p it) and, if not NULL, each worker's load sum to @p wload.
 * @return the largest worker load. @p n_workers: 1..RXQ_NONE-1; @p n at most 4096.
 */
uint32_t rxq_assign(const struct rxq_item *it, uint32_t n, uint16_t n_workers, uint8_t *out,
		uint32_t *wload);

/**
 * Dry run: the placement rxq_assign() would make, with @p d filled against the current one
 * (it[i].cur; queues without one count as moves and add no current load).
 */
void rxq_dry_run(const struct rxq_item *it, uint32_t n, uint16_t n_workers, uint8_t *out,
		struct rxq_dry *d);

/**
 * The trigger of an automatic rebalance: true when some worker's load was at least
 * @p threshold in each of its last @p samples samples. @p hist holds @p n_workers rows of
 * @p stride samples each, the newest at index @p newest of the row, older ones before it
 * (circularly); @p have samples exist (fewer than @p samples: false). Judged worker by worker,
 * never on an average over workers or over the window.
 */
bool rxq_trigger(const uint16_t *hist, uint16_t n_workers, uint32_t stride, uint32_t newest,
		uint32_t have, uint32_t samples, uint32_t threshold);

/** Whether a dry run @p d is worth applying: moves, and at least @p improvement percent. */
static inline bool
rxq_worth(const struct rxq_dry *d, uint32_t improvement)
{
	return d->moves > 0 && d->new_max < d->cur_max && d->improve >= improvement;
}

#endif
