/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_UT_PIPE_H
#define VSW_UT_PIPE_H

/**
 * @file
 * The real datapath graph on crafted frames, for unit tests and fuzzing: a worker context
 * with its own graph (every vswd node), a snapshot built by the real builder from a JSON
 * config (with the ACL classifiers of its rules), frames injected into the rx node and what the outputs would send captured
 * (vsw_inject.h). Learning works: events are drained into the MAC table after each walk,
 * as the control thread does. Needs the EAL (ut_eal_init()).
 */

#include <stdbool.h>

#include "ut.h"
#include "vsw_inject.h"
#include "trace.h"

/** References one pipe can capture between two ut_pipe_clear() calls. */
#define UT_PIPE_CAP 8192

/** One pipeline under test. */
struct ut_pipe {
	struct vsw_config cfg;               /**< its configuration */
	struct pmd_port ports[VSW_MAX_PORTS]; /**< the "open" ports of the snapshot */
	struct dp_snap *s;                   /**< the snapshot */
	struct dp_worker *w;                 /**< the worker (graph, caches, counters) */
	struct dp_fdb *fdb;                  /**< its MAC table */
	struct rte_rcu_qsbr *qsv;            /**< RCU of the MAC table (this thread reads) */
	struct vsw_inject inj;               /**< frames of the next walk */
	struct vsw_capture cap;              /**< what the outputs would send */
	struct vsw_capture_ent ent[UT_PIPE_CAP]; /**< behind cap */
	struct vsw_trace_ctl tctl;           /**< no port traced: ut_pipe_run traces itself */
};

/** A pipe for config @p json; the flow cache as the config says. */
struct ut_pipe *ut_pipe_new(const char *json);

/**
 * Runs the @p n frames of @p pkts as received on port @p in (walks until all are taken),
 * then drains the learn events into the MAC table. With @p trace, the frames are traced
 * (packet ids from 1 in order) and their records are left on the worker's trace ring.
 * @return references captured by this run.
 */
uint32_t ut_pipe_run(struct ut_pipe *p, uint16_t in, struct rte_mbuf **pkts, uint16_t n,
		bool trace);

/** Frees every captured reference. */
void ut_pipe_clear(struct ut_pipe *p);

/** Sum of the worker's drop counters. */
uint64_t ut_pipe_drops(const struct ut_pipe *p);

/** Frees @p p and everything it holds. */
void ut_pipe_free(struct ut_pipe *p);

#endif
