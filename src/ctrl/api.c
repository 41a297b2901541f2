/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_version.h>

#include "api.h"
#include "acl_api.h"
#include "ipsec_api.h"
#include "rxq_api.h"
#include "ipsec_cfg.h"
#include "trace_api.h"
#include "persist.h"
#include "vsw_log.h"
#include "vsw_version.h"

/** Parameter types. */
enum api_type { A_STR, A_INT, A_BOOL, A_OBJ, A_ANY };

static const char *const type_names[] = { "string", "integer", "boolean", "object", "any" };

/** One parameter of a method. */
struct api_param {
	const char *name;  /**< key in params */
	enum api_type type; /**< its JSON type */
	bool required;     /**< must be present */
	const char *help;  /**< one line */
	json_int_t min;    /**< A_INT: smallest value (with max) */
	json_int_t max;    /**< A_INT: largest value; min = max = 0: any */
};

typedef json_t *(*api_fn)(struct vsw_api *a, json_t *p, struct rpc_error *err);

/** One method. */
struct api_method {
	const char *name;               /**< method name */
	api_fn fn;                      /**< implementation */
	bool mutates;                   /**< changes state: logged with the peer's credentials */
	bool open_params;               /**< params beyond the table go to fn (a port object) */
	const char *help;               /**< one line */
	struct api_param params[6];     /**< parameters, ended by a NULL name */
};

static const struct api_method methods[];
static json_t *api_config_get(struct vsw_api *a, json_t *p, struct rpc_error *err);

/* --- helpers ----------------------------------------------------------------------------- */

/* "$.ports[3].vlan" -> "params.config.ports[3].vlan"; the element "$.ports[k]" itself (when
 * @p elem is not NULL: the method's params are that element) -> "params". */
static void
map_path(char *out, size_t len, const char *path, const char *elem)
{
	size_t l = elem != NULL ? strlen(elem) : 0;

	if (elem != NULL && strncmp(path, elem, l) == 0 && (path[l] == '\0' || path[l] == '.'))
		snprintf(out, len, "params%s", path + l);
	else
		snprintf(out, len, "params.config%s", path[0] == '$' ? path + 1 : path);
}

/*
 * Validates @p doc (a reference this call takes) as a whole configuration and applies it, or
 * only reports (@p dry_run). Error paths are mapped by map_path() with @p elem.
 */
json_t *
api_apply_doc(struct vsw_api *a, json_t *doc, bool dry_run, const char *elem, struct rpc_error *err)
{
	struct vsw_config *next = malloc(sizeof(*next));
	struct ctrl_err e = { "$", "" };
	json_t *report = NULL, *res;
	bool doc_seen = next != NULL && doc != NULL;
	char path[300], msg[300];
	int rc;

	rc = doc_seen ? cfg_parse(doc, next, &e) : -ENOMEM;
	json_decref(doc);
	if (rc == -ENOMEM) {
		free(next);
		map_path(path, sizeof(path), e.path, elem);
		return rpc_errf(err, RPC_INTERNAL, doc_seen ? path : NULL, "out of memory");
	}
	if (rc != 0) {
		free(next);
		map_path(path, sizeof(path), e.path, elem);
		return rpc_errf(err, RPC_INVALID_PARAMS, path, "%s", e.msg);
	}
	rc = ctrl_config_apply(a->c, next, dry_run, &report, &e);
	cfg_free(next);
	free(next);
	if (rc != 0) {
		map_path(path, sizeof(path), e.path, elem);
		return rpc_errf(err, rc == -ENOTSUP ? RPC_RESTART : rc == -ENOMEM ? RPC_INTERNAL :
				RPC_FAILED, path, "%s", e.msg);
	}
	if (dry_run)
		return json_pack("{s:b, s:o}", "valid", 1, "changes", report);
	res = json_pack("{s:I, s:o}", "generation", (json_int_t)a->c->cfg_gen, "changes", report);
	if (a->running[0] != '\0') {
		json_t *cur = cfg_emit(&a->c->cfg);

		rc = cur != NULL ? persist_save(a->running, cur, msg, sizeof(msg)) : -ENOMEM;
		json_decref(cur);
		if (rc != 0)
			VSW_LOG(ERR, "saving the running config: %s\n", msg);
		json_object_set_new(res, "saved", json_boolean(rc == 0));
	}
	return res;
}

/* The running document (new reference) with @p section's array element @p k replaced by
 * @p v (k == size: appended; v == NULL: removed). */
json_t *
api_doc_edit(struct vsw_api *a, const char *section, size_t k, json_t *v)
{
	json_t *doc = cfg_emit(&a->c->cfg), *arr = json_object_get(doc, section);

	if (k == json_array_size(arr))
		json_array_append(arr, v);
	else if (v != NULL)
		json_array_set(arr, k, v);
	else
		json_array_remove(arr, k);
	return doc;
}

/* Index of the running port @p name in the document's "ports" (used slots in order). */
static int
port_doc_index(const struct vsw_ctrl *c, const char *name, int *slot)
{
	uint32_t i;
	int k = 0;

	for (i = 0; i < c->cfg.n_ports; i++) {
		if (!cfg_port_used(&c->cfg.ports[i]))
			continue;
		if (strcmp(c->cfg.ports[i].name, name) == 0) {
			if (slot != NULL)
				*slot = (int)i;
			return k;
		}
		k++;
	}
	return -1;
}

static json_t *
no_port(struct rpc_error *err, const char *name)
{
	return rpc_errf(err, RPC_NOT_FOUND, "params.name", "no port is named \"%.64s\"", name);
}

const char *
api_str_param(json_t *p, const char *key)
{
	return json_string_value(json_object_get(p, key));
}

/* --- methods ----------------------------------------------------------------------------- */

static json_t *
method_json(const struct api_method *m)
{
	json_t *ps = json_array();
	const struct api_param *p;

	for (p = m->params; p->name != NULL; p++)
		json_array_append_new(ps, json_pack("{s:s, s:s, s:b, s:s}", "name", p->name,
				"type", type_names[p->type], "required", p->required, "help", p->help));
	return json_pack("{s:s, s:s, s:b, s:b, s:o}", "method", m->name, "help", m->help,
			"changes_state", m->mutates, "document", m->fn == api_config_get, "params", ps);
}

static json_t *
api_help(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	const char *name = api_str_param(p, "method");
	const struct api_method *m;
	json_t *arr;

	for (m = methods; m->name != NULL; m++)
		if (name != NULL && strcmp(m->name, name) == 0)
			return method_json(m);
	if (name != NULL)
		return rpc_errf(err, RPC_NOT_FOUND, "params.method", "no method \"%.64s\"", name);
	arr = json_array();
	for (m = methods; m->name != NULL; m++)
		json_array_append_new(arr, method_json(m));
	return arr;
}

static json_t *
api_list(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	const struct api_method *m;
	json_t *arr = json_array();

	for (m = methods; m->name != NULL; m++)
		json_array_append_new(arr, json_pack("{s:s, s:s}", "method", m->name,
				"help", m->help));
	return arr;
}

static json_t *
api_version(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	return json_pack("{s:s, s:s, s:i, s:I, s:i, s:I}", "vswd", VSW_VERSION,
			"dpdk", rte_version(), "api", 1,
			"config_generation", (json_int_t)a->c->cfg_gen, "pid", (int)getpid(),
			"uptime_s", (json_int_t)((rte_rdtsc() - a->started) / a->c->tsc_hz));
}

/* The running document as the API shows it: IPsec keys hidden. */
static json_t *
api_config_get(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	json_t *doc = cfg_emit(&a->c->cfg);

	if (doc != NULL && json_object_get(doc, "ipsec") != NULL)
		json_object_set_new(doc, "ipsec", ipsec_cfg_emit(&a->c->cfg.ipsec, true));
	return doc != NULL ? doc : rpc_errf(err, RPC_INTERNAL, NULL, "out of memory");
}

/* config.validate / config.apply: absent "dpdk", "switch", "api" and "rxq" keep running
 * values. */
static json_t *
config_doc(struct vsw_api *a, json_t *p)
{
	json_t *doc = json_deep_copy(json_object_get(p, "config"));
	json_t *cur = cfg_emit(&a->c->cfg);
	const char *const keep[] = { "dpdk", "switch", "api", "rxq" };
	size_t i;

	for (i = 0; i < RTE_DIM(keep); i++)
		if (json_object_get(doc, keep[i]) == NULL)
			json_object_set(doc, keep[i], json_object_get(cur, keep[i]));
	/* What config.get showed applies back: hidden keys are the running SAs'. */
	ipsec_cfg_unhide(json_object_get(doc, "ipsec"), &a->c->cfg.ipsec);
	json_decref(cur);
	return doc;
}

static json_t *
api_config_validate(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	return api_apply_doc(a, config_doc(a, p), true, NULL, err);
}

static json_t *
api_config_apply(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	return api_apply_doc(a, config_doc(a, p), false, NULL, err);
}

/* Applies the running document with element @p k of @p section set to @p v (k == its size:
 * appended); errors in @p v name "params.<key>". */
json_t *
api_element_apply(struct vsw_api *a, const char *section, size_t k, json_t *v,
		struct rpc_error *err)
{
	char elem[32];

	snprintf(elem, sizeof(elem), "$.%s[%zu]", section, k);
	return api_apply_doc(a, api_doc_edit(a, section, k, v), false, elem, err);
}

static json_t *
api_port_add(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	return api_element_apply(a, "ports", cfg_port_count(&a->c->cfg), p, err);
}

static json_t *
api_port_del(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	static const char *const sections[] = { "fdb", "acl" };
	const char *name = api_str_param(p, "name");
	int k = port_doc_index(a->c, name, NULL);
	json_t *doc, *fdb, *f;
	size_t i, s;

	if (k < 0)
		return no_port(err, name);
	doc = api_doc_edit(a, "ports", (size_t)k, NULL);
	/* Its static MAC entries and ACL rules go with it. */
	for (s = 0; s < RTE_DIM(sections); s++) {
		fdb = json_object_get(doc, sections[s]);
		for (i = json_array_size(fdb); i-- > 0;) {
			f = json_array_get(fdb, i);
			if (strcmp(json_string_value(json_object_get(f, "port")), name) == 0)
				json_array_remove(fdb, i);
		}
	}
	return api_apply_doc(a, doc, false, NULL, err);
}

static json_t *
api_port_set(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	const char *name = api_str_param(p, "name");
	int slot, k = port_doc_index(a->c, name, &slot);
	json_t *port, *r;

	if (k < 0)
		return no_port(err, name);
	port = cfg_port_emit(&a->c->cfg.ports[slot]);
	json_object_update(port, p);
	r = api_element_apply(a, "ports", (size_t)k, port, err);
	json_decref(port);
	return r;
}

/* "access 10" or "trunk 10,20-30 native 1". */
static json_t *
vlan_summary(const struct cfg_port *cp)
{
	json_t *v = cfg_port_emit(cp), *vl = json_object_get(v, "vlan"), *x;
	char buf[512];
	size_t i, o;

	if (cp->vlan_mode == DP_VLAN_ACCESS) {
		snprintf(buf, sizeof(buf), "access %u", cp->access_vlan);
	} else {
		o = (size_t)snprintf(buf, sizeof(buf), "trunk ");
		json_array_foreach(json_object_get(vl, "allowed"), i, x) {
			if (o >= sizeof(buf))
				break;
			if (json_is_integer(x))
				o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%" JSON_INTEGER_FORMAT,
						i ? "," : "", json_integer_value(x));
			else
				o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? "," : "",
						json_string_value(x));
		}
		if (o < sizeof(buf) && cp->native_vlan != 0)
			snprintf(buf + o, sizeof(buf) - o, " native %u", cp->native_vlan);
	}
	json_decref(v);
	return json_string(buf);
}

static json_t *
port_row(const struct vsw_ctrl *c, uint16_t i)
{
	const struct cfg_port *cp = &c->cfg.ports[i];
	const struct pmd_port *pp = &c->ports[i];

	return json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:o, s:i, s:i}", "name", cp->name,
			"index", i, "type", cfg_port_type_name(cp->type), "driver", pp->driver,
			"admin", cp->admin_up ? "up" : "down", "link", pp->link_up ? "up" : "down",
			"vlan", vlan_summary(cp), "mtu", cp->mtu, "queues", cp->queues);
}

static json_t *
api_port_list(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	json_t *arr = json_array();
	uint16_t i;

	for (i = 0; i < a->c->cfg.n_ports; i++)
		if (cfg_port_used(&a->c->cfg.ports[i]))
			json_array_append_new(arr, port_row(a->c, i));
	return arr;
}

static json_t *
api_port_show(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	const char *name = api_str_param(p, "name");
	const struct pmd_port *pp;
	json_t *st, *sp, *x, *res;
	int slot;
	size_t i;

	if (port_doc_index(a->c, name, &slot) < 0)
		return no_port(err, name);
	pp = &a->c->ports[slot];
	st = ctrl_stats_json(a->c);
	sp = json_object();
	json_array_foreach(json_object_get(st, "ports"), i, x)
		if (strcmp(json_string_value(json_object_get(x, "name")), name) == 0)
			json_object_update(sp, x);
	json_decref(st);
	res = port_row(a->c, (uint16_t)slot);
	json_object_set_new(res, "config", cfg_port_emit(&a->c->cfg.ports[slot]));
	json_object_set_new(res, "state", json_pack("{s:i, s:i, s:i, s:i, s:b, s:s}",
			"ethdev", pp->eth_id, "link_speed_mbps", pp->link_speed, "rx_queues",
			pp->n_rxq, "tx_queues", pp->n_txq, "tx_handoff", pp->handoff != NULL,
			"device", pp->devname));
	json_object_set_new(res, "stats", sp);
	if ((x = vmq_ctl_json(a->c, (uint16_t)slot)) != NULL)
		json_object_set_new(res, "vmq", x);
	if ((x = repr_ctl_json(a->c, (uint16_t)slot)) != NULL)
		json_object_set_new(res, "offload", x);
	return res;
}

/* Parses "mac" (and "vlan", default 1) of @p p into a MAC table key. */
static int
fdb_key_param(json_t *p, uint64_t *key, struct rpc_error *err)
{
	struct rte_ether_addr mac;
	json_t *v = json_object_get(p, "vlan");
	json_int_t vid = v != NULL ? json_integer_value(v) : 1; /* range: the table */

	if (rte_ether_unformat_addr(api_str_param(p, "mac"), &mac) != 0) {
		rpc_errf(err, RPC_INVALID_PARAMS, "params.mac", "expected xx:xx:xx:xx:xx:xx");
		return -EINVAL;
	}
	*key = dp_fdb_key((uint16_t)vid, &mac);
	return 0;
}

/** State of an fdb.show walk. */
struct fdb_show {
	const struct vsw_ctrl *c; /**< the switch */
	int port;                 /**< filter: port slot or DP_FDB_ANY */
	int vlan;                 /**< filter: VLAN or DP_FDB_ANY */
	json_int_t limit;         /**< most entries listed */
	json_int_t total;         /**< entries matching */
	uint64_t now;             /**< TSC now */
	json_t *arr;              /**< entries listed */
};

static int
fdb_show_one(const struct dp_fdb_ent *e, void *arg)
{
	struct fdb_show *s = arg;
	struct rte_ether_addr mac;
	char buf[RTE_ETHER_ADDR_FMT_SIZE];
	uint64_t seen = __atomic_load_n(&e->seen, __ATOMIC_RELAXED);

	if ((s->port != DP_FDB_ANY && e->port != s->port) ||
			(s->vlan != DP_FDB_ANY && dp_fdb_key_vlan(e->key) != s->vlan))
		return 0;
	if (s->total++ >= s->limit)
		return 0;
	dp_fdb_key_mac(e->key, &mac);
	/* Lower case, as in the config document. */
	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", RTE_ETHER_ADDR_BYTES(&mac));
	json_array_append_new(s->arr, json_pack("{s:s, s:i, s:s, s:s, s:I}", "mac", buf,
			"vlan", dp_fdb_key_vlan(e->key), "port", s->c->cfg.ports[e->port].name,
			"type", e->is_static ? "static" : "learned", "age_s",
			e->is_static ? (json_int_t)0 :
			(json_int_t)((s->now > seen ? s->now - seen : 0) / s->c->tsc_hz)));
	return 0;
}

/* Filters "port" and "vlan" of @p p into @p port and @p vlan. */
static int
fdb_filter(struct vsw_api *a, json_t *p, int *port, int *vlan, struct rpc_error *err)
{
	const char *name = api_str_param(p, "port");
	json_t *v = json_object_get(p, "vlan");

	*port = *vlan = DP_FDB_ANY;
	if (name != NULL && port_doc_index(a->c, name, port) < 0) {
		rpc_errf(err, RPC_NOT_FOUND, "params.port", "no port is named \"%.64s\"", name);
		return -ENOENT;
	}
	if (v != NULL)
		*vlan = (int)json_integer_value(v); /* range: the table */
	return 0;
}

static json_t *
api_fdb_show(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	struct fdb_show s = { .c = a->c, .limit = 10000, .now = rte_rdtsc() };
	json_t *l = json_object_get(p, "limit");

	if (fdb_filter(a, p, &s.port, &s.vlan, err) != 0)
		return NULL;
	if (l != NULL)
		s.limit = json_integer_value(l);
	s.arr = json_array();
	dp_fdb_walk(a->c->fdb, fdb_show_one, &s);
	return json_pack("{s:o, s:I, s:b}", "entries", s.arr, "total", s.total,
			"truncated", s.total > s.limit);
}

static json_t *
api_fdb_add(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	return api_element_apply(a, "fdb", a->c->cfg.n_fdb, p, err);
}

static json_t *
api_fdb_del(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	uint64_t key;
	uint32_t i;

	if (fdb_key_param(p, &key, err) != 0)
		return NULL;
	for (i = 0; i < a->c->cfg.n_fdb; i++) /* a static entry: part of the config */
		if (cfg_fdb_key(&a->c->cfg.fdb[i]) == key)
			return api_apply_doc(a, api_doc_edit(a, "fdb", i, NULL), false, NULL, err);
	if (dp_fdb_del(a->c->fdb, key) != 0)
		return rpc_errf(err, RPC_NOT_FOUND, "params.mac", "no such MAC in that VLAN");
	return json_pack("{s:i}", "removed", 1);
}

static json_t *
api_fdb_flush(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	int port, vlan;

	if (fdb_filter(a, p, &port, &vlan, err) != 0)
		return NULL;
	return json_pack("{s:i}", "removed", dp_fdb_flush(a->c->fdb, port, vlan, false));
}

/* The "port" filter of @p p: NULL (all), or a running port's name (else an error). */
int
api_port_filter(struct vsw_api *a, json_t *p, const char **port, struct rpc_error *err)
{
	*port = api_str_param(p, "port");
	if (*port != NULL && port_doc_index(a->c, *port, NULL) < 0) {
		rpc_errf(err, RPC_NOT_FOUND, "params.port", "no port is named \"%.64s\"", *port);
		return -1;
	}
	return 0;
}

static json_t *
api_stats_get(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	json_t *st = ctrl_stats_json(a->c);

	if (json_is_true(json_object_get(p, "reset"))) {
		ctrl_stats_reset(a->c);
		json_object_set_new(st, "reset", json_true());
	}
	return st;
}

static json_t *
api_log_level(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	const char *lv = api_str_param(p, "level"), *type = api_str_param(p, "type");
	int t = type != NULL && strcmp(type, "vswd") != 0 ? -1 : vsw_logtype;
	int l = lv != NULL ? vsw_log_level_from_name(lv) : 0;

	if (type != NULL && strlen(type) > 64)
		return rpc_errf(err, RPC_INVALID_PARAMS, "params.type", "at most 64 characters");
	if (l < 0)
		return rpc_errf(err, RPC_INVALID_PARAMS, "params.level", "expected emergency, "
				"alert, critical, error, warning, notice, info or debug");
	if (lv != NULL) {
		if (t >= 0)
			rte_log_set_level(t, (uint32_t)l);
		else if (rte_log_set_level_pattern(type, (uint32_t)l) != 0)
			return rpc_errf(err, RPC_INVALID_PARAMS, "params.type", "bad pattern");
		VSW_LOG(NOTICE, "log level of %s set to %s\n", type != NULL ? type : "vswd", lv);
	}
	return json_pack("{s:s, s:s}", "vswd",
			vsw_log_level_name((uint32_t)rte_log_get_level(vsw_logtype)),
			"global", vsw_log_level_name(rte_log_get_global_level()));
}

#define NAME_P { "name", A_STR, true, "port name" }
#define SA_P { "name", A_STR, true, "SA name" }
#define VLAN_P(what) { "vlan", A_INT, false, what, 1, DP_VLAN_MAX }
#define END_P { NULL }

static const struct api_method methods[] = {
	{ "help", api_help, false, false, "the methods and their parameters",
	  { { "method", A_STR, false, "only this method" }, END_P } },
	{ "list", api_list, false, false, "the method names, one line each", { END_P } },
	{ "version", api_version, false, false, "versions, config generation, uptime",
	  { END_P } },
	{ "config.get", api_config_get, false, false, "the running configuration document",
	  { END_P } },
	{ "config.validate", api_config_validate, false, false,
	  "dry run of config.apply: the changes it would make, or the error",
	  { { "config", A_OBJ, true, "a whole configuration document" }, END_P } },
	{ "config.apply", api_config_apply, true, false, "apply a whole document: only what "
	  "differs changes, atomically; returns the new generation",
	  { { "config", A_OBJ, true, "a whole configuration document (absent dpdk, switch and "
	      "api sections keep their running values)" }, END_P } },
	{ "port.add", api_port_add, true, true, "add a port: params are a port object as in "
	  "the config's \"ports\"", { NAME_P, { "type", A_STR, true, "dpdk or vhost-user" },
	  END_P } },
	{ "port.del", api_port_del, true, false, "remove a port (and its static MACs)",
	  { NAME_P, END_P } },
	{ "port.set", api_port_set, true, true, "change keys of a port (admin, vlan, security, "
	  "pvlan and mirror live; others reopen the port)", { NAME_P, END_P } },
	{ "port.list", api_port_list, false, false, "the ports, one row each", { END_P } },
	{ "port.show", api_port_show, false, false, "one port: config, state, counters",
	  { NAME_P, END_P } },
	{ "fdb.show", api_fdb_show, false, false, "MAC table entries",
	  { { "port", A_STR, false, "only this port" }, VLAN_P("only this VLAN"),
	    { "limit", A_INT, false, "most entries listed (default 10000)", 0, INT64_MAX },
	    END_P } },
	{ "fdb.add", api_fdb_add, true, false, "add a static MAC entry (saved in the config)",
	  { { "mac", A_STR, true, "unicast MAC" }, VLAN_P("VLAN (default 1)"),
	    { "port", A_STR, true, "port name" }, END_P } },
	{ "fdb.del", api_fdb_del, true, false, "remove a MAC entry, static or learned",
	  { { "mac", A_STR, true, "MAC" }, VLAN_P("VLAN (default 1)"), END_P } },
	{ "fdb.flush", api_fdb_flush, true, false, "remove learned entries",
	  { { "port", A_STR, false, "only this port" }, VLAN_P("only this VLAN"), END_P } },
	{ "acl.add", acl_api_add, true, true, "append an ACL rule: params are a rule object as "
	  "in the config's \"acl\"", { { "port", A_STR, true, "port name" },
	  { "direction", A_STR, true, "in, out or both" },
	  { "action", A_STR, true, "allow, deny or meter" }, END_P } },
	{ "acl.del", acl_api_del, true, false, "remove an ACL rule by index or name",
	  { { "index", A_INT, false, "its index in acl.list", 0, CFG_MAX_ACL },
	    { "name", A_STR, false, "its name" },
	    { "port", A_STR, false, "with name: the rule's port" }, END_P } },
	{ "acl.list", acl_api_list, false, false, "ACL rules with their counters per direction",
	  { { "port", A_STR, false, "only this port's" }, END_P } },
	{ "acl.meter", acl_api_meter, false, false, "metering report: bytes and frames per "
	  "meter rule and direction, per port", { { "port", A_STR, false, "only this port" },
	  END_P } },
	{ "ipsec.sa.list", ipsec_api_sa_list, false, false, "IPsec SAs: where each runs and "
	  "why, counters, lifetime use (keys hidden)",
	  { { "port", A_STR, false, "only this VM port's" }, END_P } },
	{ "ipsec.sa.show", ipsec_api_sa_show, false, false, "one IPsec SA (keys hidden)",
	  { SA_P, END_P } },
	{ "ipsec.sa.add", ipsec_api_sa_add, true, true, "add an IPsec SA: params are an SA "
	  "object as in the config's \"ipsec\".\"sa\"", { SA_P,
	  { "port", A_STR, true, "the VM port" }, { "direction", A_STR, true, "in or out" },
	  END_P } },
	{ "ipsec.sa.del", ipsec_api_sa_del, true, false, "remove an IPsec SA (no SPD entry may "
	  "name it)", { SA_P, END_P } },
	{ "ipsec.spd.list", ipsec_api_spd_list, false, false, "IPsec policy entries in order",
	  { { "port", A_STR, false, "only this VM port's" }, END_P } },
	{ "ipsec.spd.show", ipsec_api_spd_show, false, false, "one IPsec policy entry",
	  { { "index", A_INT, true, "its index in ipsec.spd.list", 0, SPD_MAX_ENTRIES },
	    END_P } },
	{ "ipsec.spd.add", ipsec_api_spd_add, true, true, "insert an IPsec policy entry: params "
	  "are an entry as in the config's \"ipsec\".\"spd\"",
	  { { "index", A_INT, false, "its place (default: last)", 0, SPD_MAX_ENTRIES },
	    { "port", A_STR, true, "the VM port" }, { "direction", A_STR, true, "in or out" },
	    { "action", A_STR, true, "protect, bypass or discard" }, END_P } },
	{ "ipsec.spd.set", ipsec_api_spd_set, true, true, "change an IPsec policy entry in one "
	  "apply (e.g. its \"sa\", to rekey): params are the fields to change",
	  { { "index", A_INT, true, "its index in ipsec.spd.list", 0, SPD_MAX_ENTRIES },
	    END_P } },
	{ "ipsec.spd.del", ipsec_api_spd_del, true, false, "remove an IPsec policy entry",
	  { { "index", A_INT, true, "its index in ipsec.spd.list", 0, SPD_MAX_ENTRIES },
	    END_P } },
	{ "ipsec.events", ipsec_api_events, false, false, "the last IPsec lifetime events: "
	  "soft (rekey now) and hard (the SA stopped)",
	  { { "since", A_INT, false, "only events after this seq", 0, INT64_MAX }, END_P } },
	{ "rxq.show", rxq_api_show, false, false, "RX queues: each one's worker, measured load "
	  "and history; each worker's load; the rebalancing settings and last judgement",
	  { END_P } },
	{ "rxq.rebalance", rxq_api_rebalance, true, false, "place the RX queues by measured "
	  "load now (largest first onto the least loaded worker); moves lose no frame",
	  { { "dry_run", A_BOOL, false, "only report what it would do" }, END_P } },
	{ "rxq.move", rxq_api_move, true, false, "move one RX queue to a worker (the "
	  "automatic rebalancing may move it again)",
	  { { "port", A_STR, true, "port name" },
	    { "queue", A_INT, true, "RX queue id", 0, DP_MAX_RXQ - 1 },
	    { "worker", A_INT, true, "worker index (rxq.show)", 0, VSW_MAX_WORKERS - 1 },
	    END_P } },
	{ "stats.get", api_stats_get, false, false, "counters: ports, queues, workers, drop "
	  "reasons, MAC table", { { "reset", A_BOOL, false, "then start counting from zero" },
	  END_P } },
	{ "stats.nodes", trace_api_nodes, false, false, "per-node counters of the datapath "
	  "graph, summed over the workers: calls, packets (and cycles in a cycle_stats build)",
	  { END_P } },
	{ "trace.start", trace_api_start, true, false, "record node by node the next frames "
	  "received on a port (replaces the previous trace)",
	  { { "port", A_STR, true, "port name" },
	    { "count", A_INT, false, "frames (default 1)", 1, TRACE_COUNT_MAX }, END_P } },
	{ "trace.stop", trace_api_stop, true, false, "stop tracing (the records stay)",
	  { END_P } },
	{ "trace.show", trace_api_show, false, false, "the traced frames: each node, its "
	  "decision, the frame's headers as it left the node", { END_P } },
	{ "trace.simulate", trace_api_simulate, false, false, "run a frame through the "
	  "datapath as if received on a port: nothing is sent, learned or counted",
	  { { "port", A_STR, true, "port name" },
	    { "frame_hex", A_STR, true, "the frame in hex, from the destination MAC on" },
	    END_P } },
	{ "log.level", api_log_level, true, false, "show or set the log level",
	  { { "level", A_STR, false, "emergency .. debug" },
	    { "type", A_STR, false, "vswd (default) or a DPDK log type pattern, e.g. \"lib.*\"" },
	    END_P } },
	{ NULL }
};

/* Checks @p params against the table of @p m. @return 0, or -EINVAL with @p err. */
static int
check_params(const struct api_method *m, json_t *params, struct rpc_error *err)
{
	const struct api_param *p;
	const char *key;
	char path[80];
	json_t *v;

	json_object_foreach(params, key, v) {
		for (p = m->params; p->name != NULL && strcmp(p->name, key) != 0; p++)
			;
		snprintf(path, sizeof(path), "params.%.64s", key);
		if (p->name == NULL) {
			if (m->open_params)
				continue;
			rpc_errf(err, RPC_INVALID_PARAMS, path, "unknown parameter of %s", m->name);
			return -EINVAL;
		}
		if ((p->type == A_STR && !json_is_string(v)) ||
				(p->type == A_INT && !json_is_integer(v)) ||
				(p->type == A_BOOL && !json_is_boolean(v)) ||
				(p->type == A_OBJ && !json_is_object(v))) {
			rpc_errf(err, RPC_INVALID_PARAMS, path, "expected %s", type_names[p->type]);
			return -EINVAL;
		}
		if (p->type == A_INT && (p->min != 0 || p->max != 0) &&
				(json_integer_value(v) < p->min || json_integer_value(v) > p->max)) {
			rpc_errf(err, RPC_INVALID_PARAMS, path, "%" JSON_INTEGER_FORMAT " is out of "
					"range %" JSON_INTEGER_FORMAT "..%" JSON_INTEGER_FORMAT,
					json_integer_value(v), p->min, p->max);
			return -EINVAL;
		}
	}
	for (p = m->params; p->name != NULL; p++) {
		if (p->required && json_object_get(params, p->name) == NULL) {
			snprintf(path, sizeof(path), "params.%s", p->name);
			rpc_errf(err, RPC_INVALID_PARAMS, path, "required parameter is missing");
			return -EINVAL;
		}
	}
	return 0;
}

json_t *
api_handle(void *ctx, const char *method, json_t *params, const struct rpc_peer *peer,
		struct rpc_error *err)
{
	struct vsw_api *a = ctx;
	const struct api_method *m;
	json_t *empty = NULL, *res;
	char *args;

	for (m = methods; m->name != NULL && strcmp(m->name, method) != 0; m++)
		;
	if (m->name == NULL)
		return rpc_errf(err, RPC_METHOD_NOT_FOUND, "method", "no method \"%.64s\" (see help)",
				method);
	if (params == NULL)
		params = empty = json_object();
	if (check_params(m, params, err) != 0) {
		res = NULL;
	} else {
		res = m->fn(a, params, err);
	}
	if (m->mutates) {
		json_t *shown = ipsec_cfg_redact(params); /* never a key in the log */

		args = shown != NULL ? json_dumps(shown, JSON_COMPACT) : NULL;
		json_decref(shown);
		if (res != NULL)
			VSW_LOG(NOTICE, "api: uid %u pid %d: %s %.300s: ok\n", (unsigned int)peer->uid,
					(int)peer->pid, m->name, args != NULL ? args : "");
		else
			VSW_LOG(NOTICE, "api: uid %u pid %d: %s %.300s: refused: %s: %s\n",
					(unsigned int)peer->uid, (int)peer->pid, m->name,
					args != NULL ? args : "", err->path, err->msg);
		free(args);
	}
	json_decref(empty);
	return res;
}
