/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "ctrl.h"
#include "snap.h"
#include "vsw_node.h"
#include "vsw_graph.h"
#include "vsw_log.h"

static int
ctrl_workers_create(struct vsw_ctrl *c, struct ctrl_err *e)
{
	char name[RTE_RING_NAMESIZE];
	unsigned int lcore;
	uint16_t i = 0;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct pmd_worker *pw;

		pw = rte_zmalloc_socket("vsw_worker", sizeof(*pw), RTE_CACHE_LINE_SIZE,
				rte_lcore_to_socket_id(lcore));
		if (pw == NULL)
			return ctrl_nomem(e, "$.dpdk.memory_mb", "out of memory for worker %u", i);
		c->workers[i] = pw;
		snprintf(name, sizeof(name), "vsw_learn_%u", i);
		pw->dp.learn_ring = rte_ring_create_elem(name, sizeof(struct dp_learn_ev),
				MEM_LEARN_RING, rte_lcore_to_socket_id(lcore),
				RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (pw->dp.learn_ring == NULL)
			return ctrl_errf(e, "$.dpdk.memory_mb", "learn ring of worker %u: %s", i,
					rte_strerror(rte_errno));
		pw->sh = &c->sh;
		pw->lcore = lcore;
		pw->dp.id = i;
		pw->dp.tsc_hz = c->tsc_hz;
		pw->dp.fdb_refresh = c->tsc_hz;
		pw->dp.learn_repost = c->tsc_hz / 10;
		pw->dp.fdb = c->fdb;
		pw->dp.pool = c->pool;
		snprintf(name, sizeof(name), "vsw_conn_%u", i);
		pw->dp.conn = dp_conn_local_create(name, c->conn, rte_lcore_to_socket_id(lcore));
		if (pw->dp.conn == NULL)
			return ctrl_errf(e, "$.dpdk.memory_mb", "flow ring of worker %u: %s", i,
					rte_strerror(rte_errno));
		if (vsw_graph_create(&pw->dp, (int)rte_lcore_to_socket_id(lcore)) == NULL)
			return ctrl_errf(e, "$.dpdk.memory_mb", "graph of worker %u: %s", i,
					rte_strerror(rte_errno));
		i++;
	}
	return 0;
}

int
ctrl_init(struct vsw_ctrl *c, struct vsw_config *cfg, struct ctrl_err *e)
{
	unsigned int n_workers = rte_lcore_count() - 1;
	size_t sz;
	int rc;

	memset(c, 0, sizeof(*c));
	c->cfg.dpdk = cfg->dpdk;
	c->cfg.sw = cfg->sw;
	c->cfg.api = cfg->api;
	c->cfg.rxq = cfg->rxq;
	rxq_ctl_init(&c->rxq);
	c->tsc_hz = rte_get_tsc_hz();
	if (n_workers == 0 || n_workers > VSW_MAX_WORKERS)
		return ctrl_errf(e, "$.dpdk.lcores", "%u worker lcores: need 1..%d besides the "
				"main lcore", n_workers, VSW_MAX_WORKERS);
	c->n_workers = (uint16_t)n_workers;
	if (cfg->sw.workers > n_workers)
		return ctrl_errf(e, "$.switch.workers", "%u workers: %u lcores are reserved for "
				"workers (dpdk.lcores)", cfg->sw.workers, n_workers);
	c->n_active = (uint16_t)(cfg->sw.workers != 0 ? cfg->sw.workers : n_workers);
	/* The exact worker count is known now: plan again (main.c checked an estimate). */
	if (mem_check(cfg, n_workers, &c->mem, e) != 0)
		return -EINVAL;
	if (ctrl_stats_init(c) != 0)
		return ctrl_nomem(e, "$", "out of memory for statistics");
	c->pool = rte_pktmbuf_pool_create("vsw_mbufs", c->mem.pool_mbufs, MEM_POOL_CACHE, 0,
			(uint16_t)(RTE_PKTMBUF_HEADROOM + c->mem.data_room), rte_socket_id());
	if (c->pool == NULL) {
		ctrl_errf(e, "$.dpdk.memory_mb", "cannot allocate %u mbufs (%" PRIu64 " MiB): %s",
				c->mem.pool_mbufs, c->mem.pool_bytes >> 20, rte_strerror(rte_errno));
		goto fail;
	}
	sz = rte_rcu_qsbr_get_memsize(n_workers);
	c->sh.qsv = rte_zmalloc("vsw_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (c->sh.qsv == NULL || rte_rcu_qsbr_init(c->sh.qsv, n_workers) != 0) {
		ctrl_nomem(e, "$.dpdk.memory_mb", "out of memory for RCU");
		goto fail;
	}
	c->fdb = dp_fdb_create("vsw_fdb", cfg->sw.fdb_max_entries, cfg->n_fdb + 1024,
			(uint64_t)cfg->sw.fdb_aging_s * c->tsc_hz, c->sh.qsv, (int)rte_socket_id());
	if (c->fdb == NULL) {
		ctrl_errf(e, "$.switch.fdb_max_entries", "cannot create the MAC table: %s",
				rte_strerror(rte_errno));
		goto fail;
	}
	c->conn = dp_conn_create("vsw_conn", cfg->sw.acl_flows_max,
			(uint64_t)cfg->sw.acl_flow_timeout_s * c->tsc_hz, c->sh.qsv,
			(int)rte_socket_id());
	if (c->conn == NULL) {
		ctrl_errf(e, "$.switch.acl_flows_max", "cannot create the ACL flow table: %s",
				rte_strerror(rte_errno));
		goto fail;
	}
	rc = vsw_graph_init();
	if (rc != 0) {
		ctrl_errf(e, "$", "cannot set up the datapath graph: %s", strerror(-rc));
		goto fail;
	}
	if (ctrl_workers_create(c, e) != 0)
		goto fail;
	if (ipsec_ctl_init(&c->ipsec, c->n_workers, e) != 0)
		goto fail;
	c->ipsec.n_active = c->n_active;
	rc = trace_init(c);
	if (rc != 0) {
		ctrl_errf(e, "$.dpdk.memory_mb", "cannot set up packet tracing: %s", strerror(-rc));
		goto fail;
	}
	/* Workers always find a snapshot, even before the first port. */
	if (ctrl_publish(c, e) != 0)
		goto fail;
	return 0;
fail:
	ctrl_fini(c);
	return -EINVAL;
}

struct dp_snap *
ctrl_snap_prepare(struct vsw_ctrl *c, struct ctrl_err *e)
{
	static uint8_t plan[VSW_MAX_PORTS][DP_MAX_RXQ];
	struct dp_snap *s;

	rxq_ctl_place(c, plan);
	s = snap_build(&c->cfg, c->ports, c->n_workers, (const uint8_t (*)[DP_MAX_RXQ])plan,
			c->gen + 1, e);
	if (s == NULL)
		return NULL;
	s->n_active = c->n_active;
	s->acl = c->acl;
	if (ipsec_snap_build(&c->ipsec, &c->cfg.ipsec, &c->cfg, c->ports, s, e) != 0) {
		snap_free(s);
		return NULL;
	}
	if (s->ipsec != NULL)
		vsw_arc_build(s); /* again, with the ports' IPsec nodes */
	return s;
}

void
ctrl_snap_commit(struct vsw_ctrl *c, struct dp_snap *s)
{
	struct dp_snap *old = c->sh.snap;

	s->gen = c->gen + 1;
	__atomic_store_n(&c->sh.snap, s, __ATOMIC_RELEASE);
	c->gen++;
	if (c->running)
		rte_rcu_qsbr_synchronize(c->sh.qsv, RTE_QSBR_THRID_INVALID);
	snap_free(old);
}

int
ctrl_publish(struct vsw_ctrl *c, struct ctrl_err *e)
{
	struct dp_snap *s = ctrl_snap_prepare(c, e);

	if (s == NULL)
		return ctrl_err_rc(e, -ENOMEM);
	ctrl_snap_commit(c, s);
	return 0;
}

void
ctrl_port_report(const struct vsw_ctrl *c, uint16_t i)
{
	const struct cfg_port *p = &c->cfg.ports[i];
	const struct pmd_port *pp = &c->ports[i];
	char vl[96];

	if (p->vlan_mode == DP_VLAN_ACCESS)
		snprintf(vl, sizeof(vl), "access VLAN %u", p->access_vlan);
	else
		snprintf(vl, sizeof(vl), "trunk, native VLAN %u", p->native_vlan);
	if (p->type == CFG_PORT_VHOST)
		VSW_LOG(NOTICE, "port %u %s: vhost-user %s %s, %u queue pair(s), MTU %u, %s, "
				"admin %s\n", i, p->name, p->mode == CFG_VHOST_SERVER ? "server" :
				"client", p->path, p->queues, p->mtu, vl, p->admin_up ? "up" : "down");
	else
		VSW_LOG(NOTICE, "port %u %s: dpdk %s (%s, ethdev %u), %u RX / %u TX queue(s), "
				"%u/%u descriptors, MTU %u, %s, admin %s\n", i, p->name, p->devargs,
				pp->driver, pp->eth_id, pp->n_rxq, pp->n_txq, p->rx_desc, p->tx_desc,
				p->mtu, vl, p->admin_up ? "up" : "down");
}

void
ctrl_port_close(struct vsw_ctrl *c, uint16_t slot)
{
	struct pmd_port *pp = &c->ports[slot];

	vmq_ctl_port_closing(c, slot);
	repr_ctl_port_closing(c, slot);
	pmd_port_close(pp);
	/* Its jumbo frames may still sit in other ports' queues: freed at ctrl_fini(). */
	if (pp->jumbo_pool != NULL && c->n_dead_pools < RTE_DIM(c->dead_pools)) {
		c->dead_pools[c->n_dead_pools++] = pp->jumbo_pool;
		pp->jumbo_pool = NULL;
	}
}

int
ctrl_start_workers(struct vsw_ctrl *c)
{
	uint16_t i;
	int rc;

	c->running = true;
	for (i = 0; i < c->n_workers; i++) {
		rc = rte_eal_remote_launch(pmd_worker_main, c->workers[i], c->workers[i]->lcore);
		if (rc != 0) {
			VSW_LOG(ERR, "cannot launch worker %u on lcore %u: %s\n", i,
					c->workers[i]->lcore, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

void
ctrl_poll(struct vsw_ctrl *c)
{
	uint64_t now = rte_rdtsc();
	struct ctrl_err e;
	bool changed = false;
	uint16_t i;

	ipsec_ctl_poll(&c->ipsec, now, c->tsc_hz);
	rxq_ctl_poll(c, now);
	vmq_ctl_sync(c, now);
	repr_ctl_sync(c, now);
	for (i = 0; i < c->n_workers; i++) {
		dp_fdb_drain(c->fdb, c->workers[i]->dp.learn_ring, now);
		dp_conn_drain(c->conn, c->workers[i]->dp.conn->ring, now);
	}
	trace_poll(c);
	if (now >= c->next_age) {
		dp_fdb_age(c->fdb, now);
		dp_conn_age(c->conn, now);
		c->next_age = now + c->tsc_hz;
	}
	if (now >= c->next_state) {
		for (i = 0; i < c->cfg.n_ports; i++) {
			bool was_up = c->ports[i].link_up;

			changed |= pmd_port_poll_state(&c->ports[i]);
			if (c->ports[i].open && was_up != c->ports[i].link_up) {
				VSW_LOG(NOTICE, "port %s: link %s\n", c->cfg.ports[i].name,
						c->ports[i].link_up ? "up" : "down");
				changed = true;
			}
		}
		if (changed && ctrl_publish(c, &e) != 0)
			VSW_LOG(ERR, "republishing after a link or queue change: %s\n", e.msg);
		c->next_state = now + c->tsc_hz / 10;
	}
	if (c->cfg.sw.stats_interval_s > 0 && now >= c->next_stats) {
		if (c->next_stats != 0)
			ctrl_stats_print(c);
		c->next_stats = now + c->cfg.sw.stats_interval_s * c->tsc_hz;
	}
}

void
ctrl_fini(struct vsw_ctrl *c)
{
	uint16_t i;

	if (c->running) {
		c->sh.stop = true;
		rte_eal_mp_wait_lcore();
		c->running = false;
	}
	for (i = 0; i < c->cfg.n_ports; i++)
		pmd_port_close(&c->ports[i]);
	for (i = 0; i < c->cfg.n_ports; i++)
		pmd_port_free_pool(&c->ports[i]);
	while (c->n_dead_pools > 0)
		rte_mempool_free(c->dead_pools[--c->n_dead_pools]);
	trace_fini(c);
	for (i = 0; i < c->n_workers; i++) {
		if (c->workers[i] == NULL)
			continue;
		vsw_graph_destroy(&c->workers[i]->dp);
		rte_ring_free(c->workers[i]->dp.learn_ring);
		dp_conn_local_free(c->workers[i]->dp.conn);
		rte_free(c->workers[i]);
		c->workers[i] = NULL;
	}
	snap_free(c->sh.snap);
	c->sh.snap = NULL;
	ipsec_ctl_fini(&c->ipsec);
	dp_fdb_free(c->fdb);
	c->fdb = NULL;
	acl_set_free(c->acl);
	c->acl = NULL;
	dp_conn_free(c->conn);
	c->conn = NULL;
	rte_free(c->sh.qsv);
	c->sh.qsv = NULL;
	rte_mempool_free(c->pool);
	c->pool = NULL;
	free(c->base);
	c->base = NULL;
	cfg_free(&c->cfg);
}
