/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Config items of the port policies: "security" and "pvlan" of a port, and the "acl" list.
 * See doc/config.md and doc/security.md for their meaning.
 */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>

#include "cfg_policy.h"
#include "cfg_schema.h"

const char *const cfg_mirror_names[] = { "none", "source", "destination", NULL };

/* The snapshot takes a port's role as it is. */
static_assert((int)CFG_PVLAN_NONE == DP_PVLAN_NONE &&
		(int)CFG_PVLAN_PROMISCUOUS == DP_PVLAN_PROMISC &&
		(int)CFG_PVLAN_ISOLATED == DP_PVLAN_ISOLATED &&
		(int)CFG_PVLAN_COMMUNITY == DP_PVLAN_COMMUNITY, "private VLAN role values");
static const char *const pvlan_modes[] = { "none", "promiscuous", "isolated", "community",
	NULL };
static const char *const acl_dirs[] = { "in", "out", "both", NULL };
static const char *const acl_actions[] = { "allow", "deny", "meter", NULL };

int
cfg_mac_parse(json_t *v, uint8_t *mac, const char *path, struct ctrl_err *e)
{
	struct rte_ether_addr a;

	if (!json_is_string(v) || rte_ether_unformat_addr(json_string_value(v), &a) != 0)
		return ctrl_errf(e, path, "expected a MAC address \"xx:xx:xx:xx:xx:xx\"");
	if (!rte_is_unicast_ether_addr(&a) || rte_is_zero_ether_addr(&a))
		return ctrl_errf(e, path, "expected a non-zero unicast MAC");
	memcpy(mac, a.addr_bytes, 6);
	return 0;
}

json_t *
cfg_mac_json(const uint8_t *m)
{
	char buf[RTE_ETHER_ADDR_FMT_SIZE];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
			m[4], m[5]);
	return json_string(buf);
}

/* One entry of "security.macs". */
static int
parse_sec_mac(json_t *a, size_t i, void *obj, const char *path, struct ctrl_err *e)
{
	struct cfg_sec *s = obj;

	if (cfg_mac_parse(a, s->macs[i], path, e) != 0)
		return -EINVAL;
	s->n_macs = (uint32_t)i + 1;
	return 0;
}

static int
parse_sec_macs(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	((struct cfg_sec *)obj)->n_macs = 0;
	return cfg_array_apply(v, CFG_MAX_PORT_MACS, parse_sec_mac, obj, path, "MAC addresses", e);
}

static json_t *
emit_sec_macs(const void *obj)
{
	const struct cfg_sec *s = obj;
	json_t *a = json_array();
	uint32_t i;

	for (i = 0; i < s->n_macs; i++)
		json_array_append_new(a, cfg_mac_json(s->macs[i]));
	return a;
}

static const struct cfg_item sec_items[] = {
	{ .key = "macs", .type = CFG_T_FUNC, .fn = parse_sec_macs, .emit = emit_sec_macs,
	  .help = "the port's own MACs (the VM's addresses)" },
	{ .key = "mac_spoofing", .type = CFG_T_BOOL, .off = offsetof(struct cfg_sec, mac_spoofing),
	  .help = "true: any source MAC is allowed and learned; false: only \"macs\" "
		  "(default false on vhost-user ports, true on others)" },
	{ .key = "dhcp_guard", .type = CFG_T_BOOL, .off = offsetof(struct cfg_sec, dhcp_guard),
	  .help = "drop DHCPv4/DHCPv6 server messages arriving from the port" },
	{ .key = "dhcp_server", .type = CFG_T_BOOL, .off = offsetof(struct cfg_sec, dhcp_server),
	  .help = "the port is an authorized DHCP server: dhcp_guard lets its messages through" },
	{ .key = "router_guard", .type = CFG_T_BOOL, .off = offsetof(struct cfg_sec, router_guard),
	  .help = "drop ICMPv6 router advertisements and redirects and ICMPv4 redirects" },
	{ .key = "storm_limit", .type = CFG_T_UINT, .off = offsetof(struct cfg_sec, storm_limit),
	  .max = 100000000, .help = "broadcast + multicast + unknown unicast packets per second "
		  "accepted from the port, 0: no limit" },
	CFG_ITEM_END
};

int
cfg_parse_security(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	struct cfg_port *p = obj;
	int rc = cfg_schema_apply_opt(v, sec_items, &p->sec, path, e);

	if (rc == 0 && json_object_get(v, "mac_spoofing") == NULL)
		p->sec.mac_spoofing = p->type != CFG_PORT_VHOST;
	return rc;
}

json_t *
cfg_emit_security(const void *obj)
{
	return cfg_schema_emit(sec_items, &((const struct cfg_port *)obj)->sec);
}

static const struct cfg_item pvlan_items[] = {
	{ .key = "mode", .type = CFG_T_ENUM, .off = offsetof(struct cfg_port, pvlan_mode),
	  .names = pvlan_modes, .required = true,
	  .help = "none, promiscuous, isolated or community" },
	{ .key = "secondary", .type = CFG_T_UINT, .off = offsetof(struct cfg_port, pvlan_secondary),
	  .max = DP_VLAN_MAX, .help = "isolated, community: the secondary VLAN ID" },
	CFG_ITEM_END
};

int
cfg_parse_pvlan(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	struct cfg_port *p = obj;

	p->pvlan_mode = CFG_PVLAN_NONE;
	p->pvlan_secondary = 0;
	return v == NULL ? 0 : cfg_schema_apply(v, pvlan_items, obj, path, e);
}

json_t *
cfg_emit_pvlan(const void *obj)
{
	const struct cfg_port *p = obj;

	if (p->pvlan_mode == CFG_PVLAN_NONE)
		return NULL;
	if (p->pvlan_mode == CFG_PVLAN_PROMISCUOUS)
		return json_pack("{s:s}", "mode", pvlan_modes[p->pvlan_mode]);
	return json_pack("{s:s, s:i}", "mode", pvlan_modes[p->pvlan_mode], "secondary",
			p->pvlan_secondary);
}

/* "local_mac" / "remote_mac" of a rule; @p remote selects which. */
static int
acl_mac(json_t *v, struct cfg_acl *r, bool remote, const char *path, struct ctrl_err *e)
{
	struct rte_ether_addr a;

	if (v == NULL)
		return 0;
	if (!json_is_string(v) || rte_ether_unformat_addr(json_string_value(v), &a) != 0)
		return ctrl_errf(e, path, "expected a MAC address \"xx:xx:xx:xx:xx:xx\"");
	memcpy(remote ? r->rmac : r->lmac, a.addr_bytes, 6);
	*(remote ? &r->has_rmac : &r->has_lmac) = 1;
	return 0;
}

static int
parse_lmac(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	return acl_mac(v, obj, false, path, e);
}

static int
parse_rmac(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	return acl_mac(v, obj, true, path, e);
}

static json_t *
emit_lmac(const void *obj)
{
	const struct cfg_acl *r = obj;

	return r->has_lmac ? cfg_mac_json(r->lmac) : NULL;
}

static json_t *
emit_rmac(const void *obj)
{
	const struct cfg_acl *r = obj;

	return r->has_rmac ? cfg_mac_json(r->rmac) : NULL;
}

/* "local_ip" / "remote_ip": "a.b.c.d[/len]" or "x::y[/len]". */
static int
acl_ip(json_t *v, struct cfg_acl *r, bool remote, const char *path, struct ctrl_err *e)
{
	uint8_t *addr = remote ? r->rip : r->lip;
	char buf[64], *slash, *end;
	int fam, max, i;
	long len;

	if (v == NULL)
		return 0;
	if (!json_is_string(v) || json_string_length(v) >= sizeof(buf))
		return ctrl_errf(e, path, "expected an IPv4 or IPv6 address or prefix");
	snprintf(buf, sizeof(buf), "%s", json_string_value(v));
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1) {
		fam = 4;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, addr) == 1) {
		fam = 6;
		max = 128;
	} else {
		return ctrl_errf(e, path, "expected an IPv4 or IPv6 address or prefix");
	}
	len = max;
	if (slash != NULL) {
		len = strtol(slash, &end, 10);
		if (end == slash || *end != '\0' || len < 0 || len > max)
			return ctrl_errf(e, path, "prefix length must be 0..%d", max);
	}
	for (i = 0; i < max / 8; i++) {
		int bits = (int)len - i * 8;
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));

		if (addr[i] & ~mask)
			return ctrl_errf(e, path, "address has bits set beyond the /%ld prefix", len);
	}
	if (r->family != 0 && r->family != fam)
		return ctrl_errf(e, path, "local_ip and remote_ip must be of one IP version");
	r->family = (uint8_t)fam;
	*(remote ? &r->rip_len : &r->lip_len) = (uint8_t)len;
	*(remote ? &r->has_rip : &r->has_lip) = 1;
	return 0;
}

static int
parse_lip(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	return acl_ip(v, obj, false, path, e);
}

static int
parse_rip(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	return acl_ip(v, obj, true, path, e);
}

/* An address and prefix as "a.b.c.d/len" or "x::y/len". */
static json_t *
ip_json(uint8_t family, const uint8_t *a, uint8_t len)
{
	char buf[INET6_ADDRSTRLEN + 8];
	size_t l;

	inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf, sizeof(buf));
	l = strlen(buf);
	snprintf(buf + l, sizeof(buf) - l, "/%u", len);
	return json_string(buf);
}

static json_t *
emit_lip(const void *obj)
{
	const struct cfg_acl *r = obj;

	return r->has_lip ? ip_json(r->family, r->lip, r->lip_len) : NULL;
}

static json_t *
emit_rip(const void *obj)
{
	const struct cfg_acl *r = obj;

	return r->has_rip ? ip_json(r->family, r->rip, r->rip_len) : NULL;
}

static const struct {
	const char *name;   /* protocol name */
	uint32_t num;       /* IP protocol number */
} acl_protos[] = { { "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "icmpv6", 58 },
	{ "sctp", 132 } };

static int
parse_proto(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	struct cfg_acl *r = obj;
	size_t i;

	r->protocol = 256;
	if (v == NULL)
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 255) {
		r->protocol = (uint32_t)json_integer_value(v);
		return 0;
	}
	for (i = 0; json_is_string(v) && i < RTE_DIM(acl_protos); i++) {
		if (strcmp(json_string_value(v), acl_protos[i].name) == 0) {
			r->protocol = acl_protos[i].num;
			return 0;
		}
	}
	return ctrl_errf(e, path, "expected tcp, udp, icmp, icmpv6, sctp or a number 0..255");
}

static json_t *
emit_proto(const void *obj)
{
	const struct cfg_acl *r = obj;
	size_t i;

	if (r->protocol == 256)
		return NULL;
	for (i = 0; i < RTE_DIM(acl_protos); i++)
		if (acl_protos[i].num == r->protocol)
			return json_string(acl_protos[i].name);
	return json_integer(r->protocol);
}

/* "local_port" / "remote_port": N or "first-last". */
static int
acl_ports(json_t *v, uint16_t *range, const char *path, struct ctrl_err *e)
{
	long lo, hi;
	char *end;

	range[0] = 0;
	range[1] = 65535;
	if (v == NULL)
		return 0;
	if (json_is_integer(v)) {
		lo = hi = (long)json_integer_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);

		lo = hi = strtol(s, &end, 10);
		if (end != s && *end == '-') {
			s = end + 1;
			hi = strtol(s, &end, 10);
		}
		if (end == s || *end != '\0')
			return ctrl_errf(e, path, "expected a port or a range \"first-last\"");
	} else {
		return ctrl_errf(e, path, "expected a port or a range \"first-last\"");
	}
	if (lo < 0 || hi > 65535 || lo > hi)
		return ctrl_errf(e, path, "ports must be 0..65535 and first <= last");
	range[0] = (uint16_t)lo;
	range[1] = (uint16_t)hi;
	return 0;
}

static int
parse_lport(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	return acl_ports(v, ((struct cfg_acl *)obj)->lport, path, e);
}

static int
parse_rport(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	return acl_ports(v, ((struct cfg_acl *)obj)->rport, path, e);
}

static json_t *
ports_json(const uint16_t *range)
{
	char buf[16];

	if (range[0] == 0 && range[1] == 65535)
		return NULL;
	if (range[0] == range[1])
		return json_integer(range[0]);
	snprintf(buf, sizeof(buf), "%u-%u", range[0], range[1]);
	return json_string(buf);
}

static json_t *
emit_lport(const void *obj)
{
	return ports_json(((const struct cfg_acl *)obj)->lport);
}

static json_t *
emit_rport(const void *obj)
{
	return ports_json(((const struct cfg_acl *)obj)->rport);
}

/* The selector keys of a rule (also those of an IPsec SPD entry). */
#define ACL_SELECTOR_ITEMS \
	{ .key = "local_mac", .type = CFG_T_FUNC, .fn = parse_lmac, .emit = emit_lmac, \
	  .help = "MAC on the port's side" }, \
	{ .key = "remote_mac", .type = CFG_T_FUNC, .fn = parse_rmac, .emit = emit_rmac, \
	  .help = "MAC on the far side" }, \
	{ .key = "local_ip", .type = CFG_T_FUNC, .fn = parse_lip, .emit = emit_lip, \
	  .help = "IPv4/IPv6 host or prefix on the port's side" }, \
	{ .key = "remote_ip", .type = CFG_T_FUNC, .fn = parse_rip, .emit = emit_rip, \
	  .help = "IPv4/IPv6 host or prefix on the far side" }, \
	{ .key = "protocol", .type = CFG_T_FUNC, .fn = parse_proto, .emit = emit_proto, \
	  .help = "extended: tcp, udp, icmp, icmpv6, sctp or a number" }, \
	{ .key = "local_port", .type = CFG_T_FUNC, .fn = parse_lport, .emit = emit_lport, \
	  .help = "extended: TCP/UDP/SCTP port or \"first-last\" on the port's side" }, \
	{ .key = "remote_port", .type = CFG_T_FUNC, .fn = parse_rport, .emit = emit_rport, \
	  .help = "extended: TCP/UDP/SCTP port or range on the far side" },

static const struct cfg_item acl_items[] = {
	{ .key = "port", .type = CFG_T_STR, .off = offsetof(struct cfg_acl, port),
	  .size = CFG_NAME_LEN, .required = true, .help = "port the rule belongs to" },
	{ .key = "name", .type = CFG_T_STR, .off = offsetof(struct cfg_acl, name),
	  .size = CFG_NAME_LEN, .help = "label shown with the rule's counters" },
	{ .key = "direction", .type = CFG_T_ENUM, .off = offsetof(struct cfg_acl, dir),
	  .names = acl_dirs, .required = true,
	  .help = "in (to the VM), out (from the VM) or both" },
	{ .key = "action", .type = CFG_T_ENUM, .off = offsetof(struct cfg_acl, action),
	  .names = acl_actions, .required = true, .help = "allow, deny or meter" },
	ACL_SELECTOR_ITEMS
	{ .key = "weight", .type = CFG_T_UINT, .off = offsetof(struct cfg_acl, weight),
	  .max = 65535, .help = "extended rules: 1..65535, higher is tried first; 0: basic rule" },
	{ .key = "stateful", .type = CFG_T_BOOL, .off = offsetof(struct cfg_acl, stateful),
	  .help = "extended allow rules: the return traffic of allowed flows is allowed" },
	CFG_ITEM_END
};

/* Rules between the keys of one rule. */
static int
acl_rule_check(json_t *a, struct cfg_acl *r, const char *path, struct ctrl_err *e)
{
	static const char *const ext_keys[] = { "protocol", "local_port", "remote_port" };
	char sub[256];
	size_t i;

	for (i = 0; r->weight == 0 && i < RTE_DIM(ext_keys); i++) {
		if (json_object_get(a, ext_keys[i]) != NULL) {
			cfg_path_key(sub, sizeof(sub), path, ext_keys[i]);
			return ctrl_errf(e, sub, "only an extended rule (with a weight) has this key");
		}
	}
	if (r->weight == 0 && r->stateful) {
		cfg_path_key(sub, sizeof(sub), path, "stateful");
		return ctrl_errf(e, sub, "only an extended rule (with a weight) has this key");
	}
	if (r->protocol != 6 && r->protocol != 17 && r->protocol != 132) {
		const char *k = json_object_get(a, "local_port") ? "local_port" :
			json_object_get(a, "remote_port") ? "remote_port" : NULL;

		if (k != NULL) {
			cfg_path_key(sub, sizeof(sub), path, k);
			return ctrl_errf(e, sub, "ports need protocol tcp, udp or sctp");
		}
	}
	if (r->stateful && r->action != CFG_ACL_ALLOW) {
		cfg_path_key(sub, sizeof(sub), path, "stateful");
		return ctrl_errf(e, sub, "only an allow rule can be stateful");
	}
	if (r->family == 4 && r->protocol == 58) {
		cfg_path_key(sub, sizeof(sub), path, "protocol");
		return ctrl_errf(e, sub, "icmpv6 with IPv4 addresses never matches");
	}
	return 0;
}

static const struct cfg_item acl_sel_items[] = {
	ACL_SELECTOR_ITEMS
	CFG_ITEM_END
};

int
cfg_acl_selector_parse(json_t *obj, struct cfg_acl *sel, const char *path, struct ctrl_err *e)
{
	memset(sel, 0, sizeof(*sel));
	if (cfg_schema_apply(obj, acl_sel_items, sel, path, e) != 0)
		return -EINVAL;
	/* Checked as an extended rule's selector: protocol and ports are allowed. */
	sel->weight = 1;
	if (acl_rule_check(obj, sel, path, e) != 0)
		return -EINVAL;
	sel->weight = 0;
	return 0;
}

json_t *
cfg_acl_selector_emit(const struct cfg_acl *sel)
{
	return cfg_schema_emit(acl_sel_items, sel);
}

/* One entry of "acl". */
static int
parse_acl_rule(json_t *a, size_t i, void *obj, const char *path, struct ctrl_err *e)
{
	struct vsw_config *c = obj;
	struct cfg_acl *r = &c->acl[i];

	if (cfg_schema_apply(a, acl_items, r, path, e) != 0 ||
			acl_rule_check(a, r, path, e) != 0)
		return -EINVAL;
	r->dir += 1; /* enum cfg_acl_dir is a bit set: in = 1, out = 2, both = 3 */
	c->n_acl = (uint32_t)i + 1;
	return 0;
}

int
cfg_parse_acl(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	struct vsw_config *c = obj;

	c->n_acl = 0;
	if (json_is_array(v) && json_array_size(v) <= CFG_MAX_ACL) {
		c->acl = calloc(json_array_size(v) + 1, sizeof(*c->acl));
		if (c->acl == NULL)
			return ctrl_nomem(e, path, "out of memory");
	}
	return cfg_array_apply(v, CFG_MAX_ACL, parse_acl_rule, obj, path, "rule objects", e);
}

json_t *
cfg_acl_emit(const struct cfg_acl *r)
{
	struct cfg_acl t = *r;
	json_t *o;

	t.dir -= 1;
	o = cfg_schema_emit(acl_items, &t);
	if (r->weight == 0) {
		json_object_del(o, "weight");
		json_object_del(o, "stateful");
	}
	return o;
}

json_t *
cfg_emit_acl(const void *obj)
{
	const struct vsw_config *c = obj;
	json_t *a = json_array();
	uint32_t i;

	for (i = 0; i < c->n_acl; i++)
		json_array_append_new(a, cfg_acl_emit(&c->acl[i]));
	return a;
}

int
cfg_acl_cmp(const struct cfg_acl *a, const struct cfg_acl *b)
{
	return memcmp(a, b, offsetof(struct cfg_acl, port_idx));
}

bool
cfg_acl_equal(const struct vsw_config *a, const struct vsw_config *b)
{
	uint32_t i;

	if (a->n_acl != b->n_acl)
		return false;
	for (i = 0; i < a->n_acl; i++)
		if (cfg_acl_cmp(&a->acl[i], &b->acl[i]) != 0)
			return false;
	return true;
}

/* Security and private VLAN rules of port @p i. */
static int
check_port_policy(const struct vsw_config *c, uint32_t i, struct ctrl_err *e)
{
	const struct cfg_port *p = &c->ports[i], *q;
	char path[160];
	uint32_t j;

	if (!cfg_port_used(p))
		return 0;
	if (p->type == CFG_PORT_VHOST && !p->sec.mac_spoofing && p->sec.n_macs == 0) {
		snprintf(path, sizeof(path), "$.ports[%u].security.macs", i);
		return ctrl_errf(e, path, "a vhost-user port without mac_spoofing needs its guest's "
				"MAC(s), or set \"mac_spoofing\": true");
	}
	if (p->pvlan_mode == CFG_PVLAN_NONE)
		return 0;
	snprintf(path, sizeof(path), "$.ports[%u].pvlan", i);
	if (p->vlan_mode != DP_VLAN_ACCESS)
		return ctrl_errf(e, path, "a private VLAN port is an access port: its \"vlan\" is "
				"the primary VLAN");
	strcat(path, ".secondary");
	if (p->pvlan_mode == CFG_PVLAN_PROMISCUOUS) {
		if (p->pvlan_secondary != 0)
			return ctrl_errf(e, path, "a promiscuous port has no secondary VLAN");
		return 0;
	}
	if (p->pvlan_secondary == 0 || p->pvlan_secondary == p->access_vlan)
		return ctrl_errf(e, path, "isolated and community ports need a secondary VLAN "
				"other than the primary");
	for (j = 0; j < i; j++) {
		q = &c->ports[j];
		if (!cfg_port_used(q) || q->pvlan_mode < CFG_PVLAN_ISOLATED ||
				q->pvlan_secondary != p->pvlan_secondary)
			continue;
		if (q->pvlan_mode != p->pvlan_mode || q->access_vlan != p->access_vlan)
			return ctrl_errf(e, path, "secondary VLAN %u is also $.ports[%u], with "
					"another role or primary VLAN", p->pvlan_secondary, j);
	}
	return 0;
}

int
cfg_check_policy(struct vsw_config *c, struct ctrl_err *e)
{
	char path[64];
	uint32_t i;
	int rc;

	for (i = 0; i < c->n_ports; i++) {
		rc = check_port_policy(c, i, e);
		if (rc != 0)
			return rc;
	}
	for (i = 0; i < c->n_acl; i++) {
		const struct cfg_port *p = cfg_port_find(c, c->acl[i].port);

		if (p == NULL) {
			snprintf(path, sizeof(path), "$.acl[%u].port", i);
			return ctrl_errf(e, path, "no port is named \"%s\"", c->acl[i].port);
		}
		c->acl[i].port_idx = (uint16_t)(p - c->ports);
	}
	return 0;
}
