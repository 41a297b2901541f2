/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_TRACE_CTL_H
#define VSW_TRACE_CTL_H

/**
 * @file
 * Packet trace and dry run, control side: the budgets workers trace from, the store of the
 * records they post, and the dry-run worker that runs one crafted frame through the real
 * graph on the control thread (trace.simulate: the same nodes, nothing transmitted,
 * learned or counted). Owned by the control thread.
 */

#include <stdint.h>

#include <jansson.h>

#include "trace.h"

struct vsw_inject;

struct vsw_ctrl;

/** Records the store keeps (the oldest go first). */
#define TRACE_STORE_MAX 16384
/** Most frames one trace.start asks for. */
#define TRACE_COUNT_MAX 1000

/** The control thread's trace state. */
struct trace_state {
	struct vsw_trace_ctl *ctl;   /**< what the workers trace (shared, rte_zmalloc) */
	struct dp_worker *sim;       /**< the dry-run worker (its own graph) */
	struct vsw_inject *inj;      /**< the frame it runs */
	uint16_t port;               /**< port of the last trace.start */
	uint32_t asked;              /**< frames the last trace.start asked for */
	uint32_t first_id;           /**< packet ids of that trace are above this */
	uint32_t n;                  /**< records in rec[] */
	struct vsw_trace_rec *rec;   /**< the store (TRACE_STORE_MAX) */
};

/**
 * Allocates the trace state of @p c, a trace ring per worker (given to each worker context)
 * and the dry-run worker with its graph. Call after the workers' contexts exist.
 * @return 0 or a negative errno (rte_errno's).
 */
int trace_init(struct vsw_ctrl *c);

/** Frees what trace_init() made (workers stopped). NULL-safe in every part. */
void trace_fini(struct vsw_ctrl *c);

/** Moves the records the workers posted into the store. */
void trace_poll(struct vsw_ctrl *c);

/**
 * Traces the next @p count frames received on port @p slot (1..TRACE_COUNT_MAX), dropping
 * the records of any earlier trace. @return 0 or -EINVAL.
 */
int trace_start(struct vsw_ctrl *c, uint16_t slot, uint32_t count);

/** Stops tracing: every budget to zero. Records stay. */
void trace_stop(struct vsw_ctrl *c);

/** The stored records as packets, each with its hops in order (trace.show). */
json_t *trace_show_json(struct vsw_ctrl *c);

/**
 * Runs the @p len bytes of @p frame through the graph as if received on port @p slot, on
 * the dry-run worker. @return the packet with its hops, as in trace_show_json(), or NULL
 * (-ENOMEM: no mbuf; -EINVAL: bad length) with @p rc set.
 */
json_t *trace_simulate(struct vsw_ctrl *c, uint16_t slot, const uint8_t *frame, uint32_t len,
		int *rc);

#endif
