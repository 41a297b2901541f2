/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_FUZZ_COMMON_H
#define VSW_FUZZ_COMMON_H

/**
 * @file
 * EAL start-up for the harnesses: no hugepages, no PCI, a file prefix of the harness's own,
 * and at exit EAL's cleanup and the removal of its runtime directory.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>

#include "ut.h"

/** Stops the harness when @p c is false: libFuzzer reports the input that did it. */
#define FUZZ_CHECK(c) do { \
		if (!(c)) { \
			fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
			abort(); \
		} \
	} while (0)

/** Starts the EAL on lcores @p lcores with prefix vswfuzz_<name>_<pid>. */
static inline void
fuzz_eal_init(const char *name, const char *lcores)
{
	char prefix[64], l[32];
	char *argv[] = { "fuzz", "--no-huge", "--no-pci", "-m", "512", "--log-level=crit",
		"--no-telemetry", l, prefix, NULL };

	snprintf(l, sizeof(l), "-l%s", lcores);
	snprintf(prefix, sizeof(prefix), "--file-prefix=vswfuzz_%s_%d", name, (int)getpid());
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0) {
		fprintf(stderr, "EAL init failed\n");
		exit(1);
	}
	atexit(ut_eal_fini);
}

#endif
