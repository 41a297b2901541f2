/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_VMQ_CTL_H
#define VSW_VMQ_CTL_H

/**
 * @file
 * Dynamic VMQ, control side (doc/vmq.md). Once a second, and after each change, the control
 * thread plans (vmq_plan.h) each uplink's per-VM queues from the VM MACs (the vhost-user
 * ports' configured MACs and the ones learned on them) and the RX queue placement, and makes
 * the device's rte_flow rules (ETH dst -> QUEUE) match the plan: creates the new rules
 * before it destroys the old ones, so a MAC is never without one in between. A device that
 * validates no such rule (every virtual PMD) is left to its RSS, and says so.
 */

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "dp.h"
#include "vmq_plan.h"

struct rte_flow;

/** One installed rule. */
struct vmq_inst {
	struct vmq_rule r;       /**< what it steers */
	struct rte_flow *flow;   /**< the device's rule */
};

/** One uplink. */
struct vmq_port {
	bool probed;             /**< the device was asked whether it takes the rules */
	bool flow_ok;            /**< it validated one */
	char probe_msg[128];     /**< what it answered when it did not */
	enum vmq_mode mode;      /**< the last plan's mode */
	const char *why;         /**< the last plan's reason (static) */
	uint32_t n;              /**< entries in inst */
	struct vmq_inst inst[VMQ_MAX_RULES]; /**< installed rules */
	uint64_t errors;         /**< rule creations the device refused */
};

/** Dynamic VMQ state. */
struct vmq_ctl {
	struct vmq_port port[VSW_MAX_PORTS]; /**< by port slot */
	uint64_t next;                       /**< TSC of the next sync */
};

struct vsw_ctrl;

/** Plans every uplink and makes its rules match; at most once a second unless @p now is 0. */
void vmq_ctl_sync(struct vsw_ctrl *c, uint64_t now);

/** Port @p slot is about to close: its rules go with it (rte_flow_flush), the state too. */
void vmq_ctl_port_closing(struct vsw_ctrl *c, uint16_t slot);

/** The "vmq" state of port @p slot for port.show, or NULL for a port that steers nothing. */
json_t *vmq_ctl_json(const struct vsw_ctrl *c, uint16_t slot);

#endif
