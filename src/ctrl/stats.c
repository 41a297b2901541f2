/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Statistics: the control thread sums the workers' plain counters (each written by one
 * worker only) and adds the devices' own counters. Read on demand, never on the datapath.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_ethdev.h>

#include "ctrl.h"

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

static json_t *
stats_ports(const struct vsw_ctrl *c)
{
	json_t *a = json_array();
	uint16_t i;

	for (i = 0; i < c->cfg.n_ports; i++) {
		const struct pmd_port *pp = &c->ports[i];
		struct rte_eth_stats es = { 0 };
		struct dp_port_ctr t;

		if (!pp->open)
			continue;
		stats_port_sum(c, i, &t);
		rte_eth_stats_get(pp->eth_id, &es);
		json_array_append_new(a, json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:I, s:I, s:I, "
				"s:I, s:I, s:I, s:I, s:I, s:I}",
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
				"dev_errors", (json_int_t)(es.ierrors + es.oerrors)));
	}
	return a;
}

static json_t *
stats_workers(const struct vsw_ctrl *c)
{
	const struct dp_snap *s = c->sh.snap;
	json_t *a = json_array();
	uint16_t w, i;

	for (w = 0; w < c->n_workers; w++) {
		const struct pmd_worker *pw = c->workers[w];
		const struct dp_worker *d = &pw->dp;
		json_t *rxq = json_array(), *o;

		for (i = 0; s != NULL && i < s->plan[w].n_rxq; i++)
			json_array_append_new(rxq, json_pack("{s:s, s:i}", "port",
					c->cfg.ports[s->plan[w].rxq[i].port].name,
					"queue", s->plan[w].rxq[i].queue));
		o = json_pack("{s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
				"s:o}",
				"id", w, "lcore", pw->lcore,
				"busy_cycles", (json_int_t)d->busy_cycles,
				"idle_cycles", (json_int_t)d->idle_cycles,
				"loops", (json_int_t)d->loops,
				"rx_bursts", (json_int_t)d->rx_bursts,
				"tx_bursts", (json_int_t)d->tx_bursts,
				"heartbeat", (json_int_t)pw->heartbeat,
				"learn_posted", (json_int_t)d->learn_posted,
				"learn_lost", (json_int_t)d->learn_lost,
				"fdb_cache_misses", (json_int_t)d->fdb_cache_miss,
				"flow_cache_hits", (json_int_t)d->fcache_hits,
				"flow_cache_misses", (json_int_t)d->fcache_misses,
				"rx_queues", rxq);
#ifdef VSW_CYCLE_STATS
		{
			json_t *sc = json_object();

			for (i = 0; i < DP_STAGE_MAX; i++)
				json_object_set_new(sc, dp_stage_name(i),
						json_integer((json_int_t)d->stage_cycles[i]));
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
	uint16_t w;
	int r;

	for (r = 0; r < DP_DROP_MAX; r++) {
		for (n = 0, w = 0; w < c->n_workers; w++)
			n += c->workers[w]->dp.drops[r];
		json_object_set_new(o, dp_drop_name(r), json_integer((json_int_t)n));
		total += n;
	}
	json_object_set_new(o, "total", json_integer((json_int_t)total));
	return o;
}

json_t *
ctrl_stats_json(const struct vsw_ctrl *c)
{
	const struct dp_fdb_stats *f = &c->fdb->st;

	return json_pack("{s:I, s:o, s:o, s:o, s:{s:i, s:i, s:i, s:I, s:I, s:I, s:I}, "
			"s:{s:i, s:i}}",
			"generation", (json_int_t)c->gen,
			"ports", stats_ports(c),
			"workers", stats_workers(c),
			"drops", stats_drops(c),
			"fdb", "dynamic", f->n_dynamic, "static", f->n_static,
			"max_dynamic", f->max_dynamic, "learned", (json_int_t)f->learned,
			"moved", (json_int_t)f->moved, "aged", (json_int_t)f->aged,
			"overflow", (json_int_t)f->overflow,
			"mbufs", "size", c->mem.n_mbufs,
			"in_use", c->pool != NULL ? rte_mempool_in_use_count(c->pool) : 0);
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
