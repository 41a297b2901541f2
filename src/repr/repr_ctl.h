/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_REPR_CTL_H
#define VSW_REPR_CTL_H

/**
 * @file
 * SR-IOV representors, control side (doc/representor.md). Once a second, and after each
 * change, the control thread decides for every representor port whether its L2 forwarding
 * may be left to the NIC (repr_plan.h: no policy that needs the software path, the device
 * takes transfer rules) and makes the NIC's transfer rules match: frames from one VF to a
 * MAC behind another VF of the same access VLAN go to that VF (REPRESENTED_PORT), counted
 * (COUNT). Rules are created on the transfer proxy port, new before old ones go.
 */

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "dp.h"
#include "repr_plan.h"

struct rte_flow;

/** One installed transfer rule. */
struct repr_inst {
	struct repr_rule r;      /**< what it forwards */
	uint16_t proxy;          /**< the port it was created on */
	struct rte_flow *flow;   /**< the device's rule */
};

/** Representor state. */
struct repr_ctl {
	bool probed[VSW_MAX_PORTS];      /**< the port's device was asked for transfer rules */
	bool transfer_ok[VSW_MAX_PORTS]; /**< it validated one */
	char probe_msg[VSW_MAX_PORTS][96]; /**< what it answered when it did not */
	uint32_t n;                      /**< entries in inst */
	struct repr_inst inst[REPR_MAX_RULES]; /**< installed rules */
	uint64_t errors;                 /**< rule creations refused */
	uint64_t next;                   /**< TSC of the next sync */
};

struct vsw_ctrl;

/** Decides and installs; at most once a second unless @p now is 0. */
void repr_ctl_sync(struct vsw_ctrl *c, uint64_t now);

/** Port @p slot is about to close: its rules are destroyed, its probe forgotten. */
void repr_ctl_port_closing(struct vsw_ctrl *c, uint16_t slot);

/** The "offload" state of representor port @p slot for port.show, NULL for other ports. */
json_t *repr_ctl_json(const struct vsw_ctrl *c, uint16_t slot);

#endif
