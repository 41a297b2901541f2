/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "cfg_schema.h"

static const char *const log_levels[] = {
	"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug", NULL
};

static bool
name_ok(const char *s, const char *extra)
{
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
			return false;
	return true;
}

/* Length of the device name part of devargs (up to the first comma). */
static size_t
devname_len(const char *devargs)
{
	const char *c = strchr(devargs, ',');

	return c != NULL ? (size_t)(c - devargs) : strlen(devargs);
}

static int
check_port(struct vsw_config *c, uint32_t i, struct ctrl_err *e)
{
	struct cfg_port *p = &c->ports[i];
	char path[128], sub[160];
	uint32_t j, w;
	bool any = false;

	if (!cfg_port_used(p))
		return 0;
	snprintf(path, sizeof(path), "$.ports[%u]", i);
	if (!name_ok(p->name, "_-.")) {
		cfg_path_key(sub, sizeof(sub), path, "name");
		return ctrl_errf(e, sub, "use letters, digits, '_', '-' and '.' only");
	}
	for (j = 0; j < i; j++) {
		if (strcmp(c->ports[j].name, p->name) == 0) {
			cfg_path_key(sub, sizeof(sub), path, "name");
			return ctrl_errf(e, sub, "duplicate port name \"%s\" (also $.ports[%u])",
					p->name, j);
		}
	}
	if (p->type == CFG_PORT_DPDK) {
		if (p->devargs[0] == '\0') {
			cfg_path_key(sub, sizeof(sub), path, "devargs");
			return ctrl_errf(e, sub, "a dpdk port needs devargs");
		}
		if (p->path[0] != '\0') {
			cfg_path_key(sub, sizeof(sub), path, "path");
			return ctrl_errf(e, sub, "only a vhost-user port has a socket path");
		}
		for (j = 0; j < i; j++) {
			const struct cfg_port *q = &c->ports[j];
			size_t l = devname_len(p->devargs);

			if (q->type == CFG_PORT_DPDK && devname_len(q->devargs) == l &&
					strncmp(q->devargs, p->devargs, l) == 0) {
				cfg_path_key(sub, sizeof(sub), path, "devargs");
				return ctrl_errf(e, sub, "device \"%.*s\" is also $.ports[%u]",
						(int)l, p->devargs, j);
			}
		}
	} else {
		if (p->path[0] != '/') {
			cfg_path_key(sub, sizeof(sub), path, "path");
			return ctrl_errf(e, sub, "a vhost-user port needs an absolute socket path");
		}
		if (p->devargs[0] != '\0') {
			cfg_path_key(sub, sizeof(sub), path, "devargs");
			return ctrl_errf(e, sub, "a vhost-user port has a path, not devargs");
		}
		if (c->dpdk.no_huge) {
			cfg_path_key(sub, sizeof(sub), path, "type");
			return ctrl_errf(e, sub, "vhost-user ports need shared hugepage memory, "
					"but $.dpdk.no_huge is true");
		}
		for (j = 0; j < i; j++) {
			if (c->ports[j].type == CFG_PORT_VHOST &&
					strcmp(c->ports[j].path, p->path) == 0) {
				cfg_path_key(sub, sizeof(sub), path, "path");
				return ctrl_errf(e, sub, "socket path is also $.ports[%u]", j);
			}
		}
	}
	if (p->vlan_mode == DP_VLAN_TRUNK) {
		for (w = 0; w < DP_VLAN_WORDS; w++)
			any |= p->vlans[w] != 0;
		if (!any) {
			cfg_path_key(sub, sizeof(sub), path, "vlan");
			return ctrl_errf(e, sub, "a trunk needs \"allowed\" VLANs or a \"native\" VLAN");
		}
	}
	return 0;
}

static int
check_fdb(struct vsw_config *c, uint32_t i, struct ctrl_err *e)
{
	struct cfg_fdb *f = &c->fdb[i];
	const struct cfg_port *p = cfg_port_find(c, f->port);
	char path[128], sub[160];

	snprintf(path, sizeof(path), "$.fdb[%u]", i);
	if (p == NULL) {
		cfg_path_key(sub, sizeof(sub), path, "port");
		return ctrl_errf(e, sub, "no port is named \"%s\"", f->port);
	}
	if (!cfg_port_in_vlan(p, f->vlan)) {
		cfg_path_key(sub, sizeof(sub), path, "vlan");
		return ctrl_errf(e, sub, "port \"%s\" is not a member of VLAN %u", f->port, f->vlan);
	}
	f->port_idx = (uint16_t)(p - c->ports);
	return 0;
}

/* Orders (key, index) pairs by key, then index. */
static int
fdb_key_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Static entries must be unique per (VLAN, MAC): sort and compare neighbours. */
static int
check_fdb_dups(const struct vsw_config *c, struct ctrl_err *e)
{
	uint64_t (*k)[2];
	uint32_t i;
	int rc = 0;

	if (c->n_fdb < 2)
		return 0;
	k = calloc(c->n_fdb, sizeof(*k));
	if (k == NULL)
		return ctrl_errf(e, "$.fdb", "out of memory");
	for (i = 0; i < c->n_fdb; i++) {
		const uint8_t *m = c->fdb[i].mac;

		k[i][0] = ((uint64_t)c->fdb[i].vlan << 48) | ((uint64_t)m[0] << 40) |
			((uint64_t)m[1] << 32) | ((uint64_t)m[2] << 24) | ((uint64_t)m[3] << 16) |
			((uint64_t)m[4] << 8) | m[5];
		k[i][1] = i;
	}
	qsort(k, c->n_fdb, sizeof(*k), fdb_key_cmp);
	for (i = 1; i < c->n_fdb && rc == 0; i++) {
		if (k[i][0] == k[i - 1][0]) {
			char path[64];

			snprintf(path, sizeof(path), "$.fdb[%u]", (uint32_t)k[i][1]);
			rc = ctrl_errf(e, path, "same MAC and VLAN as $.fdb[%u]", (uint32_t)k[i - 1][1]);
		}
	}
	free(k);
	return rc;
}

int
cfg_check(struct vsw_config *c, struct ctrl_err *e)
{
	uint32_t i;
	int rc;

	if (!name_ok(c->dpdk.file_prefix, "_-"))
		return ctrl_errf(e, "$.dpdk.file_prefix", "use letters, digits, '_' and '-' only");
	for (i = 0; log_levels[i] != NULL; i++)
		if (strcmp(log_levels[i], c->dpdk.log_level) == 0)
			break;
	if (log_levels[i] == NULL)
		return ctrl_errf(e, "$.dpdk.log_level",
				"expected error, warning, notice, info or debug");
	if (c->api.group[0] != '\0' && !name_ok(c->api.group, "_-."))
		return ctrl_errf(e, "$.api.group", "not a group name");
	if (c->api.socket[0] != '\0' && c->api.socket[0] != '/')
		return ctrl_errf(e, "$.api.socket", "expected an absolute path");
	if (c->dpdk.no_huge && c->dpdk.huge_dir[0] != '\0')
		return ctrl_errf(e, "$.dpdk.huge_dir", "no_huge uses no hugetlbfs directory");
	for (i = 0; i < c->n_ports; i++) {
		rc = check_port(c, i, e);
		if (rc != 0)
			return rc;
	}
	for (i = 0; i < c->n_fdb; i++) {
		rc = check_fdb(c, i, e);
		if (rc != 0)
			return rc;
	}
	return check_fdb_dups(c, e);
}
