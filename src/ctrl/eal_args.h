/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_EAL_ARGS_H
#define VSW_EAL_ARGS_H

#include "cfg.h"

/** Most EAL arguments vswd builds. */
#define EAL_ARGS_MAX (CFG_MAX_EAL_ARGS + VSW_MAX_PORTS * 2 + 32)

/**
 * Base address of DPDK's memory in a vswd built with ASan. EAL's default (4 GiB) is ASan's
 * shadow there, so the memory would land among the shared libraries, where a secondary
 * process (dpdk-dumpcap, dpdk-proc-info) may have its own libraries and then cannot map it.
 * 32 TiB is above ASan's shadow and far from any mapping in either process.
 */
#define EAL_ASAN_BASE_VA "0x200000000000"

/** EAL argument vector built from a config; strings are owned by the struct. */
struct eal_args {
	int argc;                      /**< entries in argv */
	char *argv[EAL_ARGS_MAX + 1];  /**< NULL-terminated */
	char buf[16384];               /**< storage for the strings */
	size_t used;                   /**< bytes of buf used */
};

/**
 * Builds the EAL arguments for @p c: lcores, main lcore, memory, file prefix, hugepage
 * options, log level, an allow-list of the PCI devices of dpdk ports (--no-pci when none),
 * in an ASan build EAL_ASAN_BASE_VA, and the extra eal_args last (so they override).
 * @return 0 or -ENOSPC.
 */
int eal_args_build(const struct vsw_config *c, const char *prog, struct eal_args *a);

/** True when a dpdk port's devargs name a virtual device ("net_..." / "eth_..."). */
bool eal_devargs_is_vdev(const char *devargs);

#endif
