/* SPDX-License-Identifier: BSD-3-Clause */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_telemetry.h>

#include "ctrl.h"
#include "tele.h"
#include "trace_api.h"

/** The statistics the commands read; written by the control thread. */
static struct {
	pthread_mutex_t lock; /**< guards st (held only to swap or read it) */
	json_t *st;           /**< ctrl_stats_json() of the last refresh, or NULL */
	json_t *nodes;        /**< trace_nodes_json() of the last refresh, or NULL */
	json_t *rxq;          /**< rxq_ctl_json() of the last refresh, or NULL */
	uint64_t next;        /**< TSC of the next refresh */
} tele = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Adds the integer and string members of @p o to dict @p d. */
static void
dict_from(struct rte_tel_data *d, json_t *o)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		if (json_is_integer(v))
			rte_tel_data_add_dict_u64(d, k, (uint64_t)json_integer_value(v));
		else if (json_is_string(v))
			rte_tel_data_add_dict_string(d, k, json_string_value(v));
	}
}

/* Telemetry keys take letters, digits, '_' and '/': the others of @p key become '_'. */
static void
tel_key(char *key)
{
	for (; *key != '\0'; key++)
		if (*key == '-' || *key == '.')
			*key = '_';
}

static int
cmd_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	json_t *p;
	size_t i;

	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	pthread_mutex_lock(&tele.lock);
	json_array_foreach(json_object_get(tele.st, "ports"), i, p)
		rte_tel_data_add_array_string(d, json_string_value(json_object_get(p, "name")));
	pthread_mutex_unlock(&tele.lock);
	return 0;
}

static int
cmd_port(const char *cmd, const char *params, struct rte_tel_data *d)
{
	json_t *p;
	size_t i;
	int rc = -EINVAL;

	if (params == NULL || params[0] == '\0')
		return -EINVAL;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&tele.lock);
	json_array_foreach(json_object_get(tele.st, "ports"), i, p) {
		if (strcmp(json_string_value(json_object_get(p, "name")), params) == 0) {
			dict_from(d, p);
			rc = 0;
		}
	}
	pthread_mutex_unlock(&tele.lock);
	return rc;
}

static int
cmd_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_tel_data *drops = rte_tel_data_alloc(), *fdb = rte_tel_data_alloc();
	uint64_t hits = 0, misses = 0;
	json_t *w;
	size_t i;

	if (drops == NULL || fdb == NULL) {
		rte_tel_data_free(drops);
		rte_tel_data_free(fdb);
		return -ENOMEM;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_start_dict(drops);
	rte_tel_data_start_dict(fdb);
	pthread_mutex_lock(&tele.lock);
	rte_tel_data_add_dict_u64(d, "generation",
			(uint64_t)json_integer_value(json_object_get(tele.st, "generation")));
	rte_tel_data_add_dict_u64(d, "ports", json_array_size(json_object_get(tele.st, "ports")));
	rte_tel_data_add_dict_u64(d, "workers",
			json_array_size(json_object_get(tele.st, "workers")));
	json_array_foreach(json_object_get(tele.st, "workers"), i, w) {
		hits += (uint64_t)json_integer_value(json_object_get(w, "flow_cache_hits"));
		misses += (uint64_t)json_integer_value(json_object_get(w, "flow_cache_misses"));
	}
	rte_tel_data_add_dict_u64(d, "flow_cache_hits", hits);
	rte_tel_data_add_dict_u64(d, "flow_cache_misses", misses);
	dict_from(drops, json_object_get(tele.st, "drops"));
	dict_from(fdb, json_object_get(tele.st, "fdb"));
	pthread_mutex_unlock(&tele.lock);
	rte_tel_data_add_dict_container(d, "drops", drops, 0);
	rte_tel_data_add_dict_container(d, "fdb", fdb, 0);
	return 0;
}

static int
cmd_nodes(const char *cmd, const char *params, struct rte_tel_data *d)
{
	json_t *n;
	size_t i;

	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&tele.lock);
	json_array_foreach(tele.nodes, i, n) {
		struct rte_tel_data *nd = rte_tel_data_alloc();
		char key[RTE_TEL_MAX_STRING_LEN];

		if (nd == NULL)
			break;
		rte_tel_data_start_dict(nd);
		dict_from(nd, n);
		/* "vswtx-1" is "vswtx_1". */
		snprintf(key, sizeof(key), "%s", json_string_value(json_object_get(n, "node")));
		tel_key(key);
		/* A refused container stays ours to free. */
		if (rte_tel_data_add_dict_container(d, key, nd, 0) != 0)
			rte_tel_data_free(nd);
	}
	pthread_mutex_unlock(&tele.lock);
	return 0;
}

/* A load in percent as telemetry's integers take it: basis points. */
static uint64_t
load_bp(json_t *o)
{
	return (uint64_t)(json_number_value(json_object_get(o, "load_pct")) * 100 + 0.5);
}

static int
cmd_rxq(const char *cmd, const char *params, struct rte_tel_data *d)
{
	json_t *o;
	size_t i;

	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&tele.lock);
	json_array_foreach(json_object_get(tele.rxq, "workers"), i, o) {
		struct rte_tel_data *w = rte_tel_data_alloc();
		char key[32];

		if (w == NULL)
			break;
		rte_tel_data_start_dict(w);
		rte_tel_data_add_dict_u64(w, "lcore", (uint64_t)json_integer_value(
				json_object_get(o, "lcore")));
		rte_tel_data_add_dict_u64(w, "active", json_is_true(json_object_get(o, "active")));
		rte_tel_data_add_dict_u64(w, "queues", (uint64_t)json_integer_value(
				json_object_get(o, "queues")));
		rte_tel_data_add_dict_u64(w, "load_bp", load_bp(o));
		snprintf(key, sizeof(key), "worker_%zu", i);
		if (rte_tel_data_add_dict_container(d, key, w, 0) != 0)
			rte_tel_data_free(w);
	}
	json_array_foreach(json_object_get(tele.rxq, "queues"), i, o) {
		struct rte_tel_data *q = rte_tel_data_alloc();
		char key[RTE_TEL_MAX_STRING_LEN];
		json_t *wk = json_object_get(o, "worker");

		if (q == NULL)
			break;
		rte_tel_data_start_dict(q);
		rte_tel_data_add_dict_int(q, "worker", (int)json_integer_value(wk));
		rte_tel_data_add_dict_u64(q, "load_bp", load_bp(o));
		rte_tel_data_add_dict_u64(q, "pps", (uint64_t)json_integer_value(
				json_object_get(o, "pps")));
		/* "vm-1" queue 2 is "vm_1/2". */
		snprintf(key, sizeof(key), "%s/%d", json_string_value(json_object_get(o, "port")),
				(int)json_integer_value(json_object_get(o, "queue")));
		tel_key(key);
		if (rte_tel_data_add_dict_container(d, key, q, 0) != 0)
			rte_tel_data_free(q);
	}
	pthread_mutex_unlock(&tele.lock);
	return 0;
}

int
tele_init(void)
{
	int rc;

	rc = rte_telemetry_register_cmd("/vswd/ports", cmd_ports, "vswd port names");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/vswd/port", cmd_port,
				"one vswd port: state and counters. Parameter: port name");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/vswd/stats", cmd_stats,
				"vswd totals: drops by reason, MAC table, flow cache");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/vswd/nodes", cmd_nodes,
				"per-node counters of the datapath graph (calls, packets)");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/vswd/rxq", cmd_rxq,
				"RX queue placement: each worker's and queue's load (basis points)");
	return rc;
}

void
tele_update(const struct vsw_ctrl *c)
{
	uint64_t now = rte_rdtsc();
	json_t *st, *old, *nodes, *old_nodes, *rxq, *old_rxq;

	if (now < tele.next)
		return;
	tele.next = now + c->tsc_hz / 5;
	st = ctrl_stats_json(c);
	nodes = trace_nodes_json(c);
	rxq = rxq_ctl_json(c);
	pthread_mutex_lock(&tele.lock);
	old_rxq = tele.rxq;
	tele.rxq = rxq;
	old = tele.st;
	tele.st = st;
	old_nodes = tele.nodes;
	tele.nodes = nodes;
	pthread_mutex_unlock(&tele.lock);
	json_decref(old);
	json_decref(old_nodes);
	json_decref(old_rxq);
}

void
tele_fini(void)
{
	pthread_mutex_lock(&tele.lock);
	json_decref(tele.st);
	tele.st = NULL;
	json_decref(tele.nodes);
	tele.nodes = NULL;
	json_decref(tele.rxq);
	tele.rxq = NULL;
	pthread_mutex_unlock(&tele.lock);
}
