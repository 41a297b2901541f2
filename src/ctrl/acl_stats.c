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

/* What rule @p r matches on, as "key=value ..." ("any" for none). */
static json_t *
match_str(const struct cfg_acl *r)
{
	static const char *const skip[] = { "port", "name", "direction", "action", "weight",
		"stateful" };
	json_t *o = cfg_acl_emit(r), *v;
	char buf[512] = "";
	const char *k;
	size_t i, l = 0;

	for (i = 0; i < RTE_DIM(skip); i++)
		json_object_del(o, skip[i]);
	json_object_foreach(o, k, v) {
		if (json_is_string(v))
			l += snprintf(buf + l, l < sizeof(buf) ? sizeof(buf) - l : 0, "%s%s=%s",
					l ? " " : "", k, json_string_value(v));
		else
			l += snprintf(buf + l, l < sizeof(buf) ? sizeof(buf) - l : 0, "%s%s=%"
					JSON_INTEGER_FORMAT, l ? " " : "", k, json_integer_value(v));
	}
	json_decref(o);
	return json_string(l ? buf : "any");
}

/* Rule @p i as a row: index, port, name, direction, action, match, counters, the rule. */
static json_t *
rule_json(const struct vsw_ctrl *c, uint32_t i)
{
	static const char *const dirs[] = { "", "in", "out", "both" };
	static const char *const acts[] = { "allow", "deny", "meter" };
	const struct cfg_acl *r = &c->cfg.acl[i];
	json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:o, s:i}", "index", i, "port", r->port,
			"name", r->name, "direction", dirs[r->dir & 3], "action", acts[r->action % 3],
			"match", match_str(r), "weight", r->weight);

	ctr_set(c, o, i, DP_ACL_IN);
	ctr_set(c, o, i, DP_ACL_OUT);
	json_object_set_new(o, "rule", cfg_acl_emit(r));
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
			if (c->cfg.acl[i].action != CFG_ACL_METER ||
					strcmp(c->cfg.acl[i].port, cp->name) != 0)
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
