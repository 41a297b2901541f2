/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rxq.show, rxq.rebalance and rxq.move: thin wrappers of rxq_ctl.h. Placement is runtime
 * state, not configuration: it is not saved, and a restart places the queues afresh.
 */
#include <errno.h>
#include <string.h>

#include "ctrl.h"
#include "rxq_api.h"

/* The dry run @p d as the API shows it. */
static json_t *
dry_json(const struct rxq_dry *d, bool applied)
{
	return json_pack("{s:b, s:f, s:f, s:i, s:i}", "applied", applied,
			"busiest_before_pct", d->cur_max / 100.0,
			"busiest_after_pct", d->new_max / 100.0,
			"improvement_pct", (int)d->improve, "moves", (int)d->moves);
}

json_t *
rxq_api_show(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	json_t *r = rxq_ctl_json(a->c);

	(void)p;
	return r != NULL ? r : rpc_errf(err, RPC_INTERNAL, NULL, "out of memory");
}

json_t *
rxq_api_rebalance(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	static struct rxq_item it[VSW_MAX_PORTS * DP_MAX_RXQ];
	static uint8_t out[VSW_MAX_PORTS * DP_MAX_RXQ];
	struct ctrl_err e;
	struct rxq_dry d;
	int rc;

	memset(&e, 0, sizeof(e));
	if (json_is_true(json_object_get(p, "dry_run"))) {
		uint32_t n = rxq_ctl_items(a->c, it);

		rxq_dry_run(it, n, a->c->n_active, out, &d);
		return dry_json(&d, false);
	}
	rc = rxq_ctl_rebalance(a->c, true, &d, &e);
	if (rc < 0)
		return rpc_errf(err, RPC_FAILED, NULL, "rebalance failed: %s", e.msg);
	return dry_json(&d, rc == 1);
}

json_t *
rxq_api_move(struct vsw_api *a, json_t *p, struct rpc_error *err)
{
	const char *name = api_str_param(p, "port");
	struct vsw_ctrl *c = a->c;
	struct ctrl_err e;
	uint16_t i;

	memset(&e, 0, sizeof(e));
	for (i = 0; i < c->cfg.n_ports; i++)
		if (cfg_port_used(&c->cfg.ports[i]) && strcmp(c->cfg.ports[i].name, name) == 0)
			break;
	if (i == c->cfg.n_ports)
		return rpc_errf(err, RPC_NOT_FOUND, "params.port", "no port named \"%s\"", name);
	if (rxq_ctl_move(c, i, (uint16_t)json_integer_value(json_object_get(p, "queue")),
			(uint16_t)json_integer_value(json_object_get(p, "worker")), &e) != 0)
		return rpc_errf(err, e.rc == -EINVAL ? RPC_INVALID_PARAMS : RPC_FAILED,
				e.path[0] != '\0' ? e.path : NULL, "%s", e.msg);
	return json_pack("{s:s, s:I, s:I}", "port", name,
			"queue", json_integer_value(json_object_get(p, "queue")),
			"worker", json_integer_value(json_object_get(p, "worker")));
}
