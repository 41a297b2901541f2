/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "ctrl.h"
#include "rxq_ctl.h"
#include "vsw_log.h"

/* Most (port, queue) pairs. */
#define RXQ_ITEMS (VSW_MAX_PORTS * DP_MAX_RXQ)

void
rxq_ctl_init(struct rxq_ctl *r)
{
	uint16_t p, q;

	memset(r, 0, sizeof(*r));
	for (p = 0; p < VSW_MAX_PORTS; p++)
		for (q = 0; q < DP_MAX_RXQ; q++)
			r->q[p][q].worker = RXQ_NONE;
}

/* The mean load of @p st over its last @p win samples (fewer when it has fewer). */
static uint32_t
q_load(const struct rxq_ctl *r, const struct rxq_state *st, uint32_t win)
{
	uint32_t k, n = RTE_MIN(win, (uint32_t)st->have), sum = 0;

	n = RTE_MIN(n, r->have);
	for (k = 0; k < n; k++)
		sum += st->hist[(r->newest + RXQ_HIST - k) % RXQ_HIST];
	return n == 0 ? 0 : sum / n;
}

/* Whether slot @p p holds an open port whose queues are polled. */
static bool
slot_live(const struct vsw_ctrl *c, uint16_t p)
{
	return p < c->cfg.n_ports && c->ports[p].open && cfg_port_used(&c->cfg.ports[p]);
}

uint32_t
rxq_ctl_items(const struct vsw_ctrl *c, struct rxq_item *it)
{
	const struct rxq_ctl *r = &c->rxq;
	uint32_t n = 0;
	uint16_t p, q;

	for (p = 0; p < VSW_MAX_PORTS; p++) {
		if (!slot_live(c, p))
			continue;
		for (q = 0; q < c->ports[p].n_rxq && q < DP_MAX_RXQ; q++) {
			it[n].port = p;
			it[n].queue = q;
			it[n].cur = r->q[p][q].worker;
			it[n].load = q_load(r, &r->q[p][q], c->cfg.rxq.interval_s);
			n++;
		}
	}
	return n;
}

void
rxq_ctl_place(struct vsw_ctrl *c, uint8_t plan[VSW_MAX_PORTS][DP_MAX_RXQ])
{
	struct rxq_ctl *r = &c->rxq;
	uint32_t load[VSW_MAX_WORKERS] = { 0 }, count[VSW_MAX_WORKERS] = { 0 };
	uint16_t p, q, w;

	/* Forget the queues of closed ports; weigh the placed ones. */
	for (p = 0; p < VSW_MAX_PORTS; p++) {
		bool live = slot_live(c, p);

		if (!live || !r->opened[p]) {
			for (q = 0; q < DP_MAX_RXQ; q++) {
				r->q[p][q].worker = RXQ_NONE;
				r->q[p][q].hold = 0;
				r->q[p][q].have = 0;
				r->q[p][q].pps = 0;
				r->q[p][q].moves = 0;
				/* Counting from here: the workers' counters only grow. */
				r->q[p][q].last_cyc = 0;
				r->q[p][q].last_pkts = 0;
				for (w = 0; w < c->n_workers; w++) {
					r->q[p][q].last_cyc += c->workers[w]->dp.rxq_load[p][q].cycles;
					r->q[p][q].last_pkts += c->workers[w]->dp.rxq_load[p][q].pkts;
				}
			}
		}
		r->opened[p] = live;
		for (q = 0; live && q < c->ports[p].n_rxq && q < DP_MAX_RXQ; q++) {
			struct rxq_state *st = &r->q[p][q];

			if (st->worker >= c->n_active)
				st->worker = RXQ_NONE; /* its worker left the running set */
			if (st->worker == RXQ_NONE)
				continue;
			load[st->worker] += q_load(r, st, c->cfg.rxq.interval_s);
			count[st->worker]++;
		}
	}
	/* New queues: the least loaded worker, then the one with fewest queues. */
	for (p = 0; p < VSW_MAX_PORTS; p++) {
		for (q = 0; q < DP_MAX_RXQ; q++) {
			struct rxq_state *st = &r->q[p][q];
			uint16_t best = 0;

			plan[p][q] = RXQ_NONE;
			if (!r->opened[p] || q >= c->ports[p].n_rxq)
				continue;
			if (st->worker == RXQ_NONE) {
				for (w = 1; w < c->n_active; w++)
					if (load[w] < load[best] ||
							(load[w] == load[best] && count[w] < count[best]))
						best = w;
				st->worker = (uint8_t)best;
				count[best]++;
			}
			if (!st->hold)
				plan[p][q] = st->worker;
		}
	}
}

/* Basis points of @p part in @p whole, at most 10000. */
static uint16_t
bp(uint64_t part, uint64_t whole)
{
	if (whole == 0)
		return 0;
	return (uint16_t)RTE_MIN(part * 10000 / whole, (uint64_t)10000);
}

/* One sample: each worker's and each queue's load since the last one. */
static void
sample(struct vsw_ctrl *c, uint64_t now)
{
	struct rxq_ctl *r = &c->rxq;
	uint64_t dt = now - r->last_tsc;
	uint32_t slot = (r->newest + 1) % RXQ_HIST;
	uint64_t own[VSW_MAX_WORKERS];
	uint16_t p, q, w;

	/* Loads are shares of a worker's own time: busy + idle, without what was stolen. */
	for (w = 0; w < c->n_workers; w++) {
		const struct dp_worker *dw = &c->workers[w]->dp;
		uint64_t busy = __atomic_load_n(&dw->busy_cycles, __ATOMIC_RELAXED);
		uint64_t idle = __atomic_load_n(&dw->idle_cycles, __ATOMIC_RELAXED);

		own[w] = (busy - r->w_busy[w]) + (idle - r->w_idle[w]);
		r->whist[w][slot] = bp(busy - r->w_busy[w], own[w]);
		r->w_busy[w] = busy;
		r->w_idle[w] = idle;
	}
	for (p = 0; p < VSW_MAX_PORTS; p++) {
		if (!r->opened[p])
			continue;
		for (q = 0; q < c->ports[p].n_rxq && q < DP_MAX_RXQ; q++) {
			struct rxq_state *st = &r->q[p][q];
			uint64_t cyc = 0, pk = 0;

			for (w = 0; w < c->n_workers; w++) {
				const struct dp_rxq_ctr *rc = &c->workers[w]->dp.rxq_load[p][q];

				cyc += __atomic_load_n(&rc->cycles, __ATOMIC_RELAXED);
				pk += __atomic_load_n(&rc->pkts, __ATOMIC_RELAXED);
			}
			st->hist[slot] = bp(cyc - st->last_cyc, st->worker < c->n_workers &&
					own[st->worker] != 0 ? own[st->worker] : dt);
			st->pps = dt == 0 ? 0 : (pk - st->last_pkts) * c->tsc_hz / dt;
			st->last_cyc = cyc;
			st->last_pkts = pk;
			if (st->have < RXQ_HIST)
				st->have++;
		}
	}
	r->newest = slot;
	if (r->have < RXQ_HIST)
		r->have++;
	r->fresh++;
	r->last_tsc = now;
}

/* Waits (1 ms at most) until the TX handoff rings are empty: frames a worker handed off
 * before a move leave before the queue's next frames can come from another worker. */
static void
handoff_settle(const struct vsw_ctrl *c)
{
	uint16_t p;
	int k;

	for (k = 0; k < 100; k++) {
		bool empty = true;

		for (p = 0; p < c->cfg.n_ports; p++)
			if (c->ports[p].open && c->ports[p].handoff != NULL &&
					rte_ring_count(c->ports[p].handoff) != 0)
				empty = false;
		if (empty)
			return;
		rte_delay_us_block(10);
	}
}

/* The two publishes of a move of the queues @p it[i] to @p out[i] (where they differ). */
static int
apply(struct vsw_ctrl *c, const struct rxq_item *it, uint32_t n, const uint8_t *out,
		struct ctrl_err *e)
{
	struct rxq_ctl *r = &c->rxq;
	uint32_t i;
	int rc, k;

	for (i = 0; i < n; i++)
		if (out[i] != it[i].cur)
			r->q[it[i].port][it[i].queue].hold = 1;
	rc = ctrl_publish(c, e);
	if (rc == 0)
		handoff_settle(c);
	for (i = 0; i < n; i++) {
		struct rxq_state *st = &r->q[it[i].port][it[i].queue];

		if (!st->hold)
			continue;
		st->hold = 0;
		if (rc == 0) {
			st->worker = out[i];
			st->moves++;
		}
	}
	if (rc != 0)
		return rc; /* nothing moved: the old plan stays published */
	/* The queues are off every worker now: they must come back even if memory is short. */
	for (k = 0; k < 100; k++) {
		rc = ctrl_publish(c, e);
		if (rc == 0)
			return 0;
		rte_delay_us_sleep(1000);
	}
	VSW_LOG(ERR, "rxq: moved queues stay unpolled until the next publish: %s\n", e->msg);
	return rc;
}

int
rxq_ctl_rebalance(struct vsw_ctrl *c, bool force, struct rxq_dry *d, struct ctrl_err *e)
{
	static struct rxq_item it[RXQ_ITEMS];
	static uint8_t out[RXQ_ITEMS];
	struct rxq_ctl *r = &c->rxq;
	struct rxq_dry dry;
	uint32_t n = rxq_ctl_items(c, it);
	bool go;
	int rc;

	rxq_dry_run(it, n, c->n_active, out, &dry);
	go = force ? dry.moves > 0 && dry.new_max <= dry.cur_max :
		rxq_worth(&dry, c->cfg.rxq.improvement);
	r->last.seq++;
	r->last.when = (int64_t)time(NULL);
	r->last.forced = force;
	r->last.applied = false;
	r->last.dry = dry;
	r->fresh = 0;
	if (d != NULL)
		*d = dry;
	if (!go)
		return 0;
	rc = apply(c, it, n, out, e);
	if (rc != 0)
		return rc;
	r->last.applied = true;
	r->rebalances++;
	VSW_LOG(NOTICE, "rxq: %s rebalance moved %u queue(s); busiest worker %u.%02u%% -> "
			"%u.%02u%%\n", force ? "forced" : "automatic", dry.moves,
			dry.cur_max / 100, dry.cur_max % 100, dry.new_max / 100, dry.new_max % 100);
	return 1;
}

int
rxq_ctl_move(struct vsw_ctrl *c, uint16_t port, uint16_t queue, uint16_t worker,
		struct ctrl_err *e)
{
	struct rxq_item it;
	uint8_t out;

	if (!slot_live(c, port))
		return ctrl_errf(e, "params.port", "no such open port");
	if (queue >= c->ports[port].n_rxq)
		return ctrl_errf(e, "params.queue", "port %s has %u RX queue(s)",
				c->cfg.ports[port].name, c->ports[port].n_rxq);
	if (worker >= c->n_active)
		return ctrl_errf(e, "params.worker", "%u worker(s) run (switch.workers)",
				c->n_active);
	it.port = port;
	it.queue = queue;
	it.cur = c->rxq.q[port][queue].worker;
	it.load = 0;
	out = (uint8_t)worker;
	if (it.cur == out)
		return 0;
	return apply(c, &it, 1, &out, e);
}

int
rxq_ctl_set_active(struct vsw_ctrl *c, uint16_t n, struct ctrl_err *e)
{
	struct rxq_ctl *r = &c->rxq;
	uint16_t old = c->n_active, p, q;
	bool any = false;
	int rc;

	if (n == 0 || n > c->n_workers)
		return ctrl_errf(e, "$.switch.workers", "%u workers: %u lcores are reserved for "
				"workers (dpdk.lcores)", n, c->n_workers);
	if (n == old)
		return 0;
	/* Phase 1: the queues of leaving workers off every plan, and the inbound SAs whose
	 * owner changes owned by none (their frames meanwhile: ipsec_owner_changed). */
	for (p = 0; p < VSW_MAX_PORTS; p++)
		for (q = 0; q < DP_MAX_RXQ; q++)
			if (r->q[p][q].worker != RXQ_NONE && r->q[p][q].worker >= n) {
				r->q[p][q].hold = 1;
				any = true;
			}
	c->ipsec.owner_hold = true;
	rc = ctrl_publish(c, e);
	if (rc == 0 && any)
		handoff_settle(c);
	/* Phase 2: the new set; the held queues go to the least loaded running workers. */
	c->n_active = n;
	c->ipsec.n_active = n;
	c->ipsec.owner_hold = false;
	for (p = 0; p < VSW_MAX_PORTS; p++)
		for (q = 0; q < DP_MAX_RXQ; q++)
			if (r->q[p][q].hold) {
				r->q[p][q].hold = 0;
				r->q[p][q].worker = RXQ_NONE;
				r->q[p][q].moves++;
			}
	rc = ctrl_publish(c, e);
	if (rc != 0)
		return rc;
	VSW_LOG(NOTICE, "rxq: %u of %u workers run now (were %u)\n", n, c->n_workers, old);
	/* New workers take load from the busy ones (only queues with load move). */
	if (n > old && rxq_ctl_rebalance(c, true, NULL, e) < 0)
		return ctrl_err_rc(e, -ENOMEM);
	return 0;
}

void
rxq_ctl_poll(struct vsw_ctrl *c, uint64_t now)
{
	struct rxq_ctl *r = &c->rxq;
	const struct cfg_rxq *cf = &c->cfg.rxq;
	struct ctrl_err e;

	if (r->last_tsc == 0) {
		r->last_tsc = now;
		return;
	}
	if (now - r->last_tsc < c->tsc_hz)
		return;
	sample(c, now);
	if (!cf->auto_rebalance || c->n_active < 2 ||
			!rxq_trigger(&r->whist[0][0], c->n_active, RXQ_HIST, r->newest,
				RTE_MIN(r->fresh, r->have), cf->interval_s, cf->threshold * 100))
		return;
	memset(&e, 0, sizeof(e));
	if (rxq_ctl_rebalance(c, false, NULL, &e) < 0)
		VSW_LOG(ERR, "rxq: automatic rebalance failed: %s\n", e.msg);
}

/* The last RXQ_SHOW_HIST samples of @p h (oldest first), percent. */
static json_t *
hist_json(const struct rxq_ctl *r, const uint16_t *h, uint32_t have)
{
	json_t *a = json_array();
	uint32_t k, n = RTE_MIN(RTE_MIN(have, r->have), (uint32_t)RXQ_SHOW_HIST);

	for (k = n; k > 0; k--)
		json_array_append_new(a, json_real(h[(r->newest + RXQ_HIST - (k - 1)) %
				RXQ_HIST] / 100.0));
	return a;
}

json_t *
rxq_ctl_json(const struct vsw_ctrl *c)
{
	const struct rxq_ctl *r = &c->rxq;
	const struct cfg_rxq *cf = &c->cfg.rxq;
	json_t *ws = json_array(), *qs = json_array(), *last = json_null();
	uint16_t p, q, w;

	for (w = 0; w < c->n_workers; w++) {
		uint32_t nq = 0, sum = 0, k, n = RTE_MIN(cf->interval_s, r->have);

		for (p = 0; p < VSW_MAX_PORTS; p++)
			for (q = 0; r->opened[p] && q < c->ports[p].n_rxq; q++)
				nq += r->q[p][q].worker == w;
		for (k = 0; k < n; k++)
			sum += r->whist[w][(r->newest + RXQ_HIST - k) % RXQ_HIST];
		json_array_append_new(ws, json_pack("{s:i, s:i, s:b, s:i, s:f, s:o}", "worker", w,
				"lcore", (int)c->workers[w]->lcore, "active", w < c->n_active,
				"queues", (int)nq,
				"load_pct", n == 0 ? 0.0 : sum / (double)n / 100.0,
				"history", hist_json(r, r->whist[w], r->have)));
	}
	for (p = 0; p < VSW_MAX_PORTS; p++) {
		for (q = 0; r->opened[p] && q < c->ports[p].n_rxq; q++) {
			const struct rxq_state *st = &r->q[p][q];

			json_array_append_new(qs, json_pack("{s:s, s:i, s:i, s:b, s:f, s:I, s:I, s:o}",
					"port", c->cfg.ports[p].name, "queue", q,
					"worker", st->worker == RXQ_NONE ? -1 : st->worker,
					"moving", st->hold != 0,
					"load_pct", q_load(r, st, cf->interval_s) / 100.0,
					"pps", (json_int_t)st->pps, "moves", (json_int_t)st->moves,
					"history", hist_json(r, st->hist, st->have)));
		}
	}
	if (r->last.seq != 0)
		last = json_pack("{s:I, s:I, s:b, s:b, s:f, s:f, s:i, s:i}",
				"seq", (json_int_t)r->last.seq, "time", (json_int_t)r->last.when,
				"forced", r->last.forced, "applied", r->last.applied,
				"busiest_before_pct", r->last.dry.cur_max / 100.0,
				"busiest_after_pct", r->last.dry.new_max / 100.0,
				"improvement_pct", (int)r->last.dry.improve,
				"moves", (int)r->last.dry.moves);
	return json_pack("{s:b, s:i, s:i, s:i, s:I, s:o, s:o, s:o}",
			"auto_rebalance", cf->auto_rebalance, "interval", (int)cf->interval_s,
			"threshold", (int)cf->threshold, "improvement", (int)cf->improvement,
			"rebalances", (json_int_t)r->rebalances, "last", last, "workers", ws,
			"queues", qs);
}
