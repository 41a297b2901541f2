/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_EAL_ARGS_H
#define VSW_EAL_ARGS_H

#include "cfg.h"

/** Most EAL arguments vswd builds. */
#define EAL_ARGS_MAX (CFG_MAX_EAL_ARGS + VSW_MAX_PORTS * 2 + 32)

/** EAL argument vector built from a config; strings are owned by the struct. */
struct eal_args {
	int argc;                      /**< entries in argv */
	char *argv[EAL_ARGS_MAX + 1];  /**< NULL-terminated */
	char buf[16384];               /**< storage for the strings */
	size_t used;                   /**< bytes of buf used */
};

/**
 * Builds the EAL arguments for @p c: lcores, main lcore, memory, file prefix, hugepage
 * options, log level, an allow-list of the PCI devices of dpdk ports (--no-pci when none)
 * and the extra eal_args. @return 0 or -ENOSPC.
 */
int eal_args_build(const struct vsw_config *c, const char *prog, struct eal_args *a);

/** True when a dpdk port's devargs name a virtual device ("net_..." / "eth_..."). */
bool eal_devargs_is_vdev(const char *devargs);

#endif
