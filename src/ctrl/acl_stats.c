/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ACL rule counters and the per-port metering report, as JSON for the API (acl.list,
 * acl.meter) and the statistics.
 */
#include <string.h>

#include "ctrl.h"

/* {"packets": P, "bytes": B} of rule @p i in direction @p dir. */
static json_t *
ctr_json(const struct vsw_ctrl *c, uint32_t i, int dir)
{
	struct dp_acl_ctr t = { 0, 0 };

	if (c->acl != NULL)
		t = acl_rule_total(c->acl, i, dir);
	return json_pack("{s:I, s:I}", "packets", (json_int_t)t.pkts, "bytes",
			(json_int_t)t.bytes);
}

/* Rule @p i with its index and counters (only the directions it has). */
static json_t *
rule_json(const struct vsw_ctrl *c, uint32_t i)
{
	const struct cfg_acl *r = &c->cfg.acl[i];
	json_t *o = json_pack("{s:i, s:o}", "index", i, "rule", cfg_acl_emit(r));

	if (r->dir & CFG_ACL_IN)
		json_object_set_new(o, "in", ctr_json(c, i, DP_ACL_IN));
	if (r->dir & CFG_ACL_OUT)
		json_object_set_new(o, "out", ctr_json(c, i, DP_ACL_OUT));
	return o;
}

json_t *
ctrl_acl_json(const struct vsw_ctrl *c, const char *port)
{
	json_t *a = json_array();
	uint32_t i;

	for (i = 0; i < c->cfg.n_acl; i++)
		if (port == NULL || strcmp(c->cfg.acl[i].port, port) == 0)
			json_array_append_new(a, rule_json(c, i));
	return json_pack("{s:o, s:I}", "rules", a, "stateful_flows",
			(json_int_t)dp_conn_count(c->conn));
}

json_t *
ctrl_meter_json(const struct vsw_ctrl *c, const char *port)
{
	json_t *ports = json_array();
	uint32_t p, i;

	for (p = 0; p < c->cfg.n_ports; p++) {
		const struct cfg_port *cp = &c->cfg.ports[p];
		json_t *m;

		if (!cfg_port_used(cp) || (port != NULL && strcmp(cp->name, port) != 0))
			continue;
		m = json_array();
		for (i = 0; i < c->cfg.n_acl; i++)
			if (c->cfg.acl[i].action == CFG_ACL_METER &&
					strcmp(c->cfg.acl[i].port, cp->name) == 0)
				json_array_append_new(m, rule_json(c, i));
		json_array_append_new(ports, json_pack("{s:s, s:o}", "port", cp->name,
				"meters", m));
	}
	return json_pack("{s:o}", "ports", ports);
}
