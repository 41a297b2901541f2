/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>

#include "cfg.h"
#include "cfg_policy.h"
#include "cfg_schema.h"
#include "ipsec_cfg.h"
#include "profile_cfg.h"

static const char *const port_types[] = { "dpdk", "vhost-user", "representor", NULL };
static const char *const vhost_modes[] = { "server", "client", NULL };
static const char *const admin_states[] = { "down", "up", NULL };
static const char *const vlan_modes[] = { "access", "trunk", NULL };

const struct cfg_port *
cfg_port_find(const struct vsw_config *c, const char *name)
{
	uint32_t i;

	for (i = 0; i < c->n_ports; i++)
		if (strcmp(c->ports[i].name, name) == 0)
			return &c->ports[i];
	return NULL;
}

const char *
cfg_port_type_name(uint32_t t)
{
	return t < RTE_DIM(port_types) - 1 ? port_types[t] : "?";
}

/* One "dpdk.eal_args" string. */
static int
parse_eal_arg(json_t *a, size_t i, void *obj, const char *path, struct ctrl_err *e)
{
	struct cfg_dpdk *d = obj;

	if (!json_is_string(a) || json_string_length(a) == 0 ||
			json_string_length(a) >= sizeof(d->eal_args[0]) ||
			strlen(json_string_value(a)) != json_string_length(a))
		return ctrl_errf(e, path, "expected a string of 1..%zu bytes",
				sizeof(d->eal_args[0]) - 1);
	strcpy(d->eal_args[i], json_string_value(a));
	d->n_eal_args = (uint32_t)i + 1;
	return 0;
}

/* "dpdk.eal_args": array of strings. */
static int
parse_eal_args(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	((struct cfg_dpdk *)obj)->n_eal_args = 0;
	return cfg_array_apply(v, CFG_MAX_EAL_ARGS, parse_eal_arg, obj, path, "EAL arguments", e);
}

static json_t *
emit_eal_args(const void *obj)
{
	const struct cfg_dpdk *d = obj;
	json_t *a;
	uint32_t i;

	if (d->n_eal_args == 0)
		return NULL;
	a = json_array();
	for (i = 0; i < d->n_eal_args; i++)
		json_array_append_new(a, json_string(d->eal_args[i]));
	return a;
}

static const struct cfg_item dpdk_items[] = {
	{ .key = "lcores", .type = CFG_T_STR, .off = offsetof(struct cfg_dpdk, lcores),
	  .size = sizeof(((struct cfg_dpdk *)0)->lcores), .def_str = "0-1",
	  .help = "EAL --lcores: the main lcore runs the control thread, every other lcore a worker" },
	{ .key = "main_lcore", .type = CFG_T_UINT, .off = offsetof(struct cfg_dpdk, main_lcore),
	  .max = 1023, .def = 0, .help = "lcore of the control thread" },
	{ .key = "memory_mb", .type = CFG_T_UINT, .off = offsetof(struct cfg_dpdk, memory_mb),
	  .min = 64, .max = 1048576, .def = 512, .help = "hugepage memory reserved at start, MiB" },
	{ .key = "huge_dir", .type = CFG_T_STR, .off = offsetof(struct cfg_dpdk, huge_dir),
	  .size = sizeof(((struct cfg_dpdk *)0)->huge_dir), .help = "hugetlbfs mount to use" },
	{ .key = "file_prefix", .type = CFG_T_STR, .off = offsetof(struct cfg_dpdk, file_prefix),
	  .size = sizeof(((struct cfg_dpdk *)0)->file_prefix), .def_str = "vswd",
	  .help = "EAL --file-prefix (hugepage file and runtime directory names)" },
	{ .key = "in_memory", .type = CFG_T_BOOL, .off = offsetof(struct cfg_dpdk, in_memory),
	  .help = "EAL --in-memory: no hugepage files (no secondary processes)" },
	{ .key = "no_huge", .type = CFG_T_BOOL, .off = offsetof(struct cfg_dpdk, no_huge),
	  .help = "EAL --no-huge: ordinary memory; vhost-user ports need hugepages" },
	{ .key = "log_level", .type = CFG_T_STR, .off = offsetof(struct cfg_dpdk, log_level),
	  .size = sizeof(((struct cfg_dpdk *)0)->log_level), .def_str = "notice",
	  .help = "log level of vswd and DPDK: error, warning, notice, info, debug" },
	{ .key = "eal_args", .type = CFG_T_FUNC, .fn = parse_eal_args, .emit = emit_eal_args,
	  .help = "extra EAL arguments, passed after the ones above" },
	CFG_ITEM_END
};

static const struct cfg_item switch_items[] = {
	{ .key = "fdb_max_entries", .type = CFG_T_UINT,
	  .off = offsetof(struct cfg_switch, fdb_max_entries), .min = 16, .max = 1 << 22,
	  .def = 8192, .help = "most learned MAC entries; learning beyond is counted as overflow" },
	{ .key = "fdb_aging_s", .type = CFG_T_UINT, .off = offsetof(struct cfg_switch, fdb_aging_s),
	  .max = 1000000, .def = 300, .live = true,
	  .help = "seconds before an idle learned MAC is removed, 0: never" },
	{ .key = "stats_interval_s", .type = CFG_T_UINT,
	  .off = offsetof(struct cfg_switch, stats_interval_s), .max = 86400, .def = 0,
	  .live = true, .help = "print statistics every N seconds, 0: only on SIGUSR1" },
	{ .key = "flow_cache", .type = CFG_T_BOOL, .off = offsetof(struct cfg_switch, flow_cache),
	  .def = 1, .live = true,
	  .help = "remember each flow's forwarding decision per worker (exact-match cache)" },
	{ .key = "acl_flows_max", .type = CFG_T_UINT,
	  .off = offsetof(struct cfg_switch, acl_flows_max), .min = 64, .max = 1 << 24,
	  .def = 65536, .help = "most flows of stateful ACL rules tracked at once" },
	{ .key = "acl_flow_timeout_s", .type = CFG_T_UINT,
	  .off = offsetof(struct cfg_switch, acl_flow_timeout_s), .min = 1, .max = 86400,
	  .def = 300, .live = true,
	  .help = "idle seconds after which a stateful ACL flow's return traffic is no longer allowed" },
	{ .key = "workers", .type = CFG_T_UINT, .off = offsetof(struct cfg_switch, workers),
	  .max = VSW_MAX_WORKERS, .def = 0, .live = true,
	  .help = "workers that run, of the lcores dpdk.lcores reserves for them; 0: all. The "
		  "others poll nothing and sleep" },
	{ .key = "idle_sleep_us", .type = CFG_T_UINT,
	  .off = offsetof(struct cfg_switch, idle_sleep_us), .max = 10000, .def = 0, .live = true,
	  .help = "microseconds a worker sleeps between polls once idle (as OVS pmd-sleep-max): "
		  "frees a shared core, adds up to that much latency; 0: always poll" },
	CFG_ITEM_END
};

static const struct cfg_item api_items[] = {
	{ .key = "socket", .type = CFG_T_STR, .off = offsetof(struct cfg_api, socket),
	  .size = sizeof(((struct cfg_api *)0)->socket), .def_str = "/run/vswd/vswd.sock",
	  .help = "JSON-RPC UNIX socket (mode 0660)" },
	{ .key = "group", .type = CFG_T_STR, .off = offsetof(struct cfg_api, group),
	  .size = sizeof(((struct cfg_api *)0)->group),
	  .help = "group that may use the socket (default: vswd's own group)" },
	{ .key = "max_clients", .type = CFG_T_UINT, .off = offsetof(struct cfg_api, max_clients),
	  .min = 1, .max = 1024, .def = 16, .help = "most connections at once; more are refused" },
	{ .key = "max_request_kb", .type = CFG_T_UINT,
	  .off = offsetof(struct cfg_api, max_request_kb), .min = 1, .max = 65536, .def = 1024,
	  .help = "longest request line in KiB; a longer one closes its connection" },
	{ .key = "max_depth", .type = CFG_T_UINT, .off = offsetof(struct cfg_api, max_depth),
	  .min = 2, .max = 512, .def = 32, .help = "deepest JSON nesting of a request" },
	CFG_ITEM_END
};

/* One VLAN ID or "a-b" range of the trunk's allowed list into the port's bitmap. */
static int
parse_vlan_range(json_t *a, size_t i, void *obj, const char *path, struct ctrl_err *e)
{
	uint64_t *bm = ((struct cfg_port *)obj)->vlans;
	long lo, hi, v;
	char *end;

	RTE_SET_USED(i);
	if (json_is_integer(a)) {
		lo = hi = (long)json_integer_value(a);
	} else if (json_is_string(a)) {
		const char *s = json_string_value(a);

		lo = strtol(s, &end, 10);
		if (end == s || *end != '-')
			return ctrl_errf(e, path, "expected a VLAN ID or a range \"first-last\"");
		s = end + 1;
		hi = strtol(s, &end, 10);
		if (end == s || *end != '\0')
			return ctrl_errf(e, path, "expected a VLAN ID or a range \"first-last\"");
	} else {
		return ctrl_errf(e, path, "expected a VLAN ID or a range \"first-last\"");
	}
	if (lo < 1 || hi > DP_VLAN_MAX || lo > hi)
		return ctrl_errf(e, path, "VLAN IDs must be 1..%d and first <= last", DP_VLAN_MAX);
	for (v = lo; v <= hi; v++)
		dp_vlan_set(bm, (uint16_t)v);
	return 0;
}

static int
parse_allowed(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	memset(((struct cfg_port *)obj)->vlans, 0, sizeof(((struct cfg_port *)obj)->vlans));
	return cfg_array_apply(v, 4096, parse_vlan_range, obj, path, "VLAN IDs and ranges", e);
}

static const struct cfg_item vlan_items[] = {
	{ .key = "mode", .type = CFG_T_ENUM, .off = offsetof(struct cfg_port, vlan_mode),
	  .names = vlan_modes, .def = DP_VLAN_ACCESS, .help = "access or trunk" },
	{ .key = "vlan", .type = CFG_T_UINT, .off = offsetof(struct cfg_port, access_vlan),
	  .min = 1, .max = DP_VLAN_MAX, .def = 1, .help = "access: the port's VLAN" },
	{ .key = "native", .type = CFG_T_UINT, .off = offsetof(struct cfg_port, native_vlan),
	  .max = DP_VLAN_MAX, .def = 0, .help = "trunk: VLAN of untagged frames, 0: drop them" },
	{ .key = "allowed", .type = CFG_T_FUNC, .fn = parse_allowed,
	  .help = "trunk: tagged VLANs carried: IDs and \"first-last\" ranges" },
	CFG_ITEM_END
};

/* A VLAN bitmap as IDs and "first-last" ranges. */
static json_t *
emit_vlan_list(const uint64_t *bm)
{
	json_t *a = json_array();
	uint32_t v = 1, w;
	char buf[16];

	while (v <= DP_VLAN_MAX) {
		if (!dp_vlan_test(bm, (uint16_t)v)) {
			v++;
			continue;
		}
		for (w = v; w + 1 <= DP_VLAN_MAX && dp_vlan_test(bm, (uint16_t)(w + 1)); w++)
			;
		if (w == v) {
			json_array_append_new(a, json_integer(v));
		} else {
			snprintf(buf, sizeof(buf), "%u-%u", v, w);
			json_array_append_new(a, json_string(buf));
		}
		v = w + 1;
	}
	return a;
}

static json_t *
emit_port_vlan(const void *obj)
{
	const struct cfg_port *p = obj;

	if (p->vlan_mode == DP_VLAN_ACCESS)
		return json_pack("{s:s, s:i}", "mode", "access", "vlan", p->access_vlan);
	return json_pack("{s:s, s:o, s:i}", "mode", "trunk", "allowed", emit_vlan_list(p->vlans),
			"native", p->native_vlan);
}

static int
parse_port_vlan(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	struct cfg_port *p = obj;
	if (v == NULL) {
		p->vlan_mode = DP_VLAN_ACCESS;
		p->access_vlan = 1;
		p->native_vlan = 0;
		memset(p->vlans, 0, sizeof(p->vlans));
		dp_vlan_set(p->vlans, 1);
		return 0;
	}
	if (cfg_schema_apply(v, vlan_items, obj, path, e) != 0)
		return -EINVAL;
	if (p->vlan_mode == DP_VLAN_ACCESS) {
		char sub[256];

		if (json_object_get(v, "allowed") != NULL || json_object_get(v, "native") != NULL) {
			cfg_path_key(sub, sizeof(sub), path,
					json_object_get(v, "allowed") ? "allowed" : "native");
			return ctrl_errf(e, sub, "only a trunk port has this key");
		}
		dp_vlan_set(p->vlans, (uint16_t)p->access_vlan);
	} else {
		char sub[256];

		if (json_object_get(v, "vlan") != NULL) {
			cfg_path_key(sub, sizeof(sub), path, "vlan");
			return ctrl_errf(e, sub, "a trunk port has \"allowed\" and \"native\", not \"vlan\"");
		}
		p->access_vlan = 0;
		if (p->native_vlan != 0)
			dp_vlan_set(p->vlans, (uint16_t)p->native_vlan);
	}
	return 0;
}

static const char *const vmq_modes[] = { "auto", "off", NULL };

static const struct cfg_item port_items[] = {
	{ .key = "name", .type = CFG_T_STR, .off = offsetof(struct cfg_port, name),
	  .size = CFG_NAME_LEN, .required = true, .help = "unique port name" },
	{ .key = "type", .type = CFG_T_ENUM, .off = offsetof(struct cfg_port, type),
	  .names = port_types, .required = true, .help = "dpdk, vhost-user or representor" },
	{ .key = "devargs", .type = CFG_T_STR, .off = offsetof(struct cfg_port, devargs),
	  .size = sizeof(((struct cfg_port *)0)->devargs),
	  .help = "dpdk: PCI address or vdev, e.g. \"net_tap0,iface=vsw0\"" },
	{ .key = "path", .type = CFG_T_STR, .off = offsetof(struct cfg_port, path),
	  .size = sizeof(((struct cfg_port *)0)->path), .help = "vhost-user: socket path" },
	{ .key = "mode", .type = CFG_T_ENUM, .off = offsetof(struct cfg_port, mode),
	  .names = vhost_modes, .def = CFG_VHOST_SERVER,
	  .help = "vhost-user: server (vswd creates the socket) or client (QEMU does)" },
	{ .key = "queues", .type = CFG_T_UINT, .off = offsetof(struct cfg_port, queues),
	  .min = 1, .max = DP_MAX_RXQ, .def = 1,
	  .help = "RX queues (dpdk) or queue pairs (vhost-user)" },
	{ .key = "rx_desc", .type = CFG_T_UINT, .off = offsetof(struct cfg_port, rx_desc),
	  .min = 64, .max = 16384, .def = 1024, .help = "RX ring size per queue" },
	{ .key = "tx_desc", .type = CFG_T_UINT, .off = offsetof(struct cfg_port, tx_desc),
	  .min = 64, .max = 16384, .def = 1024, .help = "TX ring size per queue" },
	{ .key = "mtu", .type = CFG_T_UINT, .off = offsetof(struct cfg_port, mtu),
	  .min = 68, .max = DP_MTU_MAX, .def = 1500, .help = "L3 MTU, up to 9000 (jumbo)" },
	{ .key = "admin", .type = CFG_T_ENUM, .off = offsetof(struct cfg_port, admin_up),
	  .names = admin_states, .def = 1, .live = true, .help = "up or down" },
	{ .key = "vlan", .type = CFG_T_FUNC, .fn = parse_port_vlan, .emit = emit_port_vlan,
	  .live = true,
	  .help = "VLAN mode: {\"mode\": \"access\", \"vlan\": N} or "
		  "{\"mode\": \"trunk\", \"allowed\": [...], \"native\": N}" },
	{ .key = "security", .type = CFG_T_FUNC, .fn = cfg_parse_security,
	  .emit = cfg_emit_security, .live = true,
	  .help = "port protections: macs, mac_spoofing, dhcp_guard, dhcp_server, router_guard, "
		  "storm_limit" },
	{ .key = "pvlan", .type = CFG_T_FUNC, .fn = cfg_parse_pvlan, .emit = cfg_emit_pvlan,
	  .live = true, .help = "private VLAN role: {\"mode\": \"isolated\"|\"community\"|"
		  "\"promiscuous\", \"secondary\": N}; \"vlan\" is the primary" },
	{ .key = "profile", .type = CFG_T_STR, .off = offsetof(struct cfg_port, profile),
	  .size = CFG_NAME_LEN, .live = true,
	  .help = "the VM's profile (its name, or a MAC it lists): vlan, security, pvlan and "
		  "mirror come from $.profiles" },
	{ .key = "mirror", .type = CFG_T_ENUM, .off = offsetof(struct cfg_port, mirror),
	  .names = cfg_mirror_names, .def = CFG_MIRROR_NONE, .live = true,
	  .help = "port mirroring: none, source (copied) or destination (gets the copies)" },
	{ .key = "vmq", .type = CFG_T_ENUM, .off = offsetof(struct cfg_port, vmq),
	  .names = vmq_modes, .def = CFG_VMQ_AUTO, .live = true,
	  .help = "dpdk: per-VM receive queues, an rte_flow rule per VM MAC (auto: where the "
		  "device takes them) or off" },
	{ .key = "ipsec", .type = CFG_T_FUNC, .fn = ipsec_cfg_parse_port,
	  .emit = ipsec_cfg_emit_port, .live = true,
	  .help = "IPsec offload: {\"offload_max_sa\": N (VM: its SAs on the NIC, default 512, "
		  "0: never), \"offload_priority\": N, \"offload_slots\": N (uplink: SAs its "
		  "NIC may hold, 0: as many as it takes)}" },
	CFG_ITEM_END
};

/* One entry of "ports". */
static int
parse_port(json_t *a, size_t i, void *obj, const char *path, struct ctrl_err *e)
{
	struct vsw_config *c = obj;
	json_t *po = a;
	int rc;

	if (json_is_object(a) && json_is_string(json_object_get(a, "profile")) &&
			json_string_length(json_object_get(a, "profile")) > 0) {
		po = profile_merge(a, c->profiles, path, e);
		if (po == NULL)
			return -EINVAL;
	}
	rc = cfg_port_parse_obj(po, &c->ports[i], path, e);
	if (po != a)
		json_decref(po);
	if (rc != 0)
		return rc;
	c->n_ports = (uint32_t)i + 1;
	return 0;
}

int
cfg_port_parse_obj(json_t *obj, struct cfg_port *p, const char *path, struct ctrl_err *e)
{
	memset(p, 0, sizeof(*p));
	return cfg_schema_apply(obj, port_items, p, path, e) != 0 ? -EINVAL : 0;
}

static int
parse_mac(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	return cfg_mac_parse(v, ((struct cfg_fdb *)obj)->mac, path, e);
}

static json_t *
emit_mac(const void *obj)
{
	return cfg_mac_json(((const struct cfg_fdb *)obj)->mac);
}

static const struct cfg_item fdb_items[] = {
	{ .key = "mac", .type = CFG_T_FUNC, .fn = parse_mac, .emit = emit_mac, .required = true,
	  .help = "unicast MAC address" },
	{ .key = "vlan", .type = CFG_T_UINT, .off = offsetof(struct cfg_fdb, vlan), .min = 1,
	  .max = DP_VLAN_MAX, .def = 1, .help = "VLAN ID" },
	{ .key = "port", .type = CFG_T_STR, .off = offsetof(struct cfg_fdb, port),
	  .size = CFG_NAME_LEN, .required = true, .help = "port name" },
	CFG_ITEM_END
};

static int
parse_ports(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	((struct vsw_config *)obj)->n_ports = 0;
	return cfg_array_apply(v, VSW_MAX_PORTS, parse_port, obj, path,
			"port objects (build option max_ports)", e);
}

/* One entry of "fdb". */
static int
parse_fdb_entry(json_t *a, size_t i, void *obj, const char *path, struct ctrl_err *e)
{
	struct vsw_config *c = obj;

	if (cfg_schema_apply(a, fdb_items, &c->fdb[i], path, e) != 0)
		return -EINVAL;
	c->n_fdb = (uint32_t)i + 1;
	return 0;
}

static int
parse_fdb(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	struct vsw_config *c = obj;

	c->n_fdb = 0;
	if (json_is_array(v) && json_array_size(v) <= CFG_MAX_STATIC_FDB) {
		c->fdb = calloc(json_array_size(v) + 1, sizeof(*c->fdb));
		if (c->fdb == NULL)
			return ctrl_nomem(e, path, "out of memory");
	}
	return cfg_array_apply(v, CFG_MAX_STATIC_FDB, parse_fdb_entry, obj, path,
			"{mac, vlan, port} objects", e);
}

static const struct cfg_item rxq_items[] = {
	{ .key = "auto_rebalance", .type = CFG_T_BOOL,
	  .off = offsetof(struct cfg_rxq, auto_rebalance), .def = 0, .live = true,
	  .help = "move RX queues between workers when one stays overloaded" },
	{ .key = "interval", .type = CFG_T_UINT, .off = offsetof(struct cfg_rxq, interval_s),
	  .min = 1, .max = RXQ_HIST_MAX, .def = 60, .live = true,
	  .help = "seconds a worker must stay above the threshold before a rebalance; the "
		  "window of the measured loads it uses" },
	{ .key = "threshold", .type = CFG_T_UINT, .off = offsetof(struct cfg_rxq, threshold),
	  .min = 1, .max = 100, .def = 95, .live = true,
	  .help = "worker load, percent of its cycles, that counts as overloaded" },
	{ .key = "improvement", .type = CFG_T_UINT, .off = offsetof(struct cfg_rxq, improvement),
	  .min = 1, .max = 100, .def = 25, .live = true,
	  .help = "least cut of the busiest worker's load, percent, for an automatic rebalance" },
	CFG_ITEM_END
};

static int
parse_rxq(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	return cfg_schema_apply_opt(v, rxq_items, &((struct vsw_config *)obj)->rxq, path, e);
}

static json_t *
emit_rxq(const void *obj)
{
	return cfg_schema_emit(rxq_items, &((const struct vsw_config *)obj)->rxq);
}

static int
parse_dpdk(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	return cfg_schema_apply_opt(v, dpdk_items, &((struct vsw_config *)obj)->dpdk, path, e);
}

static int
parse_switch(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	return cfg_schema_apply_opt(v, switch_items, &((struct vsw_config *)obj)->sw, path, e);
}

static int
parse_api(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	return cfg_schema_apply_opt(v, api_items, &((struct vsw_config *)obj)->api, path, e);
}

static json_t *
emit_dpdk(const void *obj)
{
	return cfg_schema_emit(dpdk_items, &((const struct vsw_config *)obj)->dpdk);
}

static json_t *
emit_switch(const void *obj)
{
	return cfg_schema_emit(switch_items, &((const struct vsw_config *)obj)->sw);
}

static json_t *
emit_api(const void *obj)
{
	return cfg_schema_emit(api_items, &((const struct vsw_config *)obj)->api);
}

/* Port @p p as JSON with every key, also those its profile holds. */
static json_t *
port_emit_full(const struct cfg_port *p)
{
	json_t *o = cfg_schema_emit(port_items, p);

	if (o != NULL && p->type != CFG_PORT_VHOST)
		json_object_del(o, "mode");
	if (o != NULL && p->type == CFG_PORT_VHOST)
		json_object_del(o, "vmq");
	return o;
}

json_t *
cfg_port_emit(const struct cfg_port *p)
{
	json_t *o = port_emit_full(p);
	const char *const *k;

	/* A port with a profile is written with the profile's name only: it applies back. */
	if (o != NULL && p->profile[0] != '\0')
		for (k = profile_keys; *k != NULL; k++)
			json_object_del(o, *k);
	else if (o != NULL)
		json_object_del(o, "profile");
	return o;
}

static int
parse_profiles(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	return profile_cfg_parse(v, &((struct vsw_config *)obj)->profiles, path, e);
}

static json_t *
emit_profiles(const void *obj)
{
	const struct vsw_config *c = obj;

	return c->profiles != NULL && json_array_size(c->profiles) > 0 ?
		json_deep_copy(c->profiles) : NULL;
}

static json_t *
emit_ports(const void *obj)
{
	const struct vsw_config *c = obj;
	json_t *a = json_array();
	uint32_t i;

	for (i = 0; i < c->n_ports; i++)
		if (cfg_port_used(&c->ports[i]))
			json_array_append_new(a, cfg_port_emit(&c->ports[i]));
	return a;
}

static json_t *
emit_fdb(const void *obj)
{
	const struct vsw_config *c = obj;
	json_t *a = json_array();
	uint32_t i;

	for (i = 0; i < c->n_fdb; i++)
		json_array_append_new(a, cfg_schema_emit(fdb_items, &c->fdb[i]));
	return a;
}

static int
parse_ipsec(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	return ipsec_cfg_parse(v, &((struct vsw_config *)obj)->ipsec, path, e);
}

/* With its keys (the running-config file is mode 0600; config.get hides them). */
static json_t *
emit_ipsec(const void *obj)
{
	const struct cfg_ipsec *ip = &((const struct vsw_config *)obj)->ipsec;

	return ip->n_sa == 0 && ip->n_spd == 0 ? NULL : ipsec_cfg_emit(ip, false);
}

static const struct cfg_item top_items[] = {
	{ .key = "dpdk", .type = CFG_T_FUNC, .fn = parse_dpdk, .emit = emit_dpdk,
	  .help = "EAL settings" },
	{ .key = "switch", .type = CFG_T_FUNC, .fn = parse_switch, .emit = emit_switch,
	  .live = true, .help = "switch-wide settings" },
	{ .key = "api", .type = CFG_T_FUNC, .fn = parse_api, .emit = emit_api,
	  .help = "the JSON-RPC control socket" },
	{ .key = "rxq", .type = CFG_T_FUNC, .fn = parse_rxq, .emit = emit_rxq, .live = true,
	  .help = "RX queue placement on workers by load (doc/rxq.md)" },
	{ .key = "profiles", .type = CFG_T_FUNC, .fn = parse_profiles, .emit = emit_profiles,
	  .live = true, .help = "port profiles: a VM's policy that follows it to any port "
	  "(doc/migration.md); before \"ports\", which name them" },
	{ .key = "ports", .type = CFG_T_FUNC, .fn = parse_ports, .emit = emit_ports, .live = true,
	  .help = "the ports" },
	{ .key = "fdb", .type = CFG_T_FUNC, .fn = parse_fdb, .emit = emit_fdb, .live = true,
	  .help = "static MAC entries" },
	{ .key = "acl", .type = CFG_T_FUNC, .fn = cfg_parse_acl, .emit = cfg_emit_acl,
	  .live = true, .help = "port ACL rules" },
	{ .key = "ipsec", .type = CFG_T_FUNC, .fn = parse_ipsec, .emit = emit_ipsec,
	  .live = true, .help = "IPsec security associations and policy (doc/ipsec.md)" },
	CFG_ITEM_END
};

json_t *
cfg_emit(const struct vsw_config *c)
{
	return cfg_schema_emit(top_items, c);
}

int
cfg_restart_check(const struct vsw_config *cur, const struct vsw_config *next,
		struct ctrl_err *e)
{
	static const struct {
		const char *path;               /* JSON path of the section */
		const struct cfg_item *tbl;     /* its items */
		size_t off;                     /* its struct in struct vsw_config */
	} sec[] = {
		{ "$.dpdk", dpdk_items, offsetof(struct vsw_config, dpdk) },
		{ "$.switch", switch_items, offsetof(struct vsw_config, sw) },
		{ "$.api", api_items, offsetof(struct vsw_config, api) },
	};
	const struct cfg_item *it;
	char path[64];
	size_t i;

	for (i = 0; i < RTE_DIM(sec); i++) {
		it = cfg_schema_restart_diff(sec[i].tbl, (const char *)cur + sec[i].off,
				(const char *)next + sec[i].off);
		if (it != NULL) {
			cfg_path_key(path, sizeof(path), sec[i].path, it->key);
			ctrl_errf(e, path, "changing this needs a restart of vswd "
					"(the running value is kept; see config.get)");
			return -ENOTSUP;
		}
	}
	return 0;
}

enum cfg_port_change
cfg_port_diff(const struct cfg_port *a, const struct cfg_port *b)
{
	/* With the keys of their profiles: a changed profile changes its ports. */
	json_t *x = port_emit_full(a), *y = port_emit_full(b);
	enum cfg_port_change r = CFG_PORT_SAME;
	const struct cfg_item *it;

	/* Compared as written JSON: the structs' padding and unused bytes do not count. */
	if (!json_equal(x, y)) {
		r = CFG_PORT_LIVE;
		for (it = port_items; it->key != NULL; it++) {
			if (!it->live)
				continue;
			json_object_del(x, it->key);
			json_object_del(y, it->key);
		}
		if (!json_equal(x, y))
			r = CFG_PORT_REOPEN;
	}
	json_decref(x);
	json_decref(y);
	return r;
}

uint32_t
cfg_port_count(const struct vsw_config *c)
{
	uint32_t i, n = 0;

	for (i = 0; i < c->n_ports; i++)
		n += cfg_port_used(&c->ports[i]);
	return n;
}

void
cfg_free(struct vsw_config *c)
{
	free(c->fdb);
	c->fdb = NULL;
	c->n_fdb = 0;
	free(c->acl);
	c->acl = NULL;
	c->n_acl = 0;
	ipsec_cfg_free(&c->ipsec);
	json_decref(c->profiles);
	c->profiles = NULL;
}

int
cfg_parse(json_t *root, struct vsw_config *c, struct ctrl_err *e)
{
	memset(c, 0, sizeof(*c));
	if (cfg_schema_apply(root, top_items, c, "$", e) != 0 || cfg_check(c, e) != 0) {
		cfg_free(c);
		return -EINVAL;
	}
	return 0;
}

int
cfg_load_file(const char *file, struct vsw_config *c, struct ctrl_err *e)
{
	json_error_t je;
	json_t *root;
	int rc;

	memset(c, 0, sizeof(*c));
	root = json_load_file(file, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		if (je.line < 0)
			return ctrl_errf(e, "$", "%s: %s", file, je.text);
		return ctrl_errf(e, "$", "%s:%d:%d: %s", file, je.line, je.column, je.text);
	}
	rc = cfg_parse(root, c, e);
	json_decref(root);
	return rc;
}
