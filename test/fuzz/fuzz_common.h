/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_FUZZ_COMMON_H
#define VSW_FUZZ_COMMON_H

/**
 * @file
 * EAL start-up for the harnesses: no hugepages, no PCI, a file prefix of the harness's own,
 * and at exit EAL's cleanup and the removal of its runtime directory.
 */

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>

/** Stops the harness when @p c is false: libFuzzer reports the input that did it. */
#define FUZZ_CHECK(c) do { \
		if (!(c)) { \
			fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
			abort(); \
		} \
	} while (0)

static void
fuzz_eal_fini(void)
{
	char dir[PATH_MAX], f[PATH_MAX + 256];
	struct dirent *d;
	DIR *dh;

	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	dh = opendir(dir);
	if (dh == NULL)
		return;
	while ((d = readdir(dh)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(f, sizeof(f), "%s/%s", dir, d->d_name);
		unlink(f);
	}
	closedir(dh);
	rmdir(dir);
}

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
	atexit(fuzz_eal_fini);
}

#endif
