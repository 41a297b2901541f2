/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_RXQ_CTL_H
#define VSW_RXQ_CTL_H

/**
 * @file
 * RX queue placement, control side (doc/rxq.md). Every second the control thread samples what
 * each worker measured per queue (dp_worker rxq_load: busy cycles charged by frames) and per
 * worker (busy and idle cycles), keeping RXQ_HIST_MAX seconds of history. Queues are placed on
 * workers by load (rxq_sched.h); a new queue goes to the least loaded worker. A move is two
 * snapshot publishes: the first takes the moving queues off every worker and waits until no
 * worker can be polling them (RCU), the second gives them to their new workers, so a queue is
 * never polled by two workers and its frames keep their order. Automatic rebalancing (the
 * "rxq" config section) runs when a worker stayed at or above the threshold for the interval
 * and the dry run cuts the busiest worker's load by the improvement margin.
 * Owned by the control thread; workers only see the plans of the snapshots.
 */

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "cfg.h"
#include "ctrl_err.h"
#include "dp.h"
#include "rxq_sched.h"

/** Load history slots: one a second. */
#define RXQ_HIST (RXQ_HIST_MAX + 4)
/** Samples of history shown per queue and worker. */
#define RXQ_SHOW_HIST 10

/** One RX queue of one port. */
struct rxq_state {
	uint8_t worker;          /**< worker it is placed on, RXQ_NONE: not placed */
	uint8_t hold;            /**< in a move: polled by no worker until the next publish */
	uint16_t have;           /**< samples of history since the port opened (saturates) */
	uint64_t last_cyc;       /**< cycles summed over the workers at the last sample */
	uint64_t last_pkts;      /**< frames summed over the workers at the last sample */
	uint64_t pps;            /**< frames per second in the last sample */
	uint64_t moves;          /**< times it moved to another worker */
	uint16_t hist[RXQ_HIST]; /**< load per sample, basis points of one worker's cycles */
};

/** The last rebalance (forced or automatic) or dry run that was judged. */
struct rxq_event {
	uint64_t seq;            /**< 1, 2, ...: 0 = none yet */
	int64_t when;            /**< wall-clock time, seconds since the epoch */
	bool forced;             /**< rxq.rebalance (else the automatic trigger) */
	bool applied;            /**< the queues moved */
	struct rxq_dry dry;      /**< loads before and after, moves */
};

/** RX queue placement state. */
struct rxq_ctl {
	struct rxq_state q[VSW_MAX_PORTS][DP_MAX_RXQ]; /**< by port slot and queue */
	uint8_t opened[VSW_MAX_PORTS];    /**< the slot's port was open at the last placement */
	uint16_t whist[VSW_MAX_WORKERS][RXQ_HIST]; /**< worker load per sample, basis points */
	uint64_t w_busy[VSW_MAX_WORKERS]; /**< worker busy cycles at the last sample */
	uint64_t w_idle[VSW_MAX_WORKERS]; /**< worker idle cycles at the last sample */
	uint32_t newest;                  /**< history index of the newest sample */
	uint32_t have;                    /**< samples taken (saturates at RXQ_HIST) */
	uint32_t fresh;                   /**< samples since the last automatic judgement */
	uint64_t last_tsc;                /**< TSC of the last sample */
	uint64_t rebalances;              /**< rebalances applied */
	struct rxq_event last;            /**< the last judgement */
};

struct vsw_ctrl;

/** Empties @p r: no queue placed, no history. */
void rxq_ctl_init(struct rxq_ctl *r);

/**
 * Before each snapshot build: forgets the queues of ports that closed, places the queues of
 * ports that opened (each on the least loaded worker, then the one with fewest queues), and
 * fills @p plan with each queue's worker (RXQ_NONE: not polled, e.g. held in a move).
 */
void rxq_ctl_place(struct vsw_ctrl *c, uint8_t plan[VSW_MAX_PORTS][DP_MAX_RXQ]);

/**
 * The queues of the open ports as placement items into @p it (room for VSW_MAX_PORTS *
 * DP_MAX_RXQ), each with its worker and its mean load over the last "interval" seconds.
 * @return their count.
 */
uint32_t rxq_ctl_items(const struct vsw_ctrl *c, struct rxq_item *it);

/** One control-loop step at TSC @p now: a sample each second, then the automatic trigger. */
void rxq_ctl_poll(struct vsw_ctrl *c, uint64_t now);

/**
 * Rebalance: a dry run of the placement by the loads of the last "interval" seconds, applied
 * when @p force (and it moves something without making the busiest worker busier), or when
 * worth the "improvement" margin. @p d (may be NULL) gets the dry run. @return 1 applied,
 * 0 not, or a negative errno with @p e (a publish failed; the placement is unchanged).
 */
int rxq_ctl_rebalance(struct vsw_ctrl *c, bool force, struct rxq_dry *d, struct ctrl_err *e);

/**
 * Moves queue @p queue of port slot @p port to worker @p worker (an operator's placement;
 * the automatic rebalancing may move it again). @return 0 (also when it is there already),
 * -EINVAL with @p e naming the parameter, or a negative errno of the publish.
 */
int rxq_ctl_move(struct vsw_ctrl *c, uint16_t port, uint16_t queue, uint16_t worker,
		struct ctrl_err *e);

/**
 * Makes the first @p n of the reserved workers the running set (switch.workers): the queues
 * of workers that leave move to the running ones (two publishes, as a move), inbound IPsec
 * SAs get owners among the running workers, workers that join take load by a rebalance.
 * Workers outside the set poll nothing and sleep. @return 0, or -EINVAL with @p e ("$.switch.
 * workers") for more than are reserved, or a publish's error.
 */
int rxq_ctl_set_active(struct vsw_ctrl *c, uint16_t n, struct ctrl_err *e);

/** rxq.show: settings, the workers' loads, every queue with its worker, load and history. */
json_t *rxq_ctl_json(const struct vsw_ctrl *c);

#endif
