/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Applying a configuration document to the running switch: the one action behind the config
 * loader, config.apply and every port.* / fdb static-entry method (which build the document
 * they want and hand it here). Validate everything, prepare what can fail, diff against the
 * running config, change only what differs, publish one snapshot; on a failure part-way,
 * undo what was done (ctrl_config_apply() lists the phases).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "ctrl.h"
#include "snap.h"
#include "vsw_log.h"

/** What happens to a running port. */
enum plan_op {
	OP_KEEP = 0,  /* unchanged (or not a running port) */
	OP_LIVE,      /* only live settings change: the new spec, no reopen */
	OP_DEL,       /* port gone: close */
	OP_REOPEN,    /* device settings changed: close, then open with the new spec */
};

/** The plan of one apply. */
struct plan {
	uint8_t op[VSW_MAX_PORTS];       /* by running slot: enum plan_op */
	int16_t slot_of[VSW_MAX_PORTS];  /* by index in next->ports: slot it gets */
	uint8_t added[VSW_MAX_PORTS];    /* by index in next->ports: a new port */
	struct cfg_port old[VSW_MAX_PORTS]; /* by slot: the running spec, for undo */
	struct cfg_fdb_ix *cur_ix;       /* the running static MACs, sorted by key */
	struct cfg_fdb_ix *next_ix;      /* those of next, sorted by key */
};

/* Index of the port named @p name in @p c, or -1. */
static int
port_index(const struct vsw_config *c, const char *name)
{
	const struct cfg_port *p = cfg_port_find(c, name);

	return p != NULL ? (int)(p - c->ports) : -1;
}

/* Rewrites an error path "$.ports[slot]..." into "$.ports[doc]..." of the document. */
static void
err_path_to_doc(struct ctrl_err *e, uint32_t slot, uint32_t doc)
{
	char pfx[32], path[sizeof(e->path)];
	size_t l;

	l = (size_t)snprintf(pfx, sizeof(pfx), "$.ports[%u]", slot);
	if (strncmp(e->path, pfx, l) != 0)
		return;
	snprintf(path, sizeof(path), "$.ports[%u]%s", doc, e->path + l);
	snprintf(e->path, sizeof(e->path), "%s", path);
}

static void
plan_free(struct plan *pl)
{
	if (pl == NULL)
		return;
	free(pl->cur_ix);
	free(pl->next_ix);
	free(pl);
}

/* Diffs the running ports against @p next into @p pl. */
static void
plan_ports(const struct vsw_ctrl *c, const struct vsw_config *next, struct plan *pl)
{
	uint32_t i, slot = 0;
	int j;

	for (i = 0; i < c->cfg.n_ports; i++) {
		const struct cfg_port *p = &c->cfg.ports[i];

		if (!cfg_port_used(p))
			continue;
		pl->old[i] = *p;
		j = port_index(next, p->name);
		if (j < 0) {
			pl->op[i] = OP_DEL;
			continue;
		}
		pl->slot_of[j] = (int16_t)i;
		switch (cfg_port_diff(p, &next->ports[j])) {
		case CFG_PORT_SAME:
			break;
		case CFG_PORT_LIVE:
			pl->op[i] = OP_LIVE;
			break;
		case CFG_PORT_REOPEN:
			pl->op[i] = OP_REOPEN;
			break;
		}
	}
	/* New ports take the lowest slots free once the deletions are done. */
	for (j = 0; j < (int)next->n_ports; j++) {
		if (port_index(&c->cfg, next->ports[j].name) >= 0)
			continue;
		while (slot < c->cfg.n_ports && cfg_port_used(&c->cfg.ports[slot]) &&
				pl->op[slot] != OP_DEL)
			slot++;
		pl->added[j] = 1;
		pl->slot_of[j] = (int16_t)slot++;
	}
}

/* True when @p b (sorted by @p ix) has static entry @p f: same MAC, VLAN and port name. */
static bool
fdb_has(const struct vsw_config *b, const struct cfg_fdb_ix *ix, const struct cfg_fdb *f)
{
	int i = cfg_fdb_find(b, ix, cfg_fdb_key(f));

	return i >= 0 && strcmp(b->fdb[i].port, f->port) == 0;
}

/* Forgets trailing empty slots. */
static void
ports_trim(struct vsw_ctrl *c)
{
	while (c->cfg.n_ports > 0 && !cfg_port_used(&c->cfg.ports[c->cfg.n_ports - 1]))
		c->cfg.n_ports--;
}

/* Takes the ports of the plan out of service: unpublished, their MACs forgotten, closed. */
static int
ports_remove(struct vsw_ctrl *c, const struct plan *pl, struct ctrl_err *e)
{
	uint64_t now = rte_rdtsc();
	uint16_t i, w;
	bool any = false;

	for (i = 0; i < c->cfg.n_ports; i++) {
		if (pl->op[i] == OP_DEL || pl->op[i] == OP_REOPEN) {
			memset(&c->cfg.ports[i], 0, sizeof(c->cfg.ports[i]));
			any = true;
		}
	}
	if (!any)
		return 0;
	/* After this publish (which waits for every worker to go quiescent) no worker polls
	 * or sends to these ports, and no TX buffer holds a frame for them. */
	if (ctrl_publish(c, e) != 0)
		return -ENOMEM;
	for (w = 0; w < c->n_workers; w++)
		dp_fdb_drain(c->fdb, c->workers[w]->dp.learn_ring, now);
	for (i = 0; i < RTE_DIM(pl->op); i++) {
		if (pl->op[i] != OP_DEL && pl->op[i] != OP_REOPEN)
			continue;
		dp_fdb_flush(c->fdb, i, DP_FDB_ANY, true);
		dp_conn_flush(c->conn, i);
		ctrl_port_close(c, i);
	}
	return 0;
}

/* Opens @p spec into slot @p slot (running config updated). @return 0 or -errno with @p e. */
static int
port_open(struct vsw_ctrl *c, uint16_t slot, const struct cfg_port *spec, struct ctrl_err *e)
{
	int rc = pmd_port_open(&c->ports[slot], spec, slot, c->n_workers, c->pool, e);

	if (rc != 0)
		return rc;
	c->cfg.ports[slot] = *spec;
	if (slot >= c->cfg.n_ports)
		c->cfg.n_ports = slot + 1u;
	ctrl_stats_port_zero(c, slot);
	return 0;
}

/* Undoes a failed apply: closes what it opened, reopens what it removed, republishes. */
static void
undo(struct vsw_ctrl *c, const struct vsw_config *next, const struct plan *pl)
{
	uint8_t opened[VSW_MAX_PORTS] = { 0 };
	struct ctrl_err e2;
	uint32_t j;
	uint16_t i;

	/* Unpublish what this apply opened, then close it. */
	for (j = 0; j < next->n_ports; j++) {
		i = (uint16_t)pl->slot_of[j];
		if ((pl->added[j] || pl->op[i] == OP_REOPEN) && c->ports[i].open) {
			memset(&c->cfg.ports[i], 0, sizeof(c->cfg.ports[i]));
			opened[i] = 1;
		}
	}
	if (ctrl_publish(c, &e2) != 0)
		VSW_LOG(ERR, "undo: publish: %s\n", e2.msg);
	for (i = 0; i < RTE_DIM(opened); i++)
		if (opened[i])
			ctrl_port_close(c, i);
	for (i = 0; i < RTE_DIM(pl->op); i++)
		if (pl->op[i] == OP_LIVE)
			c->cfg.ports[i] = pl->old[i]; /* live settings back */
	for (i = 0; i < RTE_DIM(pl->op); i++)
		if ((pl->op[i] == OP_DEL || pl->op[i] == OP_REOPEN) && !c->ports[i].open &&
				port_open(c, i, &pl->old[i], &e2) != 0)
			VSW_LOG(ERR, "undo: cannot reopen port %s: %s: %s\n", pl->old[i].name,
					e2.path, e2.msg);
	ports_trim(c);
	if (ctrl_publish(c, &e2) != 0)
		VSW_LOG(ERR, "undo: publish: %s\n", e2.msg);
}

/*
 * Brings the static MAC entries to those of @p next, whose copy @p list (prepared) becomes
 * the running list: adds new ones and those whose port was reopened (its entries were
 * flushed), removes the rest. On failure (table full) the entries of the running config are
 * put back and @p list is freed.
 */
static int
fdb_sync(struct vsw_ctrl *c, const struct vsw_config *next, const struct plan *pl,
		struct cfg_fdb *list, struct ctrl_err *e)
{
	uint32_t i, k;

	for (i = 0; i < c->cfg.n_fdb; i++)
		if (!fdb_has(next, pl->next_ix, &c->cfg.fdb[i]))
			dp_fdb_del(c->fdb, cfg_fdb_key(&c->cfg.fdb[i]));
	for (i = 0; i < next->n_fdb; i++) {
		struct cfg_fdb *f = &list[i];

		f->port_idx = (uint16_t)port_index(&c->cfg, f->port);
		if (fdb_has(&c->cfg, pl->cur_ix, f) && pl->op[f->port_idx] != OP_REOPEN)
			continue;
		if (dp_fdb_add_static(c->fdb, cfg_fdb_key(f), f->port_idx) != 0) {
			char path[64];

			for (k = 0; k <= i; k++)
				if (!fdb_has(&c->cfg, pl->cur_ix, &list[k]))
					dp_fdb_del(c->fdb, cfg_fdb_key(&list[k]));
			for (k = 0; k < c->cfg.n_fdb; k++)
				dp_fdb_add_static(c->fdb, cfg_fdb_key(&c->cfg.fdb[k]),
						c->cfg.fdb[k].port_idx);
			free(list);
			snprintf(path, sizeof(path), "$.fdb[%u]", i);
			return ctrl_errf(e, path, "MAC table full");
		}
	}
	free(c->cfg.fdb);
	c->cfg.fdb = list;
	c->cfg.n_fdb = next->n_fdb;
	return 0;
}

/* The report of what an apply changes. */
static json_t *
plan_report(const struct vsw_ctrl *c, const struct vsw_config *next, const struct plan *pl,
		bool ipsec_changed)
{
	json_t *add = json_array(), *del = json_array(), *reo = json_array(), *live = json_array();
	uint32_t i, fdb_add = 0, fdb_del = 0;

	for (i = 0; i < c->cfg.n_ports; i++) {
		if (!cfg_port_used(&c->cfg.ports[i]))
			continue;
		if (pl->op[i] == OP_DEL)
			json_array_append_new(del, json_string(c->cfg.ports[i].name));
		else if (pl->op[i] == OP_REOPEN)
			json_array_append_new(reo, json_string(c->cfg.ports[i].name));
		else if (pl->op[i] == OP_LIVE)
			json_array_append_new(live, json_string(c->cfg.ports[i].name));
	}
	for (i = 0; i < next->n_ports; i++)
		if (pl->added[i])
			json_array_append_new(add, json_string(next->ports[i].name));
	for (i = 0; i < next->n_fdb; i++)
		fdb_add += !fdb_has(&c->cfg, pl->cur_ix, &next->fdb[i]);
	for (i = 0; i < c->cfg.n_fdb; i++)
		fdb_del += !fdb_has(next, pl->next_ix, &c->cfg.fdb[i]);
	return json_pack("{s:o, s:o, s:o, s:o, s:i, s:i, s:b, s:b, s:b, s:b}", "ports_added", add,
			"ports_removed", del, "ports_reopened", reo, "ports_changed", live,
			"fdb_added", fdb_add, "fdb_removed", fdb_del,
			"switch_changed", c->cfg.sw.fdb_aging_s != next->sw.fdb_aging_s ||
			c->cfg.sw.stats_interval_s != next->sw.stats_interval_s ||
			c->cfg.sw.flow_cache != next->sw.flow_cache ||
			c->cfg.sw.acl_flow_timeout_s != next->sw.acl_flow_timeout_s ||
			c->cfg.sw.idle_sleep_us != next->sw.idle_sleep_us ||
			c->cfg.sw.workers != next->sw.workers,
			"acl_changed", !cfg_acl_equal(&c->cfg, next), "ipsec_changed", ipsec_changed,
			"rxq_changed", c->cfg.rxq.auto_rebalance != next->rxq.auto_rebalance ||
			c->cfg.rxq.interval_s != next->rxq.interval_s ||
			c->cfg.rxq.threshold != next->rxq.threshold ||
			c->cfg.rxq.improvement != next->rxq.improvement);
}

/* Whether ports get other slots (added, removed, reopened). */
static bool
slots_move(const struct vsw_config *next, const struct plan *pl)
{
	uint32_t i;

	for (i = 0; i < RTE_DIM(pl->op); i++)
		if (pl->op[i] == OP_DEL || pl->op[i] == OP_REOPEN)
			return true;
	for (i = 0; i < next->n_ports; i++)
		if (pl->added[i])
			return true;
	return false;
}

/* Whether live settings of ports change (the IPsec placement reads some). */
static bool
ports_live(const struct plan *pl)
{
	uint32_t i;

	for (i = 0; i < RTE_DIM(pl->op); i++)
		if (pl->op[i] == OP_LIVE)
			return true;
	return false;
}

static bool
acl_rebuild(const struct vsw_ctrl *c, const struct vsw_config *next, const struct plan *pl)
{
	if (!cfg_acl_equal(&c->cfg, next))
		return true;
	return next->n_acl > 0 && slots_move(next, pl);
}

/* What an apply prepares before it changes anything, and what it stages for the commit. */
struct prep {
	struct dp_acl_set *acl;      /* the classifiers of next's rules (new_acl), or NULL */
	struct cfg_acl *acl_r;       /* copy of next's rules, ports as running slots */
	struct cfg_fdb *fdb;         /* copy of next's static MAC entries */
	bool new_acl;                /* the rules (or their slots) change */
	bool staged;                 /* the running config holds the staged values below */
	struct dp_acl_set *old_acl;  /* staged: the running set before */
	struct cfg_acl *old_r;       /* staged: the running rules before */
	uint32_t old_n;              /* staged: their count */
	struct cfg_switch old_sw;    /* staged: the switch keys before */
	struct cfg_rxq old_rxq;      /* staged: the rxq keys before */
	json_t *old_profiles;        /* staged: the profiles before (the reference) */
	struct ipsec_ctl_prep ip;    /* the IPsec section's SAs and SPD (ipsec_ctl.h) */
};

/* Copies of the rules and static MAC entries of @p next (phase 2: allocations only). */
static int
prep_lists(const struct vsw_config *next, const struct plan *pl, struct prep *pr,
		struct ctrl_err *e)
{
	uint32_t i;

	if (pr->new_acl && next->n_acl > 0) {
		pr->acl_r = malloc(next->n_acl * sizeof(*pr->acl_r));
		if (pr->acl_r == NULL)
			return ctrl_nomem(e, "$.acl", "out of memory");
		memcpy(pr->acl_r, next->acl, next->n_acl * sizeof(*pr->acl_r));
		for (i = 0; i < next->n_acl; i++)
			pr->acl_r[i].port_idx = (uint16_t)pl->slot_of[pr->acl_r[i].port_idx];
	}
	if (next->n_fdb > 0) {
		pr->fdb = malloc(next->n_fdb * sizeof(*pr->fdb));
		if (pr->fdb == NULL)
			return ctrl_nomem(e, "$.fdb", "out of memory");
		memcpy(pr->fdb, next->fdb, next->n_fdb * sizeof(*pr->fdb));
	}
	return 0;
}

/* Puts the new rules, their classifiers and the switch keys of @p next in the running
 * config, keeping the old ones (the snapshot is built from the running config). */
static void
prep_stage(struct vsw_ctrl *c, const struct vsw_config *next, struct prep *pr)
{
	pr->old_sw = c->cfg.sw;
	c->cfg.sw = next->sw;
	pr->old_rxq = c->cfg.rxq;
	c->cfg.rxq = next->rxq;
	pr->old_profiles = c->cfg.profiles;
	c->cfg.profiles = json_incref(next->profiles);
	if (pr->new_acl) {
		pr->old_acl = c->acl;
		pr->old_r = c->cfg.acl;
		pr->old_n = c->cfg.n_acl;
		c->acl = pr->acl;
		c->cfg.acl = pr->acl_r;
		c->cfg.n_acl = next->n_acl;
		pr->acl = NULL;
		pr->acl_r = NULL;
	}
	ipsec_ctl_stage(&c->ipsec, &c->cfg, c->ports, &pr->ip);
	pr->staged = true;
}

/* Takes the staged values back out of the running config (before an undo). */
static void
prep_unstage(struct vsw_ctrl *c, struct prep *pr)
{
	if (!pr->staged)
		return;
	c->cfg.sw = pr->old_sw;
	c->cfg.rxq = pr->old_rxq;
	json_decref(c->cfg.profiles);
	c->cfg.profiles = pr->old_profiles;
	pr->old_profiles = NULL;
	if (pr->new_acl) {
		pr->acl = c->acl;
		pr->acl_r = c->cfg.acl;
		c->acl = pr->old_acl;
		c->cfg.acl = pr->old_r;
		c->cfg.n_acl = pr->old_n;
	}
	ipsec_ctl_unstage(&c->ipsec, &c->cfg.ipsec, &pr->ip);
	pr->staged = false;
}

/* Frees what the apply prepared and did not hand over. */
static void
prep_free(struct prep *pr)
{
	acl_set_free(pr->acl);
	free(pr->acl_r);
	free(pr->fdb);
	ipsec_ctl_abort(&pr->ip);
}

/* After the publish that dropped @p old: carries unchanged rules' counts, frees the old set. */
static void
acl_retire(struct vsw_ctrl *c, struct dp_acl_set *old, struct cfg_acl *old_r, uint32_t old_n)
{
	if (c->acl != NULL && acl_carry(c->acl, c->cfg.acl, c->cfg.n_acl, old, old_r, old_n) != 0)
		VSW_LOG(WARNING, "acl: out of memory: rule counters start from zero\n");
	acl_set_free(old);
	free(old_r);
}

/* The mbuf pool was sized at start: refuses a config whose ports need more mbufs. */
static int
pool_check(const struct vsw_ctrl *c, const struct vsw_config *next, struct ctrl_err *e)
{
	struct mem_plan mp;

	mem_plan(next, c->n_workers, c->mem.data_room, &mp);
	if (mp.n_mbufs <= c->mem.pool_mbufs)
		return 0;
	return ctrl_errf(e, "$.ports", "these ports need %u mbufs (%u MiB) but the pool made at "
			"start for the start-up config has %u: use fewer or smaller rings "
			"(rx_desc, tx_desc, queues), or restart vswd with this config",
			mp.n_mbufs, (unsigned int)(mp.pool_bytes >> 20), c->mem.pool_mbufs);
}

/*
 * Three phases. 1, validate: the restart keys, the mbuf pool; nothing is touched. 2, prepare
 * what can fail without touching the switch: the plan, the ACL classifiers, the copies of
 * the lists. 3, change the switch, undoably: ports out and in, the staged config, its
 * snapshot (built, not yet published), the static MAC entries; a failure here undoes all of
 * it. Then the commit, which cannot fail: publish the snapshot, retire the old rules.
 */
int
ctrl_config_apply(struct vsw_ctrl *c, const struct vsw_config *next, bool dry_run,
		json_t **report, struct ctrl_err *e)
{
	struct prep pr = { 0 };
	struct dp_snap *snap = NULL;
	json_t *before, *after;
	struct plan *pl;
	uint16_t want;
	uint32_t j;
	int rc;

	if (report != NULL)
		*report = NULL;
	/* 1: validate. */
	rc = cfg_restart_check(&c->cfg, next, e);
	if (rc == 0 && next->sw.workers > c->n_workers)
		rc = ctrl_errf(e, "$.switch.workers", "%u workers: %u lcores are reserved for "
				"workers (dpdk.lcores; a change there needs a restart)",
				next->sw.workers, c->n_workers);
	if (rc == 0 && c->pool != NULL)
		rc = pool_check(c, next, e);
	if (rc != 0)
		return rc;
	/* 2: prepare. */
	pl = calloc(1, sizeof(*pl));
	if (pl != NULL) {
		pl->cur_ix = cfg_fdb_index(&c->cfg);
		pl->next_ix = cfg_fdb_index(next);
	}
	if (pl == NULL || pl->cur_ix == NULL || pl->next_ix == NULL) {
		plan_free(pl);
		return ctrl_nomem(e, "$", "out of memory");
	}
	plan_ports(c, next, pl);
	pr.new_acl = acl_rebuild(c, next, pl);
	if (pr.new_acl && next->n_acl > 0) {
		pr.acl = acl_build(next, pl->slot_of, c->n_workers, e);
		if (pr.acl == NULL)
			rc = ctrl_err_rc(e, -EINVAL);
	}
	if (rc == 0)
		rc = prep_lists(next, pl, &pr, e);
	if (rc == 0)
		rc = ipsec_ctl_prepare(&c->ipsec, &c->cfg.ipsec, &next->ipsec, pl->slot_of,
				slots_move(next, pl) || ports_live(pl), &pr.ip, e);
	if (rc != 0 || dry_run) {
		if (rc == 0 && report != NULL)
			*report = plan_report(c, next, pl, pr.ip.change);
		prep_free(&pr);
		plan_free(pl);
		return rc;
	}
	if (report != NULL)
		*report = plan_report(c, next, pl, pr.ip.change);
	/* 3: change, undoably. The generation counts changes: a document equal to the running
	 * one is not one. */
	before = cfg_emit(&c->cfg);
	rc = ports_remove(c, pl, e);
	for (j = 0; rc == 0 && j < next->n_ports; j++) {
		uint16_t slot = (uint16_t)pl->slot_of[j];

		if (pl->added[j] || pl->op[slot] == OP_REOPEN) {
			rc = port_open(c, slot, &next->ports[j], e);
			if (rc != 0)
				err_path_to_doc(e, slot, j);
		} else {
			c->cfg.ports[slot] = next->ports[j]; /* same, or live settings */
		}
	}
	if (rc == 0) {
		ports_trim(c);
		prep_stage(c, next, &pr);
		snap = ctrl_snap_prepare(c, e);
		if (snap == NULL)
			rc = ctrl_err_rc(e, -ENOMEM);
	}
	if (rc == 0) {
		rc = fdb_sync(c, next, pl, pr.fdb, e);
		pr.fdb = NULL; /* running now, or freed */
	}
	if (rc != 0) {
		snap_free(snap);
		prep_unstage(c, &pr);
		undo(c, next, pl);
		prep_free(&pr);
		plan_free(pl);
		json_decref(report != NULL ? *report : NULL);
		if (report != NULL)
			*report = NULL;
		json_decref(before);
		return rc;
	}
	/* Commit: nothing below fails. */
	c->fdb->aging = (uint64_t)next->sw.fdb_aging_s * c->tsc_hz;
	c->conn->timeout = (uint64_t)next->sw.acl_flow_timeout_s * c->tsc_hz;
	ctrl_snap_commit(c, snap);
	json_decref(pr.old_profiles);
	ipsec_ctl_commit(&c->ipsec, &pr.ip, &next->ipsec);
	if (pr.new_acl)
		acl_retire(c, pr.old_acl, pr.old_r, pr.old_n);
	for (j = 0; j < next->n_ports; j++)
		if (pl->added[j] || pl->op[pl->slot_of[j]] == OP_REOPEN)
			ctrl_port_report(c, (uint16_t)pl->slot_of[j]);
	for (j = 0; j < RTE_DIM(pl->op); j++)
		if (pl->op[j] == OP_DEL)
			VSW_LOG(NOTICE, "port %s removed\n", pl->old[j].name);
	plan_free(pl);
	want = (uint16_t)(next->sw.workers != 0 ? next->sw.workers : c->n_workers);
	if (want != c->n_active && rxq_ctl_set_active(c, want, e) != 0)
		VSW_LOG(ERR, "switch.workers: %s\n", e->msg);
	vmq_ctl_sync(c, 0); /* the uplinks' rules follow the ports and MACs now */
	repr_ctl_sync(c, 0); /* and the representors' offload their policies */
	after = cfg_emit(&c->cfg);
	if (before == NULL || after == NULL || !json_equal(before, after))
		c->cfg_gen++;
	json_decref(before);
	json_decref(after);
	return 0;
}
