/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * API methods of the port ACLs: acl.add and acl.del build the document they want and apply
 * it (api_element_apply(), api_apply_doc(): the one config action); acl.list and acl.meter
 * serialise the rule counters (acl_stats.c). api.c lists them in its method table.
 */
#include <string.h>

#include "acl_api.h"

json_t *
acl_api_add(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	return api_element_apply(a, "acl", a->c->cfg.n_acl, p, err);
}

json_t *
acl_api_del(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	json_t *ix = json_object_get(p, "index");
	const char *name = api_str_param(p, "name"), *port = api_str_param(p, "port");
	uint32_t i;

	if (ix != NULL) {
		if ((json_int_t)a->c->cfg.n_acl <= json_integer_value(ix))
			return rpc_errf(err, RPC_NOT_FOUND, "params.index", "there are %u rules",
					a->c->cfg.n_acl);
		return api_apply_doc(a, api_doc_edit(a, "acl", (size_t)json_integer_value(ix), NULL),
				false, NULL, err);
	}
	if (name == NULL)
		return rpc_errf(err, RPC_INVALID_PARAMS, "params", "give index, or name (and port)");
	for (i = 0; i < a->c->cfg.n_acl; i++)
		if (strcmp(a->c->cfg.acl[i].name, name) == 0 &&
				(port == NULL || strcmp(a->c->cfg.acl[i].port, port) == 0))
			return api_apply_doc(a, api_doc_edit(a, "acl", i, NULL), false, NULL, err);
	return rpc_errf(err, RPC_NOT_FOUND, "params.name", "no rule is named \"%.64s\"", name);
}

json_t *
acl_api_list(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	const char *port;

	return api_port_filter(a, p, &port, err) != 0 ? NULL : ctrl_acl_json(a->c, port);
}

json_t *
acl_api_meter(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	const char *port;

	return api_port_filter(a, p, &port, err) != 0 ? NULL : ctrl_meter_json(a->c, port);
}
