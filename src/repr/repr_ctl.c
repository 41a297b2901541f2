/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_flow.h>

#include "cfg_policy.h"
#include "ctrl.h"
#include "repr_ctl.h"

/* Room for the MACs behind representors gathered in one sync. */
#define REPR_GATHER 1024

static bool
is_repr(const struct vsw_ctrl *c, uint16_t p)
{
	return p < c->cfg.n_ports && c->ports[p].open && cfg_port_used(&c->cfg.ports[p]) &&
		c->cfg.ports[p].type == CFG_PORT_REPR;
}

/* The transfer rule "from @p src's VF, to @p mac: to @p dst's VF, counted": validated only
 * (@p create false) or created, on the transfer proxy of @p src (into @p proxy). */
static struct rte_flow *
transfer_rule(uint16_t src, uint16_t dst, const uint8_t *mac, bool create, uint16_t *proxy,
		int *rc, struct rte_flow_error *err)
{
	struct rte_flow_attr attr = { .transfer = 1 };
	struct rte_flow_item_ethdev from = { .port_id = src };
	struct rte_flow_item_eth spec = { 0 }, mask = { 0 };
	struct rte_flow_action_ethdev to = { .port_id = dst };
	struct rte_flow_action_count cnt = { 0 };
	struct rte_flow_item pattern[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, .spec = &from,
		  .mask = &rte_flow_item_ethdev_mask },
		{ .type = RTE_FLOW_ITEM_TYPE_ETH, .spec = &spec, .mask = &mask },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT, .conf = &cnt },
		{ .type = RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, .conf = &to },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow *f;

	memcpy(spec.hdr.dst_addr.addr_bytes, mac, 6);
	memset(mask.hdr.dst_addr.addr_bytes, 0xff, 6);
	memset(err, 0, sizeof(*err));
	*rc = rte_flow_pick_transfer_proxy(src, proxy, err);
	if (*rc != 0)
		return NULL;
	if (!create) {
		*rc = rte_flow_validate(*proxy, &attr, pattern, actions, err);
		return NULL;
	}
	f = rte_flow_create(*proxy, &attr, pattern, actions, err);
	*rc = f != NULL ? 0 : -rte_errno;
	return f;
}

static void
probe(struct vsw_ctrl *c, uint16_t slot)
{
	static const uint8_t test_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	struct repr_ctl *r = &c->repr;
	struct rte_flow_error err;
	uint16_t proxy, id = c->ports[slot].eth_id;
	int rc;

	r->probed[slot] = true;
	transfer_rule(id, id, test_mac, false, &proxy, &rc, &err);
	r->transfer_ok[slot] = rc == 0;
	r->probe_msg[slot][0] = '\0';
	if (rc != 0)
		snprintf(r->probe_msg[slot], sizeof(r->probe_msg[slot]), "%s (%d)",
				err.message != NULL ? err.message : rte_strerror(-rc), rc);
}

/* Port @p slot as the decision sees it, from the published snapshot. */
static void
describe(const struct vsw_ctrl *c, uint16_t slot, struct repr_port *rp)
{
	const struct dp_snap *s = c->sh.snap;
	const struct dp_port *dp = &s->port[slot];

	memset(rp, 0, sizeof(*rp));
	rp->port = slot;
	rp->transfer_ok = c->repr.transfer_ok[slot];
	rp->admin_up = slot < s->n_ports && dp->in_use && dp->admin_up && c->ports[slot].link_up;
	rp->access = dp->vlan_mode == DP_VLAN_ACCESS;
	rp->vlan = dp->access_vlan;
	rp->acl = (dp->sec & DP_SEC_ACL) || dp->acl_in;
	rp->mac_guard = (dp->sec & DP_SEC_MACS) != 0;
	rp->dhcp_guard = (dp->sec & DP_SEC_DHCP) != 0;
	rp->router_guard = (dp->sec & DP_SEC_ROUTER) != 0;
	rp->storm = dp->storm_pps != 0;
	rp->mirror = dp->mirror_src || dp->mirror_dst;
	rp->pvlan = dp->pvlan != 0;
	rp->ipsec = dp->ipsec_out || dp->ipsec_in || dp->ipsec_check;
}

struct gather {
	const struct vsw_ctrl *c;   /* the switch */
	struct repr_mac *macs;      /* where the MACs go */
	uint32_t n;                 /* entries in macs */
};

static int
gather_learned(const struct dp_fdb_ent *e, void *arg)
{
	struct gather *g = arg;
	struct rte_ether_addr mac;

	if (is_repr(g->c, e->port) && g->n < REPR_GATHER) {
		dp_fdb_key_mac(e->key, &mac);
		memcpy(g->macs[g->n].mac, mac.addr_bytes, 6);
		g->macs[g->n++].port = e->port;
	}
	return g->n >= REPR_GATHER;
}

/* Makes the installed rules those of @p plan: kept, created, then the rest destroyed. */
static void
install(struct vsw_ctrl *c, const struct repr_rule *plan, uint32_t n)
{
	static struct repr_inst next[REPR_MAX_RULES];
	struct repr_ctl *r = &c->repr;
	struct rte_flow_error err;
	uint32_t i, j, k = 0;
	int rc;

	for (i = 0; i < n; i++) {
		next[k].r = plan[i];
		next[k].flow = NULL;
		for (j = 0; j < r->n; j++)
			if (r->inst[j].flow != NULL && r->inst[j].r.src == plan[i].src &&
					r->inst[j].r.dst == plan[i].dst &&
					memcmp(r->inst[j].r.mac, plan[i].mac, 6) == 0) {
				next[k] = r->inst[j];
				r->inst[j].flow = NULL;
				break;
			}
		if (next[k].flow == NULL) {
			next[k].flow = transfer_rule(c->ports[plan[i].src].eth_id,
					c->ports[plan[i].dst].eth_id, plan[i].mac, true,
					&next[k].proxy, &rc, &err);
			if (next[k].flow == NULL) {
				r->errors++;
				continue;
			}
		}
		k++;
	}
	for (j = 0; j < r->n; j++)
		if (r->inst[j].flow != NULL)
			rte_flow_destroy(r->inst[j].proxy, r->inst[j].flow, &err);
	memcpy(r->inst, next, k * sizeof(next[0]));
	r->n = k;
}

void
repr_ctl_sync(struct vsw_ctrl *c, uint64_t now)
{
	static struct repr_port ports[VSW_MAX_PORTS];
	static struct repr_mac macs[REPR_GATHER];
	static struct repr_rule plan[REPR_MAX_RULES];
	struct gather g = { .c = c, .macs = macs, .n = 0 };
	uint32_t n = 0, k;
	uint16_t p;

	if (now != 0 && now < c->repr.next)
		return;
	c->repr.next = (now != 0 ? now : rte_rdtsc()) + c->tsc_hz;
	for (p = 0; p < c->cfg.n_ports; p++) {
		if (!is_repr(c, p))
			continue;
		if (!c->repr.probed[p])
			probe(c, p);
		describe(c, p, &ports[n++]);
		for (k = 0; k < c->cfg.ports[p].sec.n_macs && g.n < REPR_GATHER; k++) {
			memcpy(macs[g.n].mac, c->cfg.ports[p].sec.macs[k], 6);
			macs[g.n++].port = p;
		}
	}
	if (n == 0 && c->repr.n == 0)
		return;
	dp_fdb_walk(c->fdb, gather_learned, &g);
	install(c, plan, repr_plan(ports, n, macs, g.n, plan));
}

void
repr_ctl_port_closing(struct vsw_ctrl *c, uint16_t slot)
{
	struct repr_ctl *r = &c->repr;
	struct rte_flow_error err;
	uint32_t i, k = 0;

	for (i = 0; i < r->n; i++) {
		if (r->inst[i].r.src == slot || r->inst[i].r.dst == slot)
			rte_flow_destroy(r->inst[i].proxy, r->inst[i].flow, &err);
		else
			r->inst[k++] = r->inst[i];
	}
	r->n = k;
	r->probed[slot] = false;
	r->transfer_ok[slot] = false;
}

json_t *
repr_ctl_json(const struct vsw_ctrl *c, uint16_t slot)
{
	const struct repr_ctl *r = &c->repr;
	struct rte_flow_action action = { .type = RTE_FLOW_ACTION_TYPE_COUNT };
	struct rte_flow_query_count q;
	struct rte_flow_error err;
	struct repr_port rp;
	const char *why;
	json_t *rules, *o;
	bool ok;
	uint32_t i;

	if (!is_repr(c, slot) || !r->probed[slot])
		return NULL;
	describe(c, slot, &rp);
	ok = repr_offload_ok(&rp, &why);
	rules = json_array();
	for (i = 0; i < r->n; i++) {
		const struct repr_inst *in = &r->inst[i];

		if (in->r.src != slot)
			continue;
		memset(&q, 0, sizeof(q));
		if (rte_flow_query(in->proxy, in->flow, &action, &q, &err) != 0)
			q.hits = q.bytes = 0;
		json_array_append_new(rules, json_pack("{s:o, s:s, s:I, s:I}",
				"mac", cfg_mac_json(in->r.mac), "to", c->cfg.ports[in->r.dst].name,
				"packets", (json_int_t)q.hits, "bytes", (json_int_t)q.bytes));
	}
	o = json_pack("{s:s, s:s, s:o, s:I}", "l2", ok ? "nic" : "software", "why", why,
			"rules", rules, "errors", (json_int_t)r->errors);
	if (o != NULL && r->probe_msg[slot][0] != '\0')
		json_object_set_new(o, "device_said", json_string(r->probe_msg[slot]));
	return o;
}
