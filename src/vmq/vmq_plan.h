/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_VMQ_PLAN_H
#define VSW_VMQ_PLAN_H

/**
 * @file
 * Dynamic VMQ, the decision (doc/vmq.md): which RX queue of an uplink each VM MAC gets, from
 * what the device can do and where the queues are polled. Pure: no DPDK state, unit-tested
 * against capability tables (test/unit/test_vmq.c); vmq_ctl.h installs the result as rte_flow
 * rules (ETH dst -> QUEUE).
 *
 * Queue 0 stays the default queue (broadcast, unknown destinations: RSS or the device's
 * default). Each VM gets a queue of its own among 1..n-1 while there are free ones, one
 * polled by the worker that serves the VM when there is such a queue; VMs beyond the queues
 * share them by MAC hash.
 */

#include <stdbool.h>
#include <stdint.h>

/** Most VM MACs one uplink steers. */
#define VMQ_MAX_RULES 256
/** Most RX queues of an uplink considered. */
#define VMQ_MAX_QUEUES 16

/** How an uplink spreads its received frames. */
enum vmq_mode {
	VMQ_OFF,   /**< the port's "vmq" is "off" */
	VMQ_RSS,   /**< no per-VM queues: the device's RSS or its one queue (why says which) */
	VMQ_FLOW,  /**< an rte_flow rule per VM MAC */
};

/** What the uplink can do and how its queues are placed. */
struct vmq_uplink {
	bool enabled;        /**< the port's "vmq" is not "off" */
	bool flow_ok;        /**< the device accepted (validated) an ETH dst -> QUEUE rule */
	uint16_t n_rxq;      /**< its RX queues */
	uint8_t q_worker[VMQ_MAX_QUEUES]; /**< worker polling each queue (0xff: none) */
};

/** One VM MAC to steer. */
struct vmq_vm {
	uint8_t mac[6];      /**< its MAC */
	uint16_t port;       /**< its (VM) port */
	uint8_t worker;      /**< worker serving the VM (polling its port's queue 0), 0xff: none */
};

/** One rule of the plan. */
struct vmq_rule {
	uint8_t mac[6];      /**< destination MAC */
	uint16_t port;       /**< the VM's port */
	uint16_t queue;      /**< uplink RX queue */
	bool shared;         /**< the queue is shared by MAC hash (no free queue was left) */
};

/**
 * The plan for the @p n VMs of @p vms (at most VMQ_MAX_RULES taken, in MAC order) on uplink
 * @p u: VMQ_FLOW with @p out / @p n_out filled, or VMQ_OFF / VMQ_RSS with @p why (a static
 * string) saying why not.
 */
enum vmq_mode vmq_plan(const struct vmq_uplink *u, const struct vmq_vm *vms, uint32_t n,
		struct vmq_rule *out, uint32_t *n_out, const char **why);

/** The queue among 1..n_rxq-1 that MAC @p mac hashes to (n_rxq >= 2). */
uint16_t vmq_hash_queue(const uint8_t *mac, uint16_t n_rxq);

#endif
