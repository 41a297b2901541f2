/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "worker.h"

/* Sums the lengths of @p n frames. */
static inline uint64_t
pkts_bytes(struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t b = 0;
	uint16_t i;

	for (i = 0; i < n; i++)
		b += rte_pktmbuf_pkt_len(pkts[i]);
	return b;
}

/* Transmits @p n frames on (port, queue); counts what was sent and drops the rest. */
static void
tx_burst_count(struct pmd_worker *pw, const struct dp_port *p, uint16_t port, uint16_t queue,
		struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_port_ctr *pc = &pw->dp.port[port];
	uint64_t bytes = pkts_bytes(pkts, n);
	uint16_t sent;

	sent = rte_eth_tx_burst(p->eth_id, queue, pkts, n);
	pw->dp.tx_bursts++;
	if (unlikely(sent < n)) {
		bytes -= pkts_bytes(pkts + sent, n - sent);
		pmd_count_tx_drops(pw, port, DP_DROP_TX_FULL, n - sent);
		rte_pktmbuf_free_bulk(pkts + sent, n - sent);
	}
	pc->tx_pkts += sent;
	pc->tx_bytes += bytes;
}

void
pmd_tx_flush_port(struct pmd_worker *pw, const struct dp_snap *s, uint16_t port)
{
	struct pmd_txbuf *b = &pw->tx[port];
	const struct dp_port *p = &s->port[port];
	uint16_t w = pw->dp.id, q;

	if (b->n == 0)
		return;
	if (likely(p->tx_own[w])) {
		tx_burst_count(pw, p, port, p->txq[w], b->pkts, b->n);
	} else {
		q = (uint16_t)rte_ring_mp_enqueue_burst(p->handoff, (void **)b->pkts, b->n, NULL);
		if (unlikely(q < b->n)) {
			pmd_count_tx_drops(pw, port, DP_DROP_TX_HANDOFF_FULL, b->n - q);
			rte_pktmbuf_free_bulk(b->pkts + q, b->n - q);
		}
	}
	b->n = 0;
}

void
pmd_tx_flush(struct pmd_worker *pw, const struct dp_snap *s)
{
	uint16_t i;

	for (i = 0; i < pw->n_dirty; i++) {
		pmd_tx_flush_port(pw, s, pw->dirty[i]);
		pw->tx[pw->dirty[i]].dirty = 0;
	}
	pw->n_dirty = 0;
}

/* Moves frames other workers handed off into the TX queue this worker owns. */
static uint16_t
drain_handoff(struct pmd_worker *pw, const struct dp_snap *s, const struct dp_drain *d)
{
	struct rte_mbuf *pkts[DP_BURST];
	uint16_t n;

	n = (uint16_t)rte_ring_sc_dequeue_burst(d->ring, (void **)pkts, DP_BURST, NULL);
	if (n > 0)
		tx_burst_count(pw, &s->port[d->port], d->port, d->queue, pkts, n);
	return n;
}

int
pmd_worker_main(void *arg)
{
	struct pmd_worker *pw = arg;
	struct dp_worker *w = &pw->dp;
	struct pmd_shared *sh = pw->sh;
	struct rte_mbuf *pkts[DP_BURST];
	uint64_t t0, t1;

	rte_rcu_qsbr_thread_register(sh->qsv, w->id);
	rte_rcu_qsbr_thread_online(sh->qsv, w->id);
	/* One TSC read an iteration: its end is the next one's start. */
	t0 = rte_rdtsc();
	while (!sh->stop) {
		const struct dp_snap *s = __atomic_load_n(&sh->snap, __ATOMIC_ACQUIRE);
		const struct dp_worker_plan *pl = &s->plan[w->id];
		uint32_t moved = 0;
		uint16_t i, n;

		w->now = t0;
		for (i = 0; i < pl->n_rxq; i++) {
			const struct dp_rxq *r = &pl->rxq[i];
			PMD_CYC_START(tc);

			n = rte_eth_rx_burst(s->port[r->port].eth_id, r->queue, pkts, DP_BURST);
			PMD_CYC(w, DP_STAGE_RX, tc);
			if (n > 0) {
				w->rx_bursts++;
				pmd_dispatch(pw, s, r->port, pkts, n);
				moved += n;
				/* Send what this burst produced before polling the next queue: a
				 * frame never waits for other queues' work (latency, and the
				 * throughput of request/response traffic). So no TX buffer holds
				 * a frame past the iteration, nor past the quiescent report. */
				PMD_CYC_MARK(tc);
				pmd_tx_flush(pw, s);
				PMD_CYC(w, DP_STAGE_TX, tc);
			}
		}
		if (pl->n_drain > 0) {
			PMD_CYC_START(tc);

			for (i = 0; i < pl->n_drain; i++)
				moved += drain_handoff(pw, s, &pl->drain[i]);
			PMD_CYC(w, DP_STAGE_TX, tc);
		}
		/* s is not used past this point: the control thread may free it. */
		rte_rcu_qsbr_quiescent(sh->qsv, w->id);
		__atomic_store_n(&pw->heartbeat, pw->heartbeat + 1, __ATOMIC_RELAXED);
		t1 = rte_rdtsc();
		if (moved > 0)
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
