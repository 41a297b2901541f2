/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_ethdev.h>
#include <rte_graph_worker.h>
#include <rte_ring.h>

#include "vsw_walk.h"
#include "worker.h"

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

int
pmd_worker_main(void *arg)
{
	struct pmd_worker *pw = arg;
	struct dp_worker *w = &pw->dp;
	struct pmd_shared *sh = pw->sh;
	uint64_t t0, t1;

	rte_rcu_qsbr_thread_register(sh->qsv, w->id);
	rte_rcu_qsbr_thread_online(sh->qsv, w->id);
	/* One TSC read an iteration: its end is the next one's start. */
	t0 = rte_rdtsc();
	while (!sh->stop) {
		const struct dp_snap *s = __atomic_load_n(&sh->snap, __ATOMIC_ACQUIRE);
		const struct dp_worker_plan *pl = &s->plan[w->id];
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
		/* s is not used past this point: the control thread may free it. */
		w->snap = NULL;
		rte_rcu_qsbr_quiescent(sh->qsv, w->id);
		__atomic_store_n(&pw->heartbeat, pw->heartbeat + 1, __ATOMIC_RELAXED);
		t1 = rte_rdtsc();
		if (w->moved > 0)
			w->busy_cycles += t1 - t0;
		else
			w->idle_cycles += t1 - t0;
		t0 = t1;
		w->loops++;
	}
	rte_rcu_qsbr_thread_offline(sh->qsv, w->id);
	rte_rcu_qsbr_thread_unregister(sh->qsv, w->id);
	return 0;
}
