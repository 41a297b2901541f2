/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_MEM_H
#define VSW_MEM_H

/**
 * @file
 * Hugepage memory planning: how many mbufs of what size the configured ports, queues, ring
 * sizes and MTUs need, and what vswd needs in all. Pure arithmetic on the config, usable
 * before the EAL starts, so a config that cannot fit is refused with the figure it needs.
 */

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"

/** Ports, queues and buffers per worker that the datapath keeps mbufs in. */
#define MEM_TXBUF 64          /**< mbufs buffered per (worker, port) before a TX burst */
#define MEM_POOL_CACHE 256    /**< per-lcore mempool cache */
#define MEM_LEARN_RING 8192   /**< learn events each worker may queue for the FDB writer */
#define MEM_EAL_BASE_MB 48    /**< EAL, drivers and DPDK's own memzones (measured) */
/** Data room of jumbo-pool mbufs: MTU 9000 frames, and net_af_packet framesz up to 16384
 * (it wants its whole frame to fit one mbuf). */
#define MEM_JUMBO_DATAROOM 16384

/** A memory plan. */
struct mem_plan {
	uint32_t data_room;     /**< mbuf data room (bytes after the headroom) */
	uint32_t segs_per_frame; /**< mbufs the largest frame needs */
	uint32_t n_mbufs;       /**< mbufs the config needs */
	uint32_t pool_mbufs;    /**< mbufs the pool gets (mem_check(): n_mbufs plus room for
				 *   ports added while running) */
	uint64_t pool_bytes;    /**< bytes of the shared mbuf pool */
	uint64_t jumbo_bytes;   /**< bytes of per-port jumbo pools */
	uint64_t fdb_bytes;     /**< bytes of the MAC table */
	uint64_t other_bytes;   /**< rings, snapshots, worker contexts */
	uint32_t total_mb;      /**< everything incl. MEM_EAL_BASE_MB, rounded up */
};

/**
 * Plans memory for @p c with @p n_workers workers and mbufs of @p data_room bytes
 * (0: RTE_MBUF_DEFAULT_DATAROOM). Never fails.
 */
void mem_plan(const struct vsw_config *c, uint32_t n_workers, uint32_t data_room,
		struct mem_plan *mp);

/**
 * True when dpdk port @p p needs its own pool of single-segment jumbo mbufs: its frames do not
 * fit the shared pool's mbufs and its driver can neither scatter nor chain. @p scatter: the
 * device reports RTE_ETH_RX_OFFLOAD_SCATTER (before probing: assumed for PCI devices).
 */
bool mem_port_needs_jumbo_pool(const struct cfg_port *p, const char *driver, bool scatter);

/** mbufs in the jumbo pool of port @p p. */
uint32_t mem_jumbo_pool_size(const struct cfg_port *p);

/**
 * Plans memory for @p c with @p n_workers workers into @p mp and checks it fits
 * $.dpdk.memory_mb. @return 0, or -EINVAL with @p e giving the figures.
 */
int mem_check(const struct vsw_config *c, uint32_t n_workers, struct mem_plan *mp,
		struct ctrl_err *e);

/** Handoff ring size of port @p p (power of two, >= its tx_desc). */
uint32_t mem_handoff_size(const struct cfg_port *p);

#endif
