/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_SNAP_H
#define VSW_SNAP_H

/**
 * @file
 * Building the workers' immutable snapshot (struct dp_snap) from the configuration and the
 * runtime state of the open ports. Runs on the control thread only, before a publish.
 */

#include "cfg.h"
#include "port.h"

/**
 * Builds a snapshot of generation @p gen for @p n_workers workers: per-port VLAN state, TX
 * queue maps (a worker's own queue where there are enough, the handoff ring otherwise),
 * per-VLAN flood lists split by encoding, and each RX queue on the worker @p asg gives it
 * (by port slot and queue; RXQ_NONE: polled by none, as a queue in a move; @p asg NULL:
 * round robin). Admin-down and unopened ports are neither polled nor flooded to; link-down
 * ports are polled but not flooded to.
 * @return the snapshot (rte_malloc'd) or NULL with @p e filled.
 */
struct dp_snap *snap_build(const struct vsw_config *c, const struct pmd_port *ports,
		uint16_t n_workers, const uint8_t (*asg)[DP_MAX_RXQ], uint64_t gen,
		struct ctrl_err *e);

/** Frees a snapshot no worker can still hold (NULL is fine). */
void snap_free(struct dp_snap *s);

#endif
