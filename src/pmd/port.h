/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_PMD_PORT_H
#define VSW_PMD_PORT_H

/**
 * @file
 * Port I/O set-up: opening, configuring, starting and closing ethdevs for the two port types
 * (dpdk: any device by devargs; vhost-user: the net_vhost PMD in server or client mode).
 * A struct pmd_port is owned by the control thread; workers never see it, only the struct
 * dp_port that the snapshot builder derives from it.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>
#include <rte_ring.h>

#include "cfg.h"

/** Runtime state of one open port. */
struct pmd_port {
	bool open;               /**< ethdev probed and configured */
	uint16_t idx;            /**< vswd port index (slot in the config's ports[]) */
	uint16_t eth_id;         /**< DPDK ethdev port id */
	uint16_t n_rxq;          /**< RX queues configured */
	uint16_t n_txq;          /**< TX queues configured */
	uint32_t txq_enabled;    /**< TX queues usable now (bit per queue; vhost: guest-enabled) */
	struct rte_ring *handoff; /**< MP/SC TX handoff ring, NULL when n_txq >= workers */
	struct rte_mempool *jumbo_pool; /**< own single-segment jumbo mbufs, NULL: shared pool */
	bool link_up;            /**< link state last polled */
	uint32_t link_speed;     /**< link speed last polled, Mbps */
	bool vhost_server_sock;  /**< vswd created the vhost-user socket at path */
	char devname[64];        /**< rte_dev name used to detach */
	char path[108];          /**< vhost-user socket path */
	char driver[32];         /**< driver name, for messages */
};

/**
 * Opens port @p cfg as vswd port @p idx: probes the device, configures @p n_workers TX queues
 * where the device has them (fewer: a handoff ring), sets MTU and ring sizes, starts it.
 * Frames come from @p pool. On failure nothing stays open and @p e names the config field.
 * @return 0 or a negative errno.
 */
int pmd_port_open(struct pmd_port *pp, const struct cfg_port *cfg, uint16_t idx,
		uint16_t n_workers, struct rte_mempool *pool, struct ctrl_err *e);

/** Stops and closes @p pp, detaches its device, removes a socket vswd created. */
void pmd_port_close(struct pmd_port *pp);

/**
 * Frees the jumbo pool of a closed port. Its frames may sit in any port's queues until those
 * close too: call only once every port that could hold them is closed.
 */
void pmd_port_free_pool(struct pmd_port *pp);

/**
 * Polls link state and (vhost-user) queue enable events of @p pp.
 * @return true when the usable TX queues changed (the snapshot must be rebuilt).
 */
bool pmd_port_poll_state(struct pmd_port *pp);

#endif
