/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_flow.h>

#include "cfg_policy.h"
#include "ctrl.h"
#include "vmq_ctl.h"
#include "vsw_log.h"

/* Room for the VM MACs gathered in one sync. */
#define VMQ_GATHER (VMQ_MAX_RULES * 2)

/* The rule steering @p mac to @p queue on @p eth_id: validated only, or created. */
static struct rte_flow *
flow_rule(uint16_t eth_id, const uint8_t *mac, uint16_t queue, bool create, int *rc,
		struct rte_flow_error *err)
{
	struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_item_eth spec = { 0 }, mask = { 0 };
	struct rte_flow_action_queue q = { .index = queue };
	struct rte_flow_item pattern[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_ETH, .spec = &spec, .mask = &mask },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &q },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};

	memcpy(spec.hdr.dst_addr.addr_bytes, mac, 6);
	memset(mask.hdr.dst_addr.addr_bytes, 0xff, 6);
	memset(err, 0, sizeof(*err));
	if (!create) {
		*rc = rte_flow_validate(eth_id, &attr, pattern, actions, err);
		return NULL;
	}
	{
		struct rte_flow *f = rte_flow_create(eth_id, &attr, pattern, actions, err);

		*rc = f != NULL ? 0 : -rte_errno;
		return f;
	}
}

/* Asks the device of @p slot once whether it takes the rules. */
static void
probe(struct vsw_ctrl *c, uint16_t slot)
{
	static const uint8_t test_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	struct vmq_port *vp = &c->vmq.port[slot];
	struct rte_flow_error err;
	int rc;

	vp->probed = true;
	vp->flow_ok = false;
	vp->probe_msg[0] = '\0';
	if (c->ports[slot].n_rxq < 2)
		return;
	flow_rule(c->ports[slot].eth_id, test_mac, 1, false, &rc, &err);
	vp->flow_ok = rc == 0;
	if (rc != 0)
		snprintf(vp->probe_msg, sizeof(vp->probe_msg), "%s (%d)",
				err.message != NULL ? err.message : rte_strerror(-rc), rc);
}

/* Whether the slot is an open uplink (a dpdk port). */
static bool
is_uplink(const struct vsw_ctrl *c, uint16_t p)
{
	return p < c->cfg.n_ports && c->ports[p].open && cfg_port_used(&c->cfg.ports[p]) &&
		c->cfg.ports[p].type == CFG_PORT_DPDK;
}

/* Whether the slot is an open VM port (vhost-user). */
static bool
is_vm(const struct vsw_ctrl *c, uint16_t p)
{
	return p < c->cfg.n_ports && c->ports[p].open && cfg_port_used(&c->cfg.ports[p]) &&
		c->cfg.ports[p].type == CFG_PORT_VHOST;
}

struct gather {
	const struct vsw_ctrl *c;   /* the switch */
	struct vmq_vm *vms;         /* where the VM MACs go */
	uint32_t n;                 /* entries in vms */
};

static void
gather_add(struct gather *g, const uint8_t *mac, uint16_t port)
{
	struct vmq_vm *vm;

	if (g->n >= VMQ_GATHER)
		return;
	vm = &g->vms[g->n++];
	memcpy(vm->mac, mac, 6);
	vm->port = port;
	vm->worker = g->c->rxq.q[port][0].worker;
}

/* The learned MACs of VM ports. */
static int
gather_learned(const struct dp_fdb_ent *e, void *arg)
{
	struct gather *g = arg;
	struct rte_ether_addr mac;

	if (!e->is_static && is_vm(g->c, e->port)) {
		dp_fdb_key_mac(e->key, &mac);
		gather_add(g, mac.addr_bytes, e->port);
	}
	return g->n >= VMQ_GATHER;
}

/* Makes the rules of uplink @p slot match @p plan (@p n rules): new ones first. */
static void
install(struct vsw_ctrl *c, uint16_t slot, const struct vmq_rule *plan, uint32_t n)
{
	static struct vmq_inst next[VMQ_MAX_RULES];
	struct vmq_port *vp = &c->vmq.port[slot];
	struct rte_flow_error err;
	uint32_t i, j, k = 0;
	int rc;

	for (i = 0; i < n; i++) {
		next[k].r = plan[i];
		next[k].flow = NULL;
		for (j = 0; j < vp->n; j++)
			if (vp->inst[j].flow != NULL && vp->inst[j].r.queue == plan[i].queue &&
					memcmp(vp->inst[j].r.mac, plan[i].mac, 6) == 0) {
				next[k].flow = vp->inst[j].flow; /* kept */
				vp->inst[j].flow = NULL;
				break;
			}
		if (next[k].flow == NULL) {
			next[k].flow = flow_rule(c->ports[slot].eth_id, plan[i].mac, plan[i].queue,
					true, &rc, &err);
			if (next[k].flow == NULL) {
				vp->errors++;
				continue;
			}
		}
		k++;
	}
	/* The rules no longer planned go once their replacements exist. */
	for (j = 0; j < vp->n; j++)
		if (vp->inst[j].flow != NULL)
			rte_flow_destroy(c->ports[slot].eth_id, vp->inst[j].flow, &err);
	memcpy(vp->inst, next, k * sizeof(next[0]));
	vp->n = k;
}

void
vmq_ctl_sync(struct vsw_ctrl *c, uint64_t now)
{
	static struct vmq_vm vms[VMQ_GATHER];
	static struct vmq_rule plan[VMQ_MAX_RULES];
	struct gather g = { .c = c, .vms = vms, .n = 0 };
	uint32_t n_plan, k;
	uint16_t p, q;

	if (now != 0 && now < c->vmq.next)
		return;
	c->vmq.next = (now != 0 ? now : rte_rdtsc()) + c->tsc_hz;
	for (p = 0; p < c->cfg.n_ports; p++)
		if (is_vm(c, p))
			for (k = 0; k < c->cfg.ports[p].sec.n_macs; k++)
				gather_add(&g, c->cfg.ports[p].sec.macs[k], p);
	dp_fdb_walk(c->fdb, gather_learned, &g);
	for (p = 0; p < c->cfg.n_ports; p++) {
		struct vmq_port *vp = &c->vmq.port[p];
		struct vmq_uplink u = { 0 };

		if (!is_uplink(c, p))
			continue;
		if (!vp->probed)
			probe(c, p);
		u.enabled = c->cfg.ports[p].vmq != CFG_VMQ_OFF;
		u.flow_ok = vp->flow_ok;
		u.n_rxq = c->ports[p].n_rxq;
		for (q = 0; q < VMQ_MAX_QUEUES; q++)
			u.q_worker[q] = q < DP_MAX_RXQ ? c->rxq.q[p][q].worker : 0xff;
		vp->mode = vmq_plan(&u, vms, g.n, plan, &n_plan, &vp->why);
		install(c, p, plan, vp->mode == VMQ_FLOW ? n_plan : 0);
	}
}

void
vmq_ctl_port_closing(struct vsw_ctrl *c, uint16_t slot)
{
	struct vmq_port *vp = &c->vmq.port[slot];
	struct rte_flow_error err;

	if (vp->n > 0)
		rte_flow_flush(c->ports[slot].eth_id, &err);
	memset(vp, 0, sizeof(*vp));
}

json_t *
vmq_ctl_json(const struct vsw_ctrl *c, uint16_t slot)
{
	static const char *const modes[] = { "off", "rss", "flow" };
	const struct vmq_port *vp = &c->vmq.port[slot];
	json_t *rules, *o;
	uint32_t i;

	if (!is_uplink(c, slot) || !vp->probed)
		return NULL;
	rules = json_array();
	for (i = 0; i < vp->n; i++) {
		const struct vmq_rule *r = &vp->inst[i].r;

		json_array_append_new(rules, json_pack("{s:o, s:s, s:i, s:b}",
				"mac", cfg_mac_json(r->mac), "port", c->cfg.ports[r->port].name,
				"queue", r->queue, "shared", r->shared));
	}
	o = json_pack("{s:s, s:s, s:o, s:I}", "mode", modes[vp->mode],
			"why", vp->why != NULL ? vp->why : "", "rules", rules,
			"errors", (json_int_t)vp->errors);
	if (o != NULL && vp->probe_msg[0] != '\0')
		json_object_set_new(o, "device_said", json_string(vp->probe_msg));
	return o;
}
