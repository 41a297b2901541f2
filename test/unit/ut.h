/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_UT_H
#define VSW_UT_H

/**
 * @file
 * Helpers shared by the cmocka unit tests: EAL start-up without hugepages, crafted frames,
 * and snapshots built by the real snapshot builder from a JSON config.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <rte_mbuf.h>

#include "cfg.h"
#include "dp.h"
#include "port.h"

/** Burst sizes every stage is tested with (the dispatcher hands at most DP_BURST). */
#define UT_N_SIZES 7
extern const uint16_t ut_sizes[UT_N_SIZES];
/** Largest burst size in ut_sizes. */
#define UT_MAX_BURST 256

/** The test pool (2 KiB data room). */
extern struct rte_mempool *ut_pool;

/** Starts the EAL (--no-huge, --no-pci, file prefix @p name) and creates ut_pool. */
void ut_eal_init(const char *name);

/** At exit: EAL's resources and its runtime directory (/var/run/dpdk/<prefix>) go. */
void ut_eal_fini(void);

/**
 * Builds a frame: @p dst, @p src (strings "aa:bb:..."), an 802.1Q tag with TCI @p tci when
 * @p tagged, EtherType @p etype, then payload bytes up to @p len total (payload byte i = i).
 */
struct rte_mbuf *ut_frame(const char *dst, const char *src, bool tagged, uint16_t tci,
		uint16_t etype, uint32_t len);

/** A frame of exactly @p len raw bytes from @p bytes. */
struct rte_mbuf *ut_raw(const uint8_t *bytes, uint32_t len);

/** Parses JSON @p json into @p c; fails the test on error. */
void ut_config(const char *json, struct vsw_config *c);

/**
 * Builds a snapshot for @p c with @p n_workers workers, every port "open" with @p n_txq TX
 * queues (0: one per worker), link up, and a handoff ring where needed.
 */
struct dp_snap *ut_snap(const struct vsw_config *c, uint16_t n_workers, uint16_t n_txq,
		struct pmd_port *ports);

/** A worker context with a learn ring, for stage calls. */
struct dp_worker *ut_worker(void);

/** MAC table key (dp_fdb_key()) of @p mac ("aa:bb:...") in VLAN @p vid. */
uint64_t ut_key(uint16_t vid, const char *mac);

/**
 * A QSBR variable for one reader, with this thread registered and online as reader 0: it plays
 * the worker, and reports quiescent between stage calls.
 */
struct rte_rcu_qsbr *ut_reader_qsv(void);

/** Frees @p n mbufs. */
void ut_free(struct rte_mbuf **pkts, uint16_t n);

#endif
