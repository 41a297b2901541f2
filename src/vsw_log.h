/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_LOG_H
#define VSW_LOG_H

#include <rte_log.h>

/** vswd's DPDK log type (registered by vsw_log_init()). */
extern int vsw_logtype;

/** Logs at RTE_LOG_<level> under vswd's log type. Never on a worker's per-packet path. */
#define VSW_LOG(level, ...) rte_log(RTE_LOG_##level, vsw_logtype, "vswd: " __VA_ARGS__)

/**
 * Routes DPDK's log stream (vswd's messages included) to stderr, one write per line, each
 * prefixed with its journald/syslog priority ("<3>" error .. "<7>" debug) and nothing else:
 * no second copy to syslog. Call before rte_eal_init() so EAL messages take the same path.
 * @return 0 or -1.
 */
int vsw_log_sink_open(void);

/** Registers vswd's log type at @p level (after rte_eal_init). */
void vsw_log_init(uint32_t level);

/** RTE_LOG_* level of a name ("emergency" .. "debug"), or -1 if unknown. */
int vsw_log_level_from_name(const char *name);

/** Name of RTE_LOG_* level @p level ("emergency" .. "debug"), "?" if out of range. */
const char *vsw_log_level_name(uint32_t level);

#endif
