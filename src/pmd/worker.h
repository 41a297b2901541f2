/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_PMD_WORKER_H
#define VSW_PMD_WORKER_H

/**
 * @file
 * Worker lcores: the poll loop that walks the worker's graph (vsw_graph.h) and drains the
 * TX handoff rings of the queues it owns.
 *
 * Ownership: struct pmd_shared is written by the control thread (snap: release store on
 * publish; stop: set once at shutdown) and read by the workers (acquire). A struct pmd_worker
 * is written only by its lcore; the control thread reads its counters and heartbeat.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_rcu_qsbr.h>

#include "dp.h"
#include "vsw_node.h"

/** State every worker reads. */
struct pmd_shared {
	struct dp_snap *snap;       /**< current snapshot (RCU-protected, load-acquire) */
	struct rte_rcu_qsbr *qsv;   /**< QSBR variable: one thread id per worker */
	volatile bool stop;         /**< set by the control thread at shutdown */
};

/** One worker lcore. */
struct pmd_worker {
	struct dp_worker dp;          /**< datapath context (counters, FDB, learn ring) */
	struct pmd_shared *sh;        /**< shared state */
	unsigned int lcore;           /**< EAL lcore id */
	uint64_t heartbeat;           /**< incremented every loop iteration */
} __rte_cache_aligned;

/** lcore entry point (rte_eal_remote_launch): polls until sh->stop. @p arg: pmd_worker. */
int pmd_worker_main(void *arg);

/**
 * Transmits the @p n frames of @p pkts on TX queue @p queue of port @p port (@p p) and counts
 * them in @p w; what the queue does not take is a counted drop (tx_full), freed.
 */
void pmd_tx_burst_count(struct dp_worker *w, const struct dp_port *p, uint16_t port,
		uint16_t queue, struct rte_mbuf **pkts, uint16_t n);

#endif
