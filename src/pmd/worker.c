/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_ethdev.h>
#include <rte_graph_worker.h>
#include <rte_ring.h>

#include "vsw_walk.h"
#include "worker.h"

/* Iterations in a row that moved nothing before an idle worker may sleep. */
#define IDLE_BEFORE_SLEEP 128

/* Moves frames other workers handed off into the TX queue this worker owns. */
static uint16_t
drain_handoff(struct dp_worker *w, const struct dp_snap *s, const struct dp_drain *d)
{
	struct rte_mbuf *pkts[DP_BURST];
	uint16_t n;

	n = (uint16_t)rte_ring_sc_dequeue_burst(d->ring, (void **)pkts, DP_BURST, NULL);
	if (n > 0)
		pmd_tx_burst_count(w, &s->port[d->port], d->port, d->queue, pkts, n);
	return n;
}

/*
 * Charges the @p dt busy cycles of an iteration to the queues of plan @p pl that gave it
 * frames, by their share of the frames (the walk handles them together; the rx node's
 * counts: dp_worker rx_got, rxq_got[]). One division per queue only when several shared it.
 */
static inline void
rxq_charge(struct dp_worker *w, const struct dp_worker_plan *pl, uint64_t dt)
{
	uint32_t tot = w->rx_got;
	uint16_t q;

	if (tot == 0)
		return; /* only handed-off frames drained */
	/* The rx node wrote every queue's count this walk: nothing to clear. */
	for (q = 0; q < pl->n_rxq; q++) {
		uint16_t got = w->rxq_got[q];
		struct dp_rxq_ctr *rc;

		if (got == 0)
			continue;
		rc = &w->rxq_load[pl->rxq[q].port][pl->rxq[q].queue];
		rc->pkts += got;
		rc->cycles += got == tot ? dt : dt * got / tot;
	}
}

int
pmd_worker_main(void *arg)
{
	struct pmd_worker *pw = arg;
	struct dp_worker *w = &pw->dp;
	struct pmd_shared *sh = pw->sh;
	/* No iteration of the worker's own takes this long (the largest plan's walk is well
	 * under a millisecond): a longer one was preempted or stalled. */
	const uint64_t stall = w->tsc_hz / 500;
	uint32_t idle_run = 0;
	uint64_t t0, t1;

	rte_rcu_qsbr_thread_register(sh->qsv, w->id);
	rte_rcu_qsbr_thread_online(sh->qsv, w->id);
	/* Its end is the next one's start. */
	t0 = rte_rdtsc();
	while (!sh->stop) {
		const struct dp_snap *s = __atomic_load_n(&sh->snap, __ATOMIC_ACQUIRE);
		const struct dp_worker_plan *pl = &s->plan[w->id];
		uint32_t sleep_us = s->idle_sleep_us;
		uint16_t s_active = s->n_active;
		uint16_t i;

		w->now = t0;
		w->snap = s;
		w->moved = 0;
		/* Every frame the walk receives is transmitted or dropped within it: no node
		 * holds a frame past the iteration, nor past the quiescent report. */
		vsw_graph_walk(w);
		if (pl->n_drain > 0) {
			DP_CYC_START(tc);

			for (i = 0; i < pl->n_drain; i++)
				w->moved += drain_handoff(w, s, &pl->drain[i]);
			DP_CYC(w, DP_STAGE_TX, tc);
		}
		/* One TSC read an iteration; the quiescent report is charged to the next. */
		t1 = rte_rdtsc();
		if (unlikely(t1 - t0 > stall)) {
			/* Preempted (a shared core) or stalled: not the worker's own time, nor
			 * what its queues cost. Their frames still count. */
			w->stolen_cycles += t1 - t0;
			rxq_charge(w, pl, 0);
		} else if (w->moved > 0) {
			uint64_t busy = t1 - t0 - RTE_MIN(w->poll_idle, t1 - t0);

			w->busy_cycles += busy;
			w->idle_cycles += t1 - t0 - busy;
			rxq_charge(w, pl, busy);
		} else {
			w->idle_cycles += t1 - t0;
		}
		/* s is not used past this point: the control thread may free it. */
		w->snap = NULL;
		rte_rcu_qsbr_quiescent(sh->qsv, w->id);
		__atomic_store_n(&pw->heartbeat, pw->heartbeat + 1, __ATOMIC_RELAXED);
		t0 = t1;
		w->loops++;
		/* Outside the running set (switch.workers): nothing to poll. */
		if (unlikely(w->id >= s_active)) {
			rte_delay_us_sleep(1000);
			t0 = rte_rdtsc();
			w->idle_cycles += t0 - t1;
			continue;
		}
		/* Idle for a while: give the core away (one system call per idle stretch, never
		 * per packet); the sleep is idle time, not stolen. */
		idle_run = w->moved > 0 ? 0 : idle_run + 1;
		if (unlikely(idle_run >= IDLE_BEFORE_SLEEP) && sleep_us != 0) {
			rte_delay_us_sleep(sleep_us);
			t0 = rte_rdtsc();
			w->idle_cycles += t0 - t1;
		}
	}
	rte_rcu_qsbr_thread_offline(sh->qsv, w->id);
	rte_rcu_qsbr_thread_unregister(sh->qsv, w->id);
	return 0;
}
