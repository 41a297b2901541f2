/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ACL rule counters and the per-port metering report, as JSON for the API (acl.list,
 * acl.meter) and the statistics.
 */
#include <stdio.h>
#include <string.h>

#include "ctrl.h"

/* Sets "<dir>_packets" and "<dir>_bytes" of rule @p i on @p o (null: not that direction). */
static void
ctr_set(const struct vsw_ctrl *c, json_t *o, uint32_t i, int dir)
{
	const char *d = dir == DP_ACL_IN ? "in" : "out";
	bool has = c->cfg.acl[i].dir & (dir == DP_ACL_IN ? CFG_ACL_IN : CFG_ACL_OUT);
	struct dp_acl_ctr t = { 0, 0 };
	char k[16];

	if (c->acl != NULL)
		t = acl_rule_total(c->acl, i, dir);
	snprintf(k, sizeof(k), "%s_packets", d);
	json_object_set_new(o, k, has ? json_integer((json_int_t)t.pkts) : json_null());
	snprintf(k, sizeof(k), "%s_bytes", d);
	json_object_set_new(o, k, has ? json_integer((json_int_t)t.bytes) : json_null());
}

/* What rule object @p o (as emitted) matches on, as "key=value ..." ("any" for none). */
static json_t *
match_str(json_t *o)
{
	static const char *const skip[] = { "port", "name", "direction", "action", "weight",
		"stateful" };
	char buf[512] = "";
	const char *k;
	size_t i, l = 0;
	json_t *v;

	json_object_foreach(o, k, v) {
		for (i = 0; i < RTE_DIM(skip) && strcmp(k, skip[i]) != 0; i++)
			;
		if (i < RTE_DIM(skip) || l >= sizeof(buf))
			continue;
		if (json_is_string(v))
			l += snprintf(buf + l, sizeof(buf) - l, "%s%s=%s", l ? " " : "", k,
					json_string_value(v));
		else
			l += snprintf(buf + l, sizeof(buf) - l, "%s%s=%" JSON_INTEGER_FORMAT,
					l ? " " : "", k, json_integer_value(v));
	}
	return json_string(l ? buf : "any");
}

/* Rule @p i as a row: index, port, name, direction, action, match, weight, counters, and
 * the rule object itself. */
static json_t *
rule_json(const struct vsw_ctrl *c, uint32_t i)
{
	const struct cfg_acl *r = &c->cfg.acl[i];
	json_t *rule = cfg_acl_emit(r);
	json_t *o = json_pack("{s:i, s:s, s:s, s:O, s:O, s:o, s:i}", "index", i, "port", r->port,
			"name", r->name, "direction", json_object_get(rule, "direction"),
			"action", json_object_get(rule, "action"), "match", match_str(rule),
			"weight", r->weight);

	ctr_set(c, o, i, DP_ACL_IN);
	ctr_set(c, o, i, DP_ACL_OUT);
	json_object_set_new(o, "rule", rule);
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
	json_t *m = json_array(), *r;
	uint32_t p, i;

	/* Port by port, in the order of the ports. */
	for (p = 0; p < c->cfg.n_ports; p++) {
		const struct cfg_port *cp = &c->cfg.ports[p];

		if (!cfg_port_used(cp) || (port != NULL && strcmp(cp->name, port) != 0))
			continue;
		for (i = 0; i < c->cfg.n_acl; i++) {
			if (c->cfg.acl[i].action != CFG_ACL_METER || c->cfg.acl[i].port_idx != p)
				continue;
			r = rule_json(c, i);
			json_object_del(r, "action");
			json_object_del(r, "weight");
			json_object_del(r, "rule");
			json_array_append_new(m, r);
		}
	}
	return json_pack("{s:o}", "meters", m);
}
