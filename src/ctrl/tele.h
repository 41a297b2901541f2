/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_TELE_H
#define VSW_TELE_H

/**
 * @file
 * Read-only DPDK telemetry commands (dpdk-telemetry.py): /vswd/ports, /vswd/port,<name>,
 * /vswd/stats. They run in the telemetry thread, so they never touch the switch: the control
 * thread refreshes a copy of the statistics (tele_update()) that they read under a mutex.
 */

#include "ctrl.h"

/** Registers the commands. @return 0 or a negative errno. */
int tele_init(void);

/** Control thread: refreshes the copy the commands read (at most every 200 ms). */
void tele_update(const struct vsw_ctrl *c);

/** Drops the copy (the commands then answer empty). */
void tele_fini(void);

#endif
