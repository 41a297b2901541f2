/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "eal_args.h"

bool
eal_devargs_is_vdev(const char *devargs)
{
	return strncmp(devargs, "net_", 4) == 0 || strncmp(devargs, "eth_", 4) == 0 ||
		strncmp(devargs, "crypto_", 7) == 0;
}

static int __attribute__((format(printf, 2, 3)))
push(struct eal_args *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (a->argc >= EAL_ARGS_MAX)
		return -ENOSPC;
	va_start(ap, fmt);
	n = vsnprintf(a->buf + a->used, sizeof(a->buf) - a->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(a->buf) - a->used)
		return -ENOSPC;
	a->argv[a->argc++] = a->buf + a->used;
	a->argv[a->argc] = NULL;
	a->used += (size_t)n + 1;
	return 0;
}

/* Whether the PF of representor port @p i is allow-listed by an earlier port of @p c. */
static bool
pf_listed(const struct vsw_config *c, uint32_t i)
{
	size_t l = strcspn(c->ports[i].devargs, ",");
	uint32_t j;

	for (j = 0; j < i; j++)
		if (cfg_port_is_eth(&c->ports[j]) &&
				strcspn(c->ports[j].devargs, ",") == l &&
				strncmp(c->ports[j].devargs, c->ports[i].devargs, l) == 0)
			return true;
	return false;
}

int
eal_args_build(const struct vsw_config *c, const char *prog, struct eal_args *a)
{
	const struct cfg_dpdk *d = &c->dpdk;
	int rc = 0, pci = 0;
	uint32_t i;

	memset(a, 0, sizeof(*a));
	rc |= push(a, "%s", prog);
	rc |= push(a, "--lcores=%s", d->lcores);
	rc |= push(a, "--main-lcore=%u", d->main_lcore);
	rc |= push(a, "--file-prefix=%s", d->file_prefix);
	rc |= push(a, "-m");
	rc |= push(a, "%u", d->memory_mb);
	if (d->no_huge)
		rc |= push(a, "--no-huge");
	if (d->in_memory)
		rc |= push(a, "--in-memory");
	if (d->huge_dir[0] != '\0')
		rc |= push(a, "--huge-dir=%s", d->huge_dir);
	rc |= push(a, "--log-level=%s", d->log_level);
	rc |= push(a, "--log-level=lib.eal:%s",
			strcmp(d->log_level, "notice") == 0 ? "warning" : d->log_level);
	for (i = 0; i < c->n_ports; i++) {
		const struct cfg_port *p = &c->ports[i];

		if (p->type == CFG_PORT_DPDK && !eal_devargs_is_vdev(p->devargs)) {
			rc |= push(a, "-a");
			rc |= push(a, "%s", p->devargs);
			pci++;
		} else if (p->type == CFG_PORT_REPR && !pf_listed(c, i)) {
			/* The PF, once: its representors are probed onto it (rte_dev_probe). */
			rc |= push(a, "-a");
			rc |= push(a, "%.*s", (int)strcspn(p->devargs, ","), p->devargs);
			pci++;
		}
	}
	if (pci == 0)
		rc |= push(a, "--no-pci");
#ifdef __SANITIZE_ADDRESS__
	rc |= push(a, "--base-virtaddr=%s", EAL_ASAN_BASE_VA);
#endif
	for (i = 0; i < d->n_eal_args; i++)
		rc |= push(a, "%s", d->eal_args[i]);
	return rc != 0 ? -ENOSPC : 0;
}
