/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * API methods of IPsec. ipsec.sa.add/del and ipsec.spd.add/set/del edit the running document
 * (with its keys: the document never leaves vswd) and apply it through api_apply_doc(), the
 * one config action; the list methods serialise the running SAs (keys hidden) with their
 * counters summed over the workers. api.c lists them in its method table.
 */
#include <string.h>

#include "ipsec_api.h"
#include "ipsec_ctl.h"
#include "cfg_policy.h"

static const char *const algs[] = { "aes-gcm-128", "aes-gcm-256", "aes-cbc-128-hmac-sha256",
	"aes-cbc-256-hmac-sha256" };

/* The running document (new reference) and its "ipsec" arrays, made when absent. */
static json_t *
ipsec_doc(struct vsw_api *a, json_t **sa, json_t **spd)
{
	json_t *doc = cfg_emit(&a->c->cfg), *ip;

	if (doc == NULL)
		return NULL;
	ip = json_object_get(doc, "ipsec");
	if (ip == NULL) {
		ip = json_pack("{s:[], s:[]}", "sa", "spd");
		json_object_set_new(doc, "ipsec", ip);
	}
	*sa = json_object_get(ip, "sa");
	*spd = json_object_get(ip, "spd");
	if (!json_is_array(*sa) || !json_is_array(*spd)) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static json_t *
nomem(struct rpc_error *err)
{
	return rpc_errf(err, RPC_INTERNAL, NULL, "out of memory");
}

/* The row of running SA @p k: config (keys hidden), placement, counters, lifetime use. */
static json_t *
sa_row(const struct vsw_ctrl *c, uint32_t k)
{
	const struct cfg_ipsec_sa *s = &c->cfg.ipsec.sa[k];
	const struct ipsec_rsa *r = c->ipsec.t.sa[k];
	struct dp_ipsec_ctr t;
	json_t *row, *life;

	ipsec_rsa_ctr_sum(r, &t);
	life = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:b}",
			"packets", (json_int_t)RTE_MIN(r->life.packets, (uint64_t)INT64_MAX),
			"bytes", (json_int_t)RTE_MIN(r->life.bytes, (uint64_t)INT64_MAX),
			"soft_packets", (json_int_t)s->soft_packets,
			"hard_packets", (json_int_t)s->hard_packets,
			"soft_bytes", (json_int_t)s->soft_bytes, "hard_bytes", (json_int_t)s->hard_bytes,
			"soft_reached", r->soft_hit, "hard_reached", r->hard_hit);
	row = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, "
			"s:I, s:I, s:I, s:I, s:o, s:o}",
			"name", s->name, "port", s->port, "direction", s->dir == 1 ? "out" : "in",
			"spi", (json_int_t)s->spi, "mode", s->mode == 0 ? "tunnel" : "transport",
			"alg", algs[s->alg], "uplink", s->uplink,
			"runs", ipsec_sa_runs(&c->ipsec, k), "why", ipsec_sa_why(&c->ipsec, k),
			"packets", (json_int_t)t.packets, "bytes", (json_int_t)t.bytes,
			"auth_failed", (json_int_t)t.auth_failed, "replay", (json_int_t)t.replay,
			"malformed", (json_int_t)t.malformed,
			"seq_overflow", (json_int_t)t.seq_overflow, "expired", (json_int_t)t.expired,
			"unsaved", (json_int_t)t.unsaved, "errors", (json_int_t)t.errors,
			"lifetime", life, "config", ipsec_cfg_sa_emit(s, true));
	if (row != NULL && s->dir == 1) {
		json_object_set_new(row, "sequence_first", json_integer((json_int_t)r->sqn_first));
		json_object_set_new(row, "sequence_saved", json_integer((json_int_t)r->sqn_saved));
	}
	return row;
}

json_t *
ipsec_api_sa_list(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	const struct cfg_ipsec *ip = &a->c->cfg.ipsec;
	const char *port;
	json_t *arr;
	uint32_t k;

	if (api_port_filter(a, p, &port, err) != 0)
		return NULL;
	arr = json_array();
	for (k = 0; arr != NULL && k < ip->n_sa; k++)
		if (port == NULL || strcmp(ip->sa[k].port, port) == 0)
			json_array_append_new(arr, sa_row(a->c, k));
	return arr != NULL ? arr : nomem(err);
}

/* Index of the running SA named @p name, or -1. */
static int
sa_index(const struct vsw_ctrl *c, const char *name)
{
	uint32_t k;

	for (k = 0; name != NULL && k < c->cfg.ipsec.n_sa; k++)
		if (strcmp(c->cfg.ipsec.sa[k].name, name) == 0)
			return (int)k;
	return -1;
}

static json_t *
no_sa(struct rpc_error *err, const char *name)
{
	return rpc_errf(err, RPC_NOT_FOUND, "params.name", "no SA is named \"%.64s\"", name);
}

json_t *
ipsec_api_sa_show(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	const char *name = api_str_param(p, "name");
	int k = sa_index(a->c, name);

	return k < 0 ? no_sa(err, name) : sa_row(a->c, (uint32_t)k);
}

json_t *
ipsec_api_sa_add(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	json_t *sa, *spd, *doc = ipsec_doc(a, &sa, &spd);
	char elem[48];

	if (doc == NULL)
		return nomem(err);
	snprintf(elem, sizeof(elem), "$.ipsec.sa[%zu]", json_array_size(sa));
	json_array_append(sa, p);
	return api_apply_doc(a, doc, false, elem, err);
}

json_t *
ipsec_api_sa_del(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	const char *name = api_str_param(p, "name");
	int k = sa_index(a->c, name);
	json_t *sa, *spd, *doc;

	if (k < 0)
		return no_sa(err, name);
	doc = ipsec_doc(a, &sa, &spd);
	if (doc == NULL)
		return nomem(err);
	json_array_remove(sa, (size_t)k);
	return api_apply_doc(a, doc, false, NULL, err);
}

json_t *
ipsec_api_spd_list(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	const struct cfg_ipsec *ip = &a->c->cfg.ipsec;
	const char *port;
	json_t *arr, *all;
	uint32_t k;

	if (api_port_filter(a, p, &port, err) != 0)
		return NULL;
	all = ipsec_cfg_emit(ip, true);
	arr = json_array();
	for (k = 0; all != NULL && arr != NULL && k < ip->n_spd; k++) {
		json_t *e = json_deep_copy(json_array_get(json_object_get(all, "spd"), k));

		if (port != NULL && strcmp(ip->spd[k].sel.port, port) != 0) {
			json_decref(e);
			continue;
		}
		json_object_set_new(e, "index", json_integer(k));
		json_array_append_new(arr, e);
	}
	json_decref(all);
	return arr != NULL ? arr : nomem(err);
}

static int spd_index(struct vsw_api *a, json_t *p, bool end_ok, size_t *k,
		struct rpc_error *err);

json_t *
ipsec_api_spd_show(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	json_t *all, *e;
	size_t k;

	if (spd_index(a, p, false, &k, err) != 0)
		return NULL;
	all = ipsec_cfg_emit(&a->c->cfg.ipsec, true);
	e = json_deep_copy(json_array_get(json_object_get(all, "spd"), k));
	json_decref(all);
	if (e == NULL)
		return nomem(err);
	json_object_set_new(e, "index", json_integer((json_int_t)k));
	return e;
}

/* The "index" param of @p p: an existing entry (or, with @p end_ok, the end). */
static int
spd_index(struct vsw_api *a, json_t *p, bool end_ok, size_t *k, struct rpc_error *err)
{
	json_t *ix = json_object_get(p, "index");
	size_t n = a->c->cfg.ipsec.n_spd;

	if (ix == NULL && end_ok) {
		*k = n;
		return 0;
	}
	if (ix == NULL) {
		rpc_errf(err, RPC_INVALID_PARAMS, "params.index", "required");
		return -1;
	}
	*k = (size_t)json_integer_value(ix);
	if (*k > n || (*k == n && !end_ok)) {
		rpc_errf(err, RPC_NOT_FOUND, "params.index", "there are %zu entries", n);
		return -1;
	}
	return 0;
}

/*
 * Applies the running document with SPD entry "index" of @p p (@p insert: a new entry
 * there made of @p p; else the entry with @p p's fields over its own). Errors in the entry
 * name "params.<key>".
 */
static json_t *
spd_edit(struct vsw_api *a, json_t *p, bool insert, struct rpc_error *err)
{
	json_t *sa, *spd, *doc, *e;
	char elem[48];
	size_t k;

	if (spd_index(a, p, insert, &k, err) != 0)
		return NULL;
	doc = ipsec_doc(a, &sa, &spd);
	if (doc == NULL)
		return nomem(err);
	if (insert)
		json_array_insert_new(spd, k, json_object());
	e = json_array_get(spd, k);
	json_object_update(e, p);
	json_object_del(e, "index");
	/* A protect entry repointed to a bypass or discard loses its SA. */
	if (!insert && json_object_get(p, "action") != NULL && json_object_get(p, "sa") == NULL &&
			strcmp(json_string_value(json_object_get(p, "action")) ?: "", "protect") != 0)
		json_object_del(e, "sa");
	snprintf(elem, sizeof(elem), "$.ipsec.spd[%zu]", k);
	return api_apply_doc(a, doc, false, elem, err);
}

json_t *
ipsec_api_spd_add(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	return spd_edit(a, p, true, err);
}

json_t *
ipsec_api_spd_set(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	return spd_edit(a, p, false, err);
}

json_t *
ipsec_api_spd_del(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	json_t *sa, *spd, *doc;
	size_t k;

	if (spd_index(a, p, false, &k, err) != 0)
		return NULL;
	doc = ipsec_doc(a, &sa, &spd);
	if (doc == NULL)
		return nomem(err);
	json_array_remove(spd, k);
	return api_apply_doc(a, doc, false, NULL, err);
}

json_t *
ipsec_api_events(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	const struct ipsec_ctl *ic = &a->c->ipsec;
	json_int_t since = json_integer_value(json_object_get(p, "since"));
	json_t *arr = json_array();
	uint64_t k, first = ic->n_events > IPSEC_EVENTS ? ic->n_events - IPSEC_EVENTS : 0;

	for (k = first; arr != NULL && k < ic->n_events; k++) {
		const struct ipsec_event *ev = &ic->ev[k % IPSEC_EVENTS];

		if ((json_int_t)ev->seq <= since)
			continue;
		json_array_append_new(arr, json_pack("{s:I, s:I, s:s, s:I, s:s, s:I, s:I}",
				"seq", (json_int_t)ev->seq, "time", (json_int_t)ev->unix_s,
				"sa", ev->sa, "spi", (json_int_t)ev->spi,
				"lifetime", ev->hard ? "hard" : "soft",
				"packets", (json_int_t)ev->packets, "bytes", (json_int_t)ev->bytes));
	}
	return arr != NULL ? arr : nomem(err);
}
