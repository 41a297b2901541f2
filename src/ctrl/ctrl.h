/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_CTRL_H
#define VSW_CTRL_H

/**
 * @file
 * The running switch, owned by the control thread (the EAL main lcore). Every operation on it
 * is one action function below, called by the config loader and the tests (and later the
 * socket API): each validates everything first, then changes state, then publishes a new
 * snapshot to the workers. The control thread is also the only MAC table writer.
 */

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <rte_mempool.h>

#include "acl_build.h"
#include "cfg.h"
#include "conn.h"
#include "fdb.h"
#include "ipsec_ctl.h"
#include "mem.h"
#include "port.h"
#include "rxq_ctl.h"
#include "vmq_ctl.h"
#include "repr_ctl.h"
#include "trace_ctl.h"
#include "worker.h"

/** The running switch. */
struct vsw_ctrl {
	struct vsw_config cfg;                /**< running configuration (ports: open ones) */
	struct pmd_port ports[VSW_MAX_PORTS]; /**< runtime port state, same index as cfg.ports */
	struct mem_plan mem;                  /**< memory plan the pool was sized by */
	struct rte_mempool *pool;             /**< every mbuf of the switch */
	struct dp_fdb *fdb;                   /**< MAC table (this thread writes it) */
	struct dp_acl_set *acl;               /**< ACL classifier of cfg.acl (in the snapshot) */
	struct dp_conn *conn;                 /**< stateful ACL flows (this thread writes it) */
	struct pmd_shared sh;                 /**< what the workers read */
	uint16_t n_workers;                   /**< worker lcores (reserved at start) */
	uint16_t n_active;                    /**< the running set: workers 0..n_active-1 */
	struct pmd_worker *workers[VSW_MAX_WORKERS]; /**< worker contexts */
	uint64_t gen;                         /**< generation of the published snapshot */
	uint64_t cfg_gen;                     /**< config generation: +1 per applied change */
	struct rte_mempool *dead_pools[VSW_MAX_PORTS * 4]; /**< jumbo pools of closed ports */
	uint32_t n_dead_pools;                /**< entries in dead_pools */
	struct ctrl_stats_base *base;         /**< counter values at the last reset (stats.c) */
	uint64_t tsc_hz;                      /**< TSC frequency */
	uint64_t next_age;                    /**< TSC of the next aging pass */
	uint64_t next_state;                  /**< TSC of the next link/queue state poll */
	uint64_t next_stats;                  /**< TSC of the next periodic statistics print */
	bool running;                         /**< workers launched */
	struct trace_state trace;             /**< packet trace and dry run (trace_ctl.h) */
	struct ipsec_ctl ipsec;               /**< IPsec SAs, SPD, handoff rings (ipsec_ctl.h) */
	struct rxq_ctl rxq;                   /**< RX queue placement and loads (rxq_ctl.h) */
	struct vmq_ctl vmq;                   /**< per-VM uplink queues (vmq_ctl.h) */
	struct repr_ctl repr;                 /**< representors' NIC offload (repr_ctl.h) */
};

/**
 * Creates the switch sized for @p cfg: the mbuf pool, the MAC table, RCU and the worker
 * contexts, for the EAL's worker lcores. Takes the "dpdk" and "switch" sections of @p cfg;
 * opens no port (see ctrl_apply_initial()). @return 0, or a negative errno with @p e filled;
 * nothing is left allocated on failure.
 */
int ctrl_init(struct vsw_ctrl *c, struct vsw_config *cfg, struct ctrl_err *e);

/**
 * Action: makes the running switch what the parsed, checked document @p next says. Settings
 * that need a restart must be unchanged. Ports are matched by name: new ones are opened,
 * missing ones closed (unpublished first, their MAC entries flushed), ones whose device
 * settings changed are reopened, and the others only get their live settings (admin, VLANs);
 * the switch section and the static MAC entries follow. One snapshot is published at the end;
 * untouched ports never stop forwarding. On failure everything is undone.
 * @param dry_run only validate and report
 * @param report if not NULL: what changes (ports_added, ports_removed, ...), new reference
 * @return 0 (config generation advanced unless @p dry_run); -ENOTSUP when a change needs a
 * restart; another negative errno otherwise; @p e names the field of @p next.
 */
int ctrl_config_apply(struct vsw_ctrl *c, const struct vsw_config *next, bool dry_run,
		json_t **report, struct ctrl_err *e);

/** Closes the port in @p slot (already unpublished); keeps its jumbo pool until ctrl_fini(). */
void ctrl_port_close(struct vsw_ctrl *c, uint16_t slot);

/** Logs one line saying what the port in @p slot is. */
void ctrl_port_report(const struct vsw_ctrl *c, uint16_t slot);

/** Allocates the statistics baselines (all zero). @return 0 or -ENOMEM. */
int ctrl_stats_init(struct vsw_ctrl *c);

/** Sets the statistics baseline of @p slot to now (a new port starts from zero). */
void ctrl_stats_port_zero(struct vsw_ctrl *c, uint16_t slot);

/** Sets every statistics baseline to now (stats.get with reset) and resets device counters. */
void ctrl_stats_reset(struct vsw_ctrl *c);

/**
 * Builds the snapshot of the running state (c->cfg, the open ports, c->acl), the part of a
 * publish that can fail. @return it, or NULL with @p e (its cause in e->rc).
 */
struct dp_snap *ctrl_snap_prepare(struct vsw_ctrl *c, struct ctrl_err *e);

/**
 * Publishes @p s (from ctrl_snap_prepare()): swaps it in, waits for every worker to leave the
 * old one, frees that. Cannot fail.
 */
void ctrl_snap_commit(struct vsw_ctrl *c, struct dp_snap *s);

/** ctrl_snap_prepare() then ctrl_snap_commit(). @return 0 or -errno with @p e. */
int ctrl_publish(struct vsw_ctrl *c, struct ctrl_err *e);

/** Launches the worker lcores. @return 0 or a negative errno. */
int ctrl_start_workers(struct vsw_ctrl *c);

/**
 * One control-loop iteration: applies learn events, ages the MAC table, polls link and
 * vhost queue state (republishing when TX queues changed), prints periodic statistics.
 */
void ctrl_poll(struct vsw_ctrl *c);

/** Stops the workers, closes every port, frees everything ctrl_init() made. */
void ctrl_fini(struct vsw_ctrl *c);

/** Statistics of the running switch, since the last reset as a JSON object (caller owns the reference). */
json_t *ctrl_stats_json(const struct vsw_ctrl *c);

/**
 * The ACL rules (of port @p port, NULL: all) as rows: index in "acl", port, name, direction,
 * action, match (text), weight, frames and bytes per direction (null: not that direction),
 * the rule object; and the number of stateful flows. @return a new reference.
 */
json_t *ctrl_acl_json(const struct vsw_ctrl *c, const char *port);

/**
 * The metering report: the meter rules, port by port (only @p port when not NULL), as rows
 * with frames and bytes per direction. @return a new reference.
 */
json_t *ctrl_meter_json(const struct vsw_ctrl *c, const char *port);

/** Prints the statistics: a table for people, then one "vswd-stats {...}" JSON line. */
void ctrl_stats_print(const struct vsw_ctrl *c);

#endif
