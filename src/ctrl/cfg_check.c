/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "cfg_policy.h"
#include "cfg_schema.h"
#include "eal_args.h"
#include "fdb.h"
#include "ipsec_cfg.h"
#include "vsw_log.h"

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
	if (cfg_port_is_eth(p)) {
		if (p->devargs[0] == '\0') {
			cfg_path_key(sub, sizeof(sub), path, "devargs");
			return ctrl_errf(e, sub, "a %s port needs devargs",
					p->type == CFG_PORT_REPR ? "representor" : "dpdk");
		}
		if (p->type == CFG_PORT_REPR && (strstr(p->devargs, ",representor=") == NULL ||
				eal_devargs_is_vdev(p->devargs))) {
			cfg_path_key(sub, sizeof(sub), path, "devargs");
			return ctrl_errf(e, sub, "a representor port names its PF and VF: "
					"\"0000:03:00.0,representor=vf1\"");
		}
		if (p->path[0] != '\0') {
			cfg_path_key(sub, sizeof(sub), path, "path");
			return ctrl_errf(e, sub, "only a vhost-user port has a socket path");
		}
		for (j = 0; j < i; j++) {
			const struct cfg_port *q = &c->ports[j];
			size_t l = devname_len(p->devargs);

			/* Representors of one PF share its device: theirs must differ. */
			bool same = q->type == CFG_PORT_REPR || p->type == CFG_PORT_REPR ?
				q->type == p->type && strcmp(q->devargs, p->devargs) == 0 :
				q->type == CFG_PORT_DPDK && devname_len(q->devargs) == l &&
				strncmp(q->devargs, p->devargs, l) == 0;

			if (same) {
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

uint64_t
cfg_fdb_key(const struct cfg_fdb *f)
{
	struct rte_ether_addr mac;

	memcpy(mac.addr_bytes, f->mac, 6);
	return dp_fdb_key((uint16_t)f->vlan, &mac);
}

/* Orders index entries by key, then entry index. */
static int
fdb_ix_cmp(const void *a, const void *b)
{
	const struct cfg_fdb_ix *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

struct cfg_fdb_ix *
cfg_fdb_index(const struct vsw_config *c)
{
	struct cfg_fdb_ix *k = malloc((c->n_fdb + 1) * sizeof(*k));
	uint32_t i;

	if (k == NULL)
		return NULL;
	for (i = 0; i < c->n_fdb; i++) {
		k[i].key = cfg_fdb_key(&c->fdb[i]);
		k[i].idx = i;
	}
	qsort(k, c->n_fdb, sizeof(*k), fdb_ix_cmp);
	return k;
}

int
cfg_fdb_find(const struct vsw_config *c, const struct cfg_fdb_ix *ix, uint64_t key)
{
	uint32_t lo = 0, hi = c->n_fdb;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ix[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->n_fdb && ix[lo].key == key ? (int)ix[lo].idx : -1;
}

/* Static entries must be unique per (VLAN, MAC): sort and compare neighbours. */
static int
check_fdb_dups(const struct vsw_config *c, struct ctrl_err *e)
{
	struct cfg_fdb_ix *k;
	uint32_t i;
	int rc = 0;

	if (c->n_fdb < 2)
		return 0;
	k = cfg_fdb_index(c);
	if (k == NULL)
		return ctrl_nomem(e, "$.fdb", "out of memory");
	for (i = 1; i < c->n_fdb && rc == 0; i++) {
		if (k[i].key == k[i - 1].key) {
			char path[64];

			snprintf(path, sizeof(path), "$.fdb[%u]", k[i].idx);
			rc = ctrl_errf(e, path, "same MAC and VLAN as $.fdb[%u]", k[i - 1].idx);
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
	if (vsw_log_level_from_name(c->dpdk.log_level) < 0)
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
	rc = check_fdb_dups(c, e);
	if (rc == 0)
		rc = cfg_check_policy(c, e);
	return rc != 0 ? rc : ipsec_cfg_check(&c->ipsec, c, "$.ipsec", e);
}
