/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include <rte_graph.h>

#include "trace_api.h"
#include "trace_ctl.h"
#include "vsw_node.h"

/* Slot of the open port named by params.port, or -1 with @p err set. */
static int
port_param(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	const char *name = json_string_value(json_object_get(p, "port"));
	const struct cfg_port *cp = name != NULL ? cfg_port_find(&a->c->cfg, name) : NULL;
	int slot;

	if (cp == NULL) {
		rpc_errf(err, RPC_NOT_FOUND, "params.port", "no port is named \"%.64s\"",
				name != NULL ? name : "");
		return -1;
	}
	slot = (int)(cp - a->c->cfg.ports);
	if (!a->c->ports[slot].open) {
		rpc_errf(err, RPC_NOT_FOUND, "params.port", "port \"%.64s\" is not open", name);
		return -1;
	}
	return slot;
}

json_t *
trace_api_start(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	json_t *cnt = json_object_get(p, "count");
	uint32_t n = cnt != NULL ? (uint32_t)json_integer_value(cnt) : 1;
	int slot = port_param(a, p, err);

	if (slot < 0)
		return NULL;
	if (trace_start(a->c, (uint16_t)slot, n) != 0)
		return rpc_errf(err, RPC_INVALID_PARAMS, "params.count", "expected 1..%d",
				TRACE_COUNT_MAX);
	return json_pack("{s:s, s:i}", "port", a->c->cfg.ports[slot].name, "count", n);
}

json_t *
trace_api_stop(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	trace_stop(a->c);
	return json_pack("{s:b}", "stopped", 1);
}

json_t *
trace_api_show(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	json_t *r = trace_show_json(a->c);

	return r != NULL ? r : rpc_errf(err, RPC_INTERNAL, "", "out of memory");
}

int
trace_hex_decode(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *s != '\0'; s++) {
		if (*s == ':' || *s == '-' || *s == ' ') {
			if (hi >= 0)
				return -1;
			continue;
		}
		if (!isxdigit((unsigned char)*s))
			return -1;
		v = isdigit((unsigned char)*s) ? *s - '0' : tolower((unsigned char)*s) - 'a' + 10;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == max)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi >= 0 ? -1 : (int)n;
}

json_t *
trace_api_simulate(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	const char *hex = json_string_value(json_object_get(p, "frame_hex"));
	static uint8_t frame[TRACE_FRAME_MAX];
	int slot = port_param(a, p, err), len, rc;
	json_t *r;

	if (slot < 0)
		return NULL;
	len = trace_hex_decode(hex, frame, sizeof(frame));
	if (len <= 0)
		return rpc_errf(err, RPC_INVALID_PARAMS, "params.frame_hex", "expected 1..%d bytes "
				"of hex (\"ffffffffffff0200...\", ':' or ' ' between bytes allowed)",
				TRACE_FRAME_MAX);
	r = trace_simulate(a->c, (uint16_t)slot, frame, (uint32_t)len, &rc);
	if (r == NULL)
		return rpc_errf(err, rc == -ENOMEM ? RPC_INTERNAL : RPC_INVALID_PARAMS,
				rc == -ENOMEM ? "" : "params.frame_hex", "%s", rc == -ENOMEM ?
				"no mbuf free for the frame" : "frame longer than an mbuf holds");
	json_object_set_new(r, "port", json_string(a->c->cfg.ports[slot].name));
	return r;
}

json_t *
trace_nodes_json(const struct vsw_ctrl *c)
{
	rte_node_t id, max = rte_node_max_count();
	json_t *rows = json_array();
	uint16_t port, w;

	for (id = 0; id < max && rows != NULL; id++) {
		uint64_t calls = 0, objs = 0, cycles = 0;
		const char *name = rte_node_id_to_name(id);
		const char *pname = NULL;
		bool in_graph = false;
		json_t *row;

		if (name == NULL)
			continue;
		if (vsw_tx_node_port(name, &port)) {
			if (!cfg_port_used(&c->cfg.ports[port]))
				continue;
			pname = c->cfg.ports[port].name;
		}
		for (w = 0; w < c->n_workers; w++) {
			const struct rte_node *n = rte_graph_node_get(c->workers[w]->dp.graph_id, id);

			if (n == NULL)
				continue;
			in_graph = true;
			calls += n->total_calls;
			objs += n->total_objs;
			cycles += n->total_cycles;
		}
		if (!in_graph)
			continue;
		row = json_pack("{s:s, s:s?, s:I, s:I, s:f}", "node", name, "port", pname,
				"calls", (json_int_t)calls, "packets", (json_int_t)objs,
				"packets_per_call", calls > 0 ? (double)objs / (double)calls : 0.0);
#ifdef VSW_CYCLE_STATS
		json_object_set_new(row, "cycles", json_integer((json_int_t)cycles));
		json_object_set_new(row, "cycles_per_packet",
				json_real(objs > 0 ? (double)cycles / (double)objs : 0.0));
#else
		RTE_SET_USED(cycles);
#endif
		json_array_append_new(rows, row);
	}
	return rows;
}

json_t *
trace_api_nodes(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	json_t *r = trace_nodes_json(a->c);

	return r != NULL ? r : rpc_errf(err, RPC_INTERNAL, "", "out of memory");
}
