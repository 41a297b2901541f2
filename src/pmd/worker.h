/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_PMD_WORKER_H
#define VSW_PMD_WORKER_H

/**
 * @file
 * Worker lcores: the poll loop, the dispatcher that runs the stages and owns every free and
 * transmit, and per-(worker, port) TX buffers.
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

/** mbufs buffered per (worker, port) before a TX burst. */
#define PMD_TXBUF 64

/** State every worker reads. */
struct pmd_shared {
	struct dp_snap *snap;       /**< current snapshot (RCU-protected, load-acquire) */
	struct rte_rcu_qsbr *qsv;   /**< QSBR variable: one thread id per worker */
	volatile bool stop;         /**< set by the control thread at shutdown */
};

/** A TX buffer of one (worker, port). */
struct pmd_txbuf {
	uint16_t n;                         /**< buffered mbufs */
	uint8_t dirty;                      /**< port is on the worker's dirty list */
	struct rte_mbuf *pkts[PMD_TXBUF];   /**< buffered mbufs */
};

/** One worker lcore. */
struct pmd_worker {
	struct dp_worker dp;          /**< datapath context (counters, FDB, learn ring) */
	struct pmd_shared *sh;        /**< shared state */
	unsigned int lcore;           /**< EAL lcore id */
	uint64_t heartbeat;           /**< incremented every loop iteration */
	uint16_t n_dirty;             /**< entries in dirty[] */
	uint16_t dirty[VSW_MAX_PORTS]; /**< ports with buffered TX */
	struct pmd_txbuf tx[VSW_MAX_PORTS]; /**< TX buffer per port */
} __rte_cache_aligned;

#ifdef VSW_CYCLE_STATS
/** Starts a cycle-accounting interval in local @p t. */
#define PMD_CYC_START(t) uint64_t t = rte_rdtsc()
/** Restarts the interval in @p t without charging anything. */
#define PMD_CYC_MARK(t) ((t) = rte_rdtsc())
/** Charges the cycles since @p t to stage @p st of worker context @p w; restarts @p t. */
#define PMD_CYC(w, st, t) do { \
		uint64_t t_now_ = rte_rdtsc(); \
		(w)->stage_cycles[st] += t_now_ - (t); \
		(t) = t_now_; \
	} while (0)
#else
#define PMD_CYC_START(t) uint64_t t __rte_unused = 0
#define PMD_CYC_MARK(t) do { } while (0)
#define PMD_CYC(w, st, t) do { } while (0)
#endif

/** Counts a drop of @p m at ingress: per reason and against its ingress port m->port. */
static inline void
pmd_count_rx_drop(struct pmd_worker *pw, const struct rte_mbuf *m, enum dp_drop r)
{
	pw->dp.drops[r]++;
	pw->dp.port[m->port].rx_drops++;
}

/** Counts @p n frames for port @p port that were not sent: per reason and against the port. */
static inline void
pmd_count_tx_drops(struct pmd_worker *pw, uint16_t port, enum dp_drop r, uint16_t n)
{
	pw->dp.drops[r] += n;
	pw->dp.port[port].tx_drops += n;
}

/** lcore entry point (rte_eal_remote_launch): polls until sh->stop. @p arg: pmd_worker. */
int pmd_worker_main(void *arg);

/**
 * Runs the stages on @p n packets received from port @p in_port and sends or frees every one
 * of them: counted drops are freed in bulk, forwarded frames go to TX buffers.
 */
void pmd_dispatch(struct pmd_worker *pw, const struct dp_snap *s, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n);

/** Transmits (or hands off) every buffered frame; what cannot be sent is a counted drop. */
void pmd_tx_flush(struct pmd_worker *pw, const struct dp_snap *s);

/**
 * Sends the TX buffer of @p port: on the worker's own queue, or through the handoff ring to
 * the queue's owner. Frames the queue or ring does not take are counted drops. The port stays
 * on the dirty list.
 */
void pmd_tx_flush_port(struct pmd_worker *pw, const struct dp_snap *s, uint16_t port);

/**
 * Copies the @p n frames of @p pkts (deep copies: the originals go on unchanged and
 * undelayed) to every mirror destination of @p s. A copy the pool cannot give is a counted
 * drop (mirror_copy_failed) on each destination; a copy its TX queue refuses is a tx_full
 * drop there, as for any frame.
 */
void pmd_mirror(struct pmd_worker *pw, const struct dp_snap *s, struct rte_mbuf **pkts,
		uint16_t n);

/**
 * Queues the @p n frames of @p pkts for port @p port, flushing the buffer whenever it fills.
 * One count update per call: per-frame calls to one port chain a load and a store of the
 * count through memory for each frame, so callers pass whole runs to one port.
 */
static inline void
pmd_tx_enqueue_bulk(struct pmd_worker *pw, const struct dp_snap *s, uint16_t port,
		struct rte_mbuf **pkts, uint16_t n)
{
	struct pmd_txbuf *b = &pw->tx[port];
	uint16_t k;

	if (unlikely(s->port[port].mirror_src))
		pmd_mirror(pw, s, pkts, n);
	if (!b->dirty) {
		b->dirty = 1;
		pw->dirty[pw->n_dirty++] = port;
	}
	while (n > 0) {
		k = RTE_MIN(n, (uint16_t)(PMD_TXBUF - b->n));
		memcpy(&b->pkts[b->n], pkts, k * sizeof(pkts[0]));
		b->n += k;
		pkts += k;
		n -= k;
		if (b->n == PMD_TXBUF)
			pmd_tx_flush_port(pw, s, port);
	}
}

/** Queues @p m for port @p port; flushes that buffer when full. */
static inline void
pmd_tx_enqueue(struct pmd_worker *pw, const struct dp_snap *s, uint16_t port,
		struct rte_mbuf *m)
{
	pmd_tx_enqueue_bulk(pw, s, port, &m, 1);
}

#endif
