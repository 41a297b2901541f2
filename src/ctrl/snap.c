/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "snap.h"
#include "vsw_node.h"

/* The port's TX queues usable now, in order; all configured ones if none is reported. */
static uint16_t
snap_txqs(const struct pmd_port *pp, uint16_t *q)
{
	uint16_t i, n = 0;

	for (i = 0; i < pp->n_txq && i < 32; i++)
		if (pp->txq_enabled & (1u << i))
			q[n++] = i;
	if (n == 0)
		for (i = 0; i < pp->n_txq; i++)
			q[n++] = i;
	return n;
}

/* The protections, private VLAN role and mirroring of port @p cp (ACL flags: snap_acl). */
static void
snap_port_policy(struct dp_port *dp, const struct cfg_port *cp)
{
	uint32_t i;

	dp->sec = 0;
	if (!cp->sec.mac_spoofing) {
		dp->sec |= DP_SEC_MACS;
		dp->n_macs = (uint8_t)cp->sec.n_macs;
		for (i = 0; i < cp->sec.n_macs; i++)
			dp->macs[i] = dp_mac64(cp->sec.macs[i]);
	}
	if (cp->sec.dhcp_guard && !cp->sec.dhcp_server)
		dp->sec |= DP_SEC_DHCP;
	if (cp->sec.router_guard)
		dp->sec |= DP_SEC_ROUTER;
	dp->storm_pps = cp->sec.storm_limit;
	dp->pvlan = (uint8_t)cp->pvlan_mode;
	dp->pvlan_comm = (uint16_t)cp->pvlan_secondary;
	dp->mirror_src = cp->mirror == CFG_MIRROR_SOURCE;
	dp->mirror_dst = cp->mirror == CFG_MIRROR_DESTINATION;
}

/* The ACL flags of the ports from the rules of @p c (port_idx: the port's slot). */
static void
snap_acl(struct dp_snap *s, const struct vsw_config *c)
{
	bool any_in = false;
	uint32_t i;
	uint16_t k;

	for (i = 0; i < c->n_acl; i++) {
		struct dp_port *p = &s->port[c->acl[i].port_idx];

		if (c->acl[i].dir & CFG_ACL_OUT)
			p->sec |= DP_SEC_ACL;
		if (c->acl[i].dir & CFG_ACL_IN)
			p->acl_in = 1;
		p->stateful |= c->acl[i].stateful;
		any_in |= (c->acl[i].dir & CFG_ACL_IN) != 0;
	}
	/* A port's frames need the L3/L4 key in the flow cache when its own policy reads those
	 * headers, or when any port has "in" rules (the output port is known only after the
	 * lookup). */
	for (k = 0; k < s->n_ports; k++)
		s->port[k].pfc = any_in || (s->port[k].sec & DP_SEC_L3);
}

/*
 * Mirror destinations, and storm limits as meter profiles: each worker polling a port meters
 * its share of the limit (rounded up).
 */
static int
snap_policy(struct dp_snap *s, struct ctrl_err *e)
{
	struct rte_meter_srtcm_params mp;
	uint16_t i, w, r, k;

	for (i = 0; i < s->n_ports; i++) {
		struct dp_port *p = &s->port[i];

		if (p->in_use && p->admin_up && p->link_up && p->mirror_dst)
			s->mirror_dst[s->n_mirror_dst++] = i;
		if (!p->in_use || p->storm_pps == 0)
			continue;
		for (w = 0, k = 0; w < s->n_workers; w++) {
			for (r = 0; r < s->plan[w].n_rxq; r++)
				if (s->plan[w].rxq[r].port == i)
					break;
			k += r < s->plan[w].n_rxq;
		}
		k = RTE_MAX(k, (uint16_t)1);
		mp.cir = (p->storm_pps + k - 1) / k;
		/* A burst of 50 ms at the limit: the test of issue 5 wants 10 % over seconds. */
		mp.cbs = RTE_MAX(mp.cir / 20, (uint64_t)1);
		mp.ebs = 0;
		if (rte_meter_srtcm_profile_config(&p->storm, &mp) != 0)
			return ctrl_errf(e, "$.ports", "storm limit %u of port %u: bad meter profile",
					p->storm_pps, i);
	}
	return 0;
}

/* Fills s->port[idx]; -EINVAL if workers would share a TX queue with no handoff ring. */
static int
snap_port(struct dp_snap *s, const struct cfg_port *cp, const struct pmd_port *pp,
		uint16_t idx, uint16_t n_workers)
{
	struct dp_port *dp = &s->port[idx];
	uint16_t q[VSW_MAX_WORKERS > 32 ? VSW_MAX_WORKERS : 32];
	uint16_t nq, w;

	dp->in_use = 1;
	dp->eth_id = pp->eth_id;
	dp->admin_up = cp->admin_up != 0;
	/* Only a vhost-user link means something reliable to forwarding (a guest is attached);
	 * net_tap, for one, reports "down" once its interface moves to another namespace.
	 * Other ports always transmit and count what their queue refuses. */
	dp->link_up = cp->type == CFG_PORT_VHOST ? pp->link_up : 1;
	dp->vlan_mode = (uint8_t)cp->vlan_mode;
	dp->access_vlan = (uint16_t)cp->access_vlan;
	dp->native_vlan = (uint16_t)cp->native_vlan;
	dp->mtu = (uint16_t)cp->mtu;
	dp->n_txq = pp->n_txq;
	dp->handoff = pp->handoff;
	memcpy(dp->vlans, cp->vlans, sizeof(dp->vlans));
	snap_port_policy(dp, cp);

	nq = snap_txqs(pp, q);
	for (w = 0; w < n_workers; w++) {
		/* Worker w owns queue q[w] when there is one; the others hand off to worker 0,
		 * which owns q[0] and drains the ring into it. */
		dp->out_op[w] = w < nq ? DP_OUT_TXQ : DP_OUT_HANDOFF;
		dp->txq[w] = q[w % nq];
	}
	if (pp->handoff != NULL) {
		/* Drained whenever it exists, so nothing waits in it across snapshots. */
		struct dp_worker_plan *pl = &s->plan[0];

		pl->drain[pl->n_drain].port = idx;
		pl->drain[pl->n_drain].queue = q[0];
		pl->drain[pl->n_drain].ring = pp->handoff;
		pl->n_drain++;
	}
	return nq < n_workers && pp->handoff == NULL ? -EINVAL : 0;
}

/* Per-VLAN member lists: one allocation behind s->vlan[]. */
static int
snap_vlans(struct dp_snap *s, struct ctrl_err *e)
{
	struct dp_vlan_members *pool;
	uint32_t vid, n_used = 0, k = 0;
	uint16_t i;

	for (vid = 1; vid <= DP_VLAN_MAX; vid++)
		for (i = 0; i < s->n_ports; i++)
			if (s->port[i].admin_up && s->port[i].link_up &&
					dp_vlan_test(s->port[i].vlans, (uint16_t)vid)) {
				n_used++;
				break;
			}
	if (n_used == 0)
		return 0;
	pool = rte_zmalloc("vsw_snap_vlans", n_used * sizeof(*pool), RTE_CACHE_LINE_SIZE);
	if (pool == NULL)
		return ctrl_nomem(e, "$.ports", "out of memory for VLAN member lists");
	s->vlan_pool = pool;
	for (vid = 1; vid <= DP_VLAN_MAX; vid++) {
		struct dp_vlan_members *vm = NULL;

		for (i = 0; i < s->n_ports; i++) {
			const struct dp_port *p = &s->port[i];

			if (!p->admin_up || !p->link_up || !dp_vlan_test(p->vlans, (uint16_t)vid))
				continue;
			if (vm == NULL)
				vm = &pool[k++];
			if (dp_port_tags(p, (uint16_t)vid))
				vm->tagged[vm->n_tagged++] = i;
			else
				vm->untagged[vm->n_untagged++] = i;
		}
		s->vlan[vid] = vm;
	}
	return 0;
}

struct dp_snap *
snap_build(const struct vsw_config *c, const struct pmd_port *ports, uint16_t n_workers,
		const uint8_t (*asg)[DP_MAX_RXQ], uint64_t gen, struct ctrl_err *e)
{
	struct dp_snap *s;
	uint32_t i, q, k = 0;

	if (n_workers == 0 || n_workers > VSW_MAX_WORKERS) {
		ctrl_errf(e, "$.dpdk.lcores", "%u workers: need 1..%d", n_workers, VSW_MAX_WORKERS);
		return NULL;
	}
	s = rte_zmalloc("vsw_snap", sizeof(*s), RTE_CACHE_LINE_SIZE);
	if (s == NULL) {
		ctrl_nomem(e, "$", "out of memory for a snapshot");
		return NULL;
	}
	s->gen = gen;
	s->n_workers = n_workers;
	s->n_active = n_workers; /* the control thread narrows it (ctrl_snap_prepare()) */
	s->fcache_on = c->sw.flow_cache;
	s->idle_sleep_us = c->sw.idle_sleep_us;
	for (i = 0; i < c->n_ports; i++) {
		if (!ports[i].open || !cfg_port_used(&c->ports[i]))
			continue;
		if (snap_port(s, &c->ports[i], &ports[i], (uint16_t)i, n_workers) != 0) {
			char path[64];

			snprintf(path, sizeof(path), "$.ports[%u]", i);
			ctrl_errf(e, path, "fewer TX queues than workers and no handoff ring");
			snap_free(s);
			return NULL;
		}
		s->n_ports = (uint16_t)(i + 1);
	}
	snap_acl(s, c);
	if (snap_vlans(s, e) != 0) {
		snap_free(s);
		return NULL;
	}
	/* Each (port, queue) RX pair on its worker (round robin without a placement). */
	for (i = 0; i < s->n_ports; i++) {
		if (!s->port[i].in_use || !s->port[i].admin_up)
			continue;
		for (q = 0; q < ports[i].n_rxq && q < DP_MAX_RXQ; q++, k++) {
			uint32_t w = asg == NULL ? k % n_workers : asg[i][q];
			struct dp_worker_plan *pl;

			if (w >= n_workers)
				continue; /* in a move, or unplaced */
			pl = &s->plan[w];

			if (pl->n_rxq >= DP_MAX_POLL) {
				ctrl_errf(e, "$.ports", "more than %d RX queues per worker", DP_MAX_POLL);
				snap_free(s);
				return NULL;
			}
			pl->rxq[pl->n_rxq].port = (uint16_t)i;
			pl->rxq[pl->n_rxq].queue = (uint16_t)q;
			pl->n_rxq++;
		}
	}
	if (snap_policy(s, e) != 0) {
		snap_free(s);
		return NULL;
	}
	vsw_arc_build(s);
	return s;
}

void
snap_free(struct dp_snap *s)
{
	if (s == NULL)
		return;
	rte_free(s->vlan_pool);
	rte_free((void *)(uintptr_t)s->ipsec); /* one allocation (ipsec_snap_build()) */
	rte_free(s);
}
