/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Statistics: the control thread sums the workers' plain counters (each written by one
 * worker only) and adds the devices' own counters. Read on demand, never on the datapath.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_ethdev.h>

#include "ctrl.h"

/* Worker counters reported (and reset): X(enum suffix, field of struct dp_worker, name in the
 * statistics). */
#define WORKER_CTRS(X) X(busy, busy_cycles, "busy_cycles") \
	X(idle, idle_cycles, "idle_cycles") X(stolen, stolen_cycles, "stolen_cycles") \
	X(loops, loops, "loops") \
	X(rxb, rx_bursts, "rx_bursts") X(txb, tx_bursts, "tx_bursts") \
	X(lpost, learn_posted, "learn_posted") X(llost, learn_lost, "learn_lost") \
	X(fmiss, fdb_cache_miss, "fdb_cache_misses") X(fch, fcache_hits, "flow_cache_hits") \
	X(fcm, fcache_misses, "flow_cache_misses") X(mirror, mirror_copies, "mirror_copies") \
	X(cpost, conn->posted, "acl_flows_posted") X(clost, conn->lost, "acl_flows_lost") \
	X(tlost, trace_lost, "trace_lost") X(ihand, ipsec_handoffs, "ipsec_handoffs")

#define WCTR_ENUM_(e, f, name) WCTR_##e,
enum { WORKER_CTRS(WCTR_ENUM_) WCTR_MAX };
#undef WCTR_ENUM_

/** Counter values at the last reset; reports are differences from these. */
struct ctrl_stats_base {
	struct dp_port_ctr port[VSW_MAX_PORTS];          /**< per port slot, summed */
	uint64_t worker[VSW_MAX_WORKERS][WCTR_MAX];      /**< per worker */
	uint64_t drops[DP_DROP_MAX];                     /**< per reason, summed */
};

int
ctrl_stats_init(struct vsw_ctrl *c)
{
	c->base = calloc(1, sizeof(*c->base));
	return c->base != NULL ? 0 : -ENOMEM;
}

/* Sum of one port's counters over the workers. */
static void
stats_port_sum(const struct vsw_ctrl *c, uint16_t port, struct dp_port_ctr *t)
{
	uint16_t w;

	memset(t, 0, sizeof(*t));
	for (w = 0; w < c->n_workers; w++) {
		const struct dp_port_ctr *p = &c->workers[w]->dp.port[port];

		t->rx_pkts += p->rx_pkts;
		t->rx_bytes += p->rx_bytes;
		t->rx_drops += p->rx_drops;
		t->tx_pkts += p->tx_pkts;
		t->tx_bytes += p->tx_bytes;
		t->tx_drops += p->tx_drops;
	}
}

/* Sum since the baseline. */
static void
stats_port_since(const struct vsw_ctrl *c, uint16_t port, struct dp_port_ctr *t)
{
	const struct dp_port_ctr *b;

	stats_port_sum(c, port, t);
	b = &c->base->port[port];
	t->rx_pkts -= b->rx_pkts;
	t->rx_bytes -= b->rx_bytes;
	t->rx_drops -= b->rx_drops;
	t->tx_pkts -= b->tx_pkts;
	t->tx_bytes -= b->tx_bytes;
	t->tx_drops -= b->tx_drops;
}

/* Per-queue device counters of port @p i, with the worker polling each RX queue. */
static json_t *
stats_queues(const struct vsw_ctrl *c, uint16_t i, const struct rte_eth_stats *es)
{
	const struct pmd_port *pp = &c->ports[i];
	const struct dp_snap *s = c->sh.snap;
	json_t *a = json_array();
	uint16_t q, n = RTE_MAX(pp->n_rxq, pp->n_txq), w, k;

	for (q = 0; q < n && q < RTE_ETHDEV_QUEUE_STAT_CNTRS; q++) {
		int poller = -1;

		for (w = 0; s != NULL && q < pp->n_rxq && w < c->n_workers; w++)
			for (k = 0; k < s->plan[w].n_rxq; k++)
				if (s->plan[w].rxq[k].port == i && s->plan[w].rxq[k].queue == q)
					poller = w;
		json_array_append_new(a, json_pack("{s:i, s:i, s:I, s:I, s:I, s:I}",
				"queue", q, "rx_worker", poller,
				"rx_packets", (json_int_t)es->q_ipackets[q],
				"rx_bytes", (json_int_t)es->q_ibytes[q],
				"tx_packets", (json_int_t)es->q_opackets[q],
				"tx_bytes", (json_int_t)es->q_obytes[q]));
	}
	return a;
}

static json_t *
stats_ports(const struct vsw_ctrl *c)
{
	json_t *a = json_array();
	uint16_t i;

	for (i = 0; i < c->cfg.n_ports; i++) {
		const struct pmd_port *pp = &c->ports[i];
		struct rte_eth_stats es = { 0 };
		struct dp_port_ctr t;

		if (!pp->open || !cfg_port_used(&c->cfg.ports[i]))
			continue;
		stats_port_since(c, i, &t);
		rte_eth_stats_get(pp->eth_id, &es);
		json_array_append_new(a, json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:I, s:I, s:I, "
				"s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
				"name", c->cfg.ports[i].name, "index", i,
				"type", cfg_port_type_name(c->cfg.ports[i].type),
				"driver", pp->driver,
				"link", pp->link_up ? "up" : "down",
				"admin", c->cfg.ports[i].admin_up ? "up" : "down",
				"rx_packets", (json_int_t)t.rx_pkts, "rx_bytes", (json_int_t)t.rx_bytes,
				"rx_dropped", (json_int_t)t.rx_drops,
				"tx_packets", (json_int_t)t.tx_pkts, "tx_bytes", (json_int_t)t.tx_bytes,
				"tx_dropped", (json_int_t)t.tx_drops,
				"dev_rx_missed", (json_int_t)es.imissed,
				"dev_rx_nombuf", (json_int_t)es.rx_nombuf,
				"dev_errors", (json_int_t)(es.ierrors + es.oerrors),
				"queues", stats_queues(c, i, &es)));
	}
	return a;
}

/* Worker counter @p k of worker @p w as the worker has it (since start). */
static uint64_t
worker_raw(const struct vsw_ctrl *c, uint16_t w, int k)
{
	const struct dp_worker *d = &c->workers[w]->dp;
	uint64_t v = 0;

#define WCTR_GET_(e, f, name) case WCTR_##e: v = d->f; break;
	switch (k) {
	WORKER_CTRS(WCTR_GET_)
	}
#undef WCTR_GET_
	return v;
}

/* Drops for reason @p r summed over the workers (since start). */
static uint64_t
drops_raw(const struct vsw_ctrl *c, int r)
{
	uint64_t n = 0;
	uint16_t w;

	for (w = 0; w < c->n_workers; w++)
		n += c->workers[w]->dp.drops[r];
	return n;
}

static json_t *
stats_workers(const struct vsw_ctrl *c)
{
	static const char *const names[] = {
#define WCTR_NAME_(e, f, name) name,
		WORKER_CTRS(WCTR_NAME_)
#undef WCTR_NAME_
	};
	const struct dp_snap *s = c->sh.snap;
	json_t *a = json_array();
	uint16_t w, i;
	int k;

	for (w = 0; w < c->n_workers; w++) {
		const struct pmd_worker *pw = c->workers[w];
		json_t *rxq = json_array(), *o;

		for (i = 0; s != NULL && i < s->plan[w].n_rxq; i++)
			json_array_append_new(rxq, json_pack("{s:s, s:i}", "port",
					c->cfg.ports[s->plan[w].rxq[i].port].name,
					"queue", s->plan[w].rxq[i].queue));
		o = json_pack("{s:i, s:i, s:I, s:o}", "id", w, "lcore", pw->lcore,
				"heartbeat", (json_int_t)pw->heartbeat, "rx_queues", rxq);
		for (k = 0; k < WCTR_MAX; k++)
			json_object_set_new(o, names[k], json_integer((json_int_t)(worker_raw(c, w, k) -
					c->base->worker[w][k])));
#ifdef VSW_CYCLE_STATS
		{
			json_t *sc = json_object();

			for (i = 0; i < DP_STAGE_MAX; i++)
				json_object_set_new(sc, dp_stage_name(i),
						json_integer((json_int_t)pw->dp.stage_cycles[i]));
			json_object_set_new(o, "stage_cycles", sc);
		}
#endif
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
stats_drops(const struct vsw_ctrl *c)
{
	json_t *o = json_object();
	uint64_t total = 0, n;
	int r;

	for (r = 0; r < DP_DROP_MAX; r++) {
		n = drops_raw(c, r) - c->base->drops[r];
		json_object_set_new(o, dp_drop_name(r), json_integer((json_int_t)n));
		total += n;
	}
	json_object_set_new(o, "total", json_integer((json_int_t)total));
	return o;
}

void
ctrl_stats_port_zero(struct vsw_ctrl *c, uint16_t slot)
{
	stats_port_sum(c, slot, &c->base->port[slot]);
	if (c->ports[slot].open)
		rte_eth_stats_reset(c->ports[slot].eth_id);
}

void
ctrl_stats_reset(struct vsw_ctrl *c)
{
	struct ctrl_stats_base *b = c->base;
	uint16_t i, w;
	int k;

	for (w = 0; w < c->n_workers; w++)
		for (k = 0; k < WCTR_MAX; k++)
			b->worker[w][k] = worker_raw(c, w, k);
	for (k = 0; k < DP_DROP_MAX; k++)
		b->drops[k] = drops_raw(c, k);
	for (i = 0; i < c->cfg.n_ports; i++)
		if (cfg_port_used(&c->cfg.ports[i]))
			ctrl_stats_port_zero(c, i);
}

json_t *
ctrl_stats_json(const struct vsw_ctrl *c)
{
	const struct dp_fdb_stats *f = &c->fdb->st;

	return json_pack("{s:I, s:o, s:o, s:o, s:{s:i, s:i, s:i, s:I, s:I, s:I, s:I}, "
			"s:{s:i, s:i}, s:{s:i, s:I, s:I, s:I}}",
			"generation", (json_int_t)c->gen,
			"ports", stats_ports(c),
			"workers", stats_workers(c),
			"drops", stats_drops(c),
			"fdb", "dynamic", f->n_dynamic, "static", f->n_static,
			"max_dynamic", f->max_dynamic, "learned", (json_int_t)f->learned,
			"moved", (json_int_t)f->moved, "aged", (json_int_t)f->aged,
			"overflow", (json_int_t)f->overflow,
			"mbufs", "size", c->mem.pool_mbufs,
			"in_use", c->pool != NULL ? rte_mempool_in_use_count(c->pool) : 0,
			"acl_flows", "count", dp_conn_count(c->conn), "added",
			(json_int_t)c->conn->added, "aged", (json_int_t)c->conn->aged,
			"full", (json_int_t)c->conn->full);
}

void
ctrl_stats_print(const struct vsw_ctrl *c)
{
	json_t *st = ctrl_stats_json(c), *p, *v;
	const char *k;
	char *line;
	size_t i;

	printf("%-16s %-5s %12s %12s %10s %12s %12s %10s\n", "port", "link", "rx_pkts",
			"rx_bytes", "rx_drop", "tx_pkts", "tx_bytes", "tx_drop");
	json_array_foreach(json_object_get(st, "ports"), i, p)
		printf("%-16s %-5s %12" JSON_INTEGER_FORMAT " %12" JSON_INTEGER_FORMAT " %10"
				JSON_INTEGER_FORMAT " %12" JSON_INTEGER_FORMAT " %12"
				JSON_INTEGER_FORMAT " %10" JSON_INTEGER_FORMAT "\n",
				json_string_value(json_object_get(p, "name")),
				json_string_value(json_object_get(p, "link")),
				json_integer_value(json_object_get(p, "rx_packets")),
				json_integer_value(json_object_get(p, "rx_bytes")),
				json_integer_value(json_object_get(p, "rx_dropped")),
				json_integer_value(json_object_get(p, "tx_packets")),
				json_integer_value(json_object_get(p, "tx_bytes")),
				json_integer_value(json_object_get(p, "tx_dropped")));
	json_object_foreach(json_object_get(st, "drops"), k, v)
		if (json_integer_value(v) != 0)
			printf("drop %-28s %12" JSON_INTEGER_FORMAT "\n", k, json_integer_value(v));
	line = json_dumps(st, JSON_COMPACT);
	if (line != NULL)
		printf("vswd-stats %s\n", line);
	free(line);
	fflush(stdout);
	json_decref(st);
}
