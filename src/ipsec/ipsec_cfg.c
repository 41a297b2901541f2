/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "cfg_policy.h"
#include "cfg_schema.h"
#include "ipsec_cfg.h"

static const char *const dirs[] = { "in", "out", NULL };
static const char *const modes[] = { "tunnel", "transport", NULL };
static const char *const algs[] = { "aes-gcm-128", "aes-gcm-256", "aes-cbc-128-hmac-sha256",
	"aes-cbc-256-hmac-sha256", NULL };
static const char *const actions[] = { "bypass", "discard", "protect", NULL };

static_assert(ESP_AES_GCM_128 == 0 && ESP_AES_CBC_256_SHA256 == 3, "algs[] order");
static_assert(SPD_BYPASS == 0 && SPD_DISCARD == 1 && SPD_PROTECT == 2, "actions[] order");

/* Hex string @p v of exactly @p len bytes into @p out. */
static int
hex_parse(json_t *v, uint8_t *out, size_t len, uint8_t *has, const char *path,
		struct ctrl_err *e)
{
	const char *s = json_string_value(v);
	unsigned int b;
	size_t i;

	if (v == NULL)
		return 0;
	if (s != NULL && strcmp(s, IPSEC_HIDDEN) == 0)
		return ctrl_errf(e, path, "a hidden key stands only for the key of the running SA "
				"of this name: give the key");
	if (s == NULL || strlen(s) != 2 * len)
		return ctrl_errf(e, path, "expected %zu bytes as %zu hex digits", len, 2 * len);
	for (i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[2 * i]) || !isxdigit((unsigned char)s[2 * i + 1]) ||
				sscanf(s + 2 * i, "%2x", &b) != 1)
			return ctrl_errf(e, path, "expected hex digits");
		out[i] = (uint8_t)b;
	}
	*has = 1;
	return 0;
}

/* The key's length is the algorithm's: checked by ipsec_cfg_check(); here up to 32. */
static int
parse_key(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	struct cfg_ipsec_sa *sa = obj;
	const char *s = json_string_value(v);

	if (v == NULL)
		return 0;
	if (s != NULL && strcmp(s, IPSEC_HIDDEN) == 0)
		return hex_parse(v, sa->key, 0, &sa->has_key, path, e);
	if (s == NULL || (strlen(s) != 32 && strlen(s) != 64))
		return ctrl_errf(e, path, "expected 16 or 32 bytes as hex digits");
	sa->key_len = (uint8_t)(strlen(s) / 2);
	return hex_parse(v, sa->key, sa->key_len, &sa->has_key, path, e);
}

static int
parse_salt(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	struct cfg_ipsec_sa *sa = obj;

	return hex_parse(v, sa->salt, sizeof(sa->salt), &sa->has_salt, path, e);
}

static int
parse_auth_key(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	struct cfg_ipsec_sa *sa = obj;

	return hex_parse(v, sa->auth_key, sizeof(sa->auth_key), &sa->has_auth_key, path, e);
}

/* A tunnel endpoint: an IPv4 or IPv6 host address. */
static int
endpoint(json_t *v, struct cfg_ipsec_sa *sa, bool remote, const char *path, struct ctrl_err *e)
{
	uint8_t *a = remote ? sa->remote : sa->local;
	const char *s = json_string_value(v);
	uint8_t fam;

	if (v == NULL)
		return 0;
	if (s != NULL && inet_pton(AF_INET, s, a) == 1)
		fam = 4;
	else if (s != NULL && inet_pton(AF_INET6, s, a) == 1)
		fam = 6;
	else
		return ctrl_errf(e, path, "expected an IPv4 or IPv6 address");
	if (sa->tun_family != 0 && sa->tun_family != fam)
		return ctrl_errf(e, path, "local and remote must be of one IP version");
	sa->tun_family = fam;
	*(remote ? &sa->has_remote : &sa->has_local) = 1;
	return 0;
}

static int
parse_local(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	return endpoint(v, obj, false, path, e);
}

static int
parse_remote(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	return endpoint(v, obj, true, path, e);
}

static int
parse_next_hop(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	struct cfg_ipsec_sa *sa = obj;

	if (v == NULL)
		return 0;
	if (cfg_mac_parse(v, sa->next_hop, path, e) != 0)
		return -EINVAL;
	sa->has_next_hop = 1;
	return 0;
}

/* "lifetime": {soft_bytes, hard_bytes, soft_packets, hard_packets}, each 0 (none) or more. */
static int
parse_lifetime(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	static const char *const keys[] = { "soft_bytes", "hard_bytes", "soft_packets",
		"hard_packets" };
	struct cfg_ipsec_sa *sa = obj;
	uint64_t *val[] = { &sa->soft_bytes, &sa->hard_bytes, &sa->soft_packets,
		&sa->hard_packets };
	char sub[256];
	const char *k;
	json_t *x;
	size_t i;

	if (v == NULL)
		return 0;
	if (!json_is_object(v))
		return ctrl_errf(e, path, "expected an object");
	json_object_foreach(v, k, x) {
		for (i = 0; i < RTE_DIM(keys) && strcmp(k, keys[i]) != 0; i++)
			;
		cfg_path_key(sub, sizeof(sub), path, k);
		if (i == RTE_DIM(keys))
			return ctrl_errf(e, sub, "unknown key (soft_bytes, hard_bytes, soft_packets, "
					"hard_packets)");
		if (!json_is_integer(x) || json_integer_value(x) < 0)
			return ctrl_errf(e, sub, "expected an integer 0.. (0: no limit)");
		*val[i] = (uint64_t)json_integer_value(x);
	}
	for (i = 0; i < 2; i++) {
		if (*val[2 * i] != 0 && *val[2 * i + 1] != 0 && *val[2 * i] > *val[2 * i + 1]) {
			cfg_path_key(sub, sizeof(sub), path, keys[2 * i]);
			return ctrl_errf(e, sub, "the soft limit is above the hard one");
		}
	}
	return 0;
}

/* Writers (emit) of the function items. */
static json_t *
hex_json(const uint8_t *b, size_t n, bool has)
{
	char s[2 * ESP_KEY_MAX + 1];
	size_t i;

	if (!has)
		return NULL;
	for (i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", b[i]);
	return json_string(s);
}

static json_t *
emit_key(const void *obj)
{
	const struct cfg_ipsec_sa *sa = obj;

	return hex_json(sa->key, sa->key_len, sa->has_key);
}

static json_t *
emit_salt(const void *obj)
{
	const struct cfg_ipsec_sa *sa = obj;

	return hex_json(sa->salt, sizeof(sa->salt), sa->has_salt);
}

static json_t *
emit_auth_key(const void *obj)
{
	const struct cfg_ipsec_sa *sa = obj;

	return hex_json(sa->auth_key, sizeof(sa->auth_key), sa->has_auth_key);
}

static json_t *
ep_json(const struct cfg_ipsec_sa *sa, const uint8_t *a, bool has)
{
	char s[INET6_ADDRSTRLEN];

	if (!has || inet_ntop(sa->tun_family == 4 ? AF_INET : AF_INET6, a, s, sizeof(s)) == NULL)
		return NULL;
	return json_string(s);
}

static json_t *
emit_local(const void *obj)
{
	const struct cfg_ipsec_sa *sa = obj;

	return ep_json(sa, sa->local, sa->has_local);
}

static json_t *
emit_remote(const void *obj)
{
	const struct cfg_ipsec_sa *sa = obj;

	return ep_json(sa, sa->remote, sa->has_remote);
}

static json_t *
emit_next_hop(const void *obj)
{
	const struct cfg_ipsec_sa *sa = obj;

	return sa->has_next_hop ? cfg_mac_json(sa->next_hop) : NULL;
}

static json_t *
emit_lifetime(const void *obj)
{
	const struct cfg_ipsec_sa *sa = obj;

	if ((sa->soft_bytes | sa->hard_bytes | sa->soft_packets | sa->hard_packets) == 0)
		return NULL;
	return json_pack("{s:I, s:I, s:I, s:I}", "soft_bytes", (json_int_t)sa->soft_bytes,
			"hard_bytes", (json_int_t)sa->hard_bytes, "soft_packets",
			(json_int_t)sa->soft_packets, "hard_packets", (json_int_t)sa->hard_packets);
}

#define SA_OFF(f) offsetof(struct cfg_ipsec_sa, f)

static const struct cfg_item sa_items[] = {
	{ .key = "name", .type = CFG_T_STR, .off = SA_OFF(name), .size = CFG_NAME_LEN,
	  .required = true, .help = "unique name; SPD entries name it" },
	{ .key = "port", .type = CFG_T_STR, .off = SA_OFF(port), .size = CFG_NAME_LEN,
	  .required = true, .help = "the VM port whose traffic it protects" },
	{ .key = "direction", .type = CFG_T_ENUM, .off = SA_OFF(dir), .names = dirs,
	  .required = true, .help = "in (to the VM) or out (from the VM)" },
	{ .key = "spi", .type = CFG_T_UINT, .off = SA_OFF(spi), .min = 256, .max = UINT32_MAX,
	  .required = true, .help = "security parameter index" },
	{ .key = "mode", .type = CFG_T_ENUM, .off = SA_OFF(mode), .names = modes,
	  .help = "tunnel (default) or transport" },
	{ .key = "family", .type = CFG_T_UINT, .off = SA_OFF(family), .min = 4, .max = 6,
	  .def = 4, .help = "IP version of the protected packets: 4 or 6" },
	{ .key = "alg", .type = CFG_T_ENUM, .off = SA_OFF(alg), .names = algs, .required = true,
	  .help = "aes-gcm-128, aes-gcm-256, aes-cbc-128-hmac-sha256, aes-cbc-256-hmac-sha256" },
	{ .key = "key", .type = CFG_T_FUNC, .fn = parse_key, .emit = emit_key,
	  .help = "cipher (AEAD) key, hex: 16 or 32 bytes as the algorithm says" },
	{ .key = "salt", .type = CFG_T_FUNC, .fn = parse_salt, .emit = emit_salt,
	  .help = "AES-GCM: 4-byte salt, hex" },
	{ .key = "auth_key", .type = CFG_T_FUNC, .fn = parse_auth_key, .emit = emit_auth_key,
	  .help = "AES-CBC: 32-byte HMAC-SHA-256 key, hex" },
	{ .key = "local", .type = CFG_T_FUNC, .fn = parse_local, .emit = emit_local,
	  .help = "tunnel: local endpoint address" },
	{ .key = "remote", .type = CFG_T_FUNC, .fn = parse_remote, .emit = emit_remote,
	  .help = "tunnel: remote endpoint address" },
	{ .key = "uplink", .type = CFG_T_STR, .off = SA_OFF(uplink), .size = CFG_NAME_LEN,
	  .help = "tunnel: the port the ESP traffic uses" },
	{ .key = "next_hop_mac", .type = CFG_T_FUNC, .fn = parse_next_hop, .emit = emit_next_hop,
	  .help = "outbound tunnel: MAC the ESP frames are sent to" },
	{ .key = "esn", .type = CFG_T_BOOL, .off = SA_OFF(esn),
	  .help = "64-bit extended sequence numbers" },
	{ .key = "replay_window", .type = CFG_T_UINT, .off = SA_OFF(window),
	  .max = IPSEC_MAX_WINDOW, .def = 64, .help = "inbound: anti-replay window, 0: none" },
	{ .key = "lifetime", .type = CFG_T_FUNC, .fn = parse_lifetime, .emit = emit_lifetime,
	  .help = "soft and hard limits in bytes and packets, 0: none" },
	CFG_ITEM_END
};

#define SPD_OFF(f) offsetof(struct cfg_ipsec_spd, f)

/* The entry's own keys; the rest of an entry is its selector (cfg_acl_selector_parse()). */
static const struct cfg_item spd_items[] = {
	{ .key = "port", .type = CFG_T_STR, .off = SPD_OFF(sel.port), .size = CFG_NAME_LEN,
	  .required = true, .help = "the VM port" },
	{ .key = "direction", .type = CFG_T_ENUM, .off = SPD_OFF(sel.dir), .names = dirs,
	  .required = true, .help = "in (to the VM) or out (from the VM)" },
	{ .key = "action", .type = CFG_T_ENUM, .off = SPD_OFF(action), .names = actions,
	  .required = true, .help = "protect (with sa), bypass or discard" },
	{ .key = "sa", .type = CFG_T_STR, .off = SPD_OFF(sa), .size = CFG_NAME_LEN,
	  .help = "protect: the SA's name" },
	CFG_ITEM_END
};

static int
parse_sa(json_t *a, size_t i, void *obj, const char *path, struct ctrl_err *e)
{
	struct cfg_ipsec *c = obj;
	struct cfg_ipsec_sa *sa = &c->sa[i];
	char sub[256];

	if (cfg_schema_apply(a, sa_items, sa, path, e) != 0)
		return -EINVAL;
	if (sa->family == 5) {
		cfg_path_key(sub, sizeof(sub), path, "family");
		return ctrl_errf(e, sub, "expected 4 or 6");
	}
	if (sa->dir == 1 && json_object_get(a, "replay_window") != NULL) {
		cfg_path_key(sub, sizeof(sub), path, "replay_window");
		return ctrl_errf(e, sub, "only an inbound SA has a replay window");
	}
	if (sa->dir == 1)
		sa->window = 0;
	c->n_sa = (uint32_t)i + 1;
	return 0;
}

static int
parse_spd(json_t *a, size_t i, void *obj, const char *path, struct ctrl_err *e)
{
	struct cfg_ipsec *c = obj;
	struct cfg_ipsec_spd *p = &c->spd[i];
	json_t *own, *sel;
	const char *k;
	json_t *x;
	int rc = -ENOMEM;

	if (!json_is_object(a))
		return ctrl_errf(e, path, "expected an object");
	own = json_object();
	sel = json_object();
	if (own == NULL || sel == NULL)
		goto out;
	/* Split the entry's own keys from its selector's; each part is parsed strictly. */
	json_object_foreach(a, k, x) {
		const struct cfg_item *it;

		for (it = spd_items; it->key != NULL && strcmp(it->key, k) != 0; it++)
			;
		if (json_object_set(it->key != NULL ? own : sel, k, x) != 0)
			goto out;
	}
	memset(p, 0, sizeof(*p));
	rc = cfg_acl_selector_parse(sel, &p->sel, path, e);
	/* The selector parse zeroed the entry's selector; the entry's own keys go on top. */
	if (rc == 0)
		rc = cfg_schema_apply(own, spd_items, p, path, e);
	if (rc == 0) {
		p->sel.dir = p->sel.dir == 0 ? CFG_ACL_IN : CFG_ACL_OUT;
		c->n_spd = (uint32_t)i + 1;
	}
out:
	if (rc == -ENOMEM)
		ctrl_nomem(e, path, "out of memory");
	json_decref(own);
	json_decref(sel);
	return rc;
}

int
ipsec_cfg_parse(json_t *v, struct cfg_ipsec *c, const char *path, struct ctrl_err *e)
{
	static const char *const keys[] = { "sa", "spd" };
	char sub[256];
	const char *k;
	json_t *x;
	size_t i;

	memset(c, 0, sizeof(*c));
	if (v == NULL)
		return 0;
	if (!json_is_object(v))
		return ctrl_errf(e, path, "expected an object with \"sa\" and \"spd\"");
	json_object_foreach(v, k, x) {
		for (i = 0; i < RTE_DIM(keys) && strcmp(k, keys[i]) != 0; i++)
			;
		if (i == RTE_DIM(keys)) {
			cfg_path_key(sub, sizeof(sub), path, k);
			return ctrl_errf(e, sub, "unknown key (sa, spd)");
		}
	}
	c->sa = calloc(RTE_MIN(json_array_size(json_object_get(v, "sa")),
			(size_t)IPSEC_MAX_SA) + 1, sizeof(*c->sa));
	c->spd = calloc(RTE_MIN(json_array_size(json_object_get(v, "spd")),
			(size_t)SPD_MAX_ENTRIES) + 1, sizeof(*c->spd));
	if (c->sa == NULL || c->spd == NULL) {
		ipsec_cfg_free(c);
		return ctrl_nomem(e, path, "out of memory");
	}
	cfg_path_key(sub, sizeof(sub), path, "sa");
	if (cfg_array_apply(json_object_get(v, "sa"), IPSEC_MAX_SA, parse_sa, c, sub,
			"SA objects", e) != 0)
		goto fail;
	cfg_path_key(sub, sizeof(sub), path, "spd");
	if (cfg_array_apply(json_object_get(v, "spd"), SPD_MAX_ENTRIES, parse_spd, c, sub,
			"SPD entry objects", e) != 0)
		goto fail;
	return 0;
fail:
	ipsec_cfg_free(c);
	return ctrl_err_rc(e, -EINVAL);
}

void
ipsec_cfg_free(struct cfg_ipsec *c)
{
	free(c->sa);
	free(c->spd);
	memset(c, 0, sizeof(*c));
}

/* Index of the port named @p name in @p doc, or -1 (cfg_port_find()). */
static int
port_find(const struct vsw_config *doc, const char *name)
{
	const struct cfg_port *p = cfg_port_find(doc, name);

	return p != NULL ? (int)(p - doc->ports) : -1;
}

/* Error at key @p key of SA @p i. */
static int
sa_err(struct ctrl_err *e, const char *path, uint32_t i, const char *key, const char *msg)
{
	char sub[256], el[256];

	snprintf(el, sizeof(el), "%s.sa[%u]", path, i);
	cfg_path_key(sub, sizeof(sub), el, key);
	return ctrl_errf(e, sub, "%s", msg);
}

/* The VLAN in which port @p p sends and receives untagged frames, 0: none. */
static uint32_t
port_vid(const struct cfg_port *p)
{
	return p->vlan_mode == DP_VLAN_ACCESS ? p->access_vlan : p->native_vlan;
}

/* The checks of SA @p i on its own and against the ports. */
static int
sa_check(struct cfg_ipsec *c, uint32_t i, const struct vsw_config *doc, const char *path,
		struct ctrl_err *e)
{
	struct cfg_ipsec_sa *sa = &c->sa[i];
	bool gcm = sa->alg == ESP_AES_GCM_128 || sa->alg == ESP_AES_GCM_256;
	int p, u;
	uint32_t j;
	char msg[96];

	for (j = 0; j < i; j++) {
		if (strcmp(c->sa[j].name, sa->name) == 0)
			return sa_err(e, path, i, "name", "another SA has this name");
		if (c->sa[j].dir == sa->dir && c->sa[j].spi == sa->spi)
			return sa_err(e, path, i, "spi", "another SA of this direction has this SPI");
	}
	p = port_find(doc, sa->port);
	if (p < 0)
		return sa_err(e, path, i, "port", "no port has this name");
	sa->port_idx = (uint16_t)p;
	if (!sa->has_key)
		return sa_err(e, path, i, "key", "required");
	/* parse_key took 16 or 32 bytes; the algorithm wants one of them. */
	if (sa->key_len != esp_alg_key_len((enum esp_alg)sa->alg)) {
		snprintf(msg, sizeof(msg), "%s takes a %u-byte key", algs[sa->alg],
				esp_alg_key_len((enum esp_alg)sa->alg));
		return sa_err(e, path, i, "key", msg);
	}
	if (gcm != (bool)sa->has_salt)
		return sa_err(e, path, i, "salt", gcm ? "required with AES-GCM" :
				"only AES-GCM has a salt");
	if (!gcm != (bool)sa->has_auth_key)
		return sa_err(e, path, i, "auth_key", gcm ? "AES-GCM has no separate auth key" :
				"required with AES-CBC");
	if (sa->uplink[0] == '\0')
		return sa_err(e, path, i, "uplink", "required (the port its ESP traffic uses)");
	u = port_find(doc, sa->uplink);
	if (u < 0)
		return sa_err(e, path, i, "uplink", "no port has this name");
	if (u == p)
		return sa_err(e, path, i, "uplink", "the uplink cannot be the VM port itself");
	sa->uplink_idx = (uint16_t)u;
	if (sa->mode == 1) { /* transport */
		static const char *const tun_keys[] = { "local", "remote", "next_hop_mac" };
		const bool has[] = { sa->has_local, sa->has_remote, sa->has_next_hop };

		for (j = 0; j < RTE_DIM(tun_keys); j++)
			if (has[j])
				return sa_err(e, path, i, tun_keys[j], "only a tunnel SA has this key");
		return 0;
	}
	if (!sa->has_local)
		return sa_err(e, path, i, "local", "required for a tunnel");
	if (!sa->has_remote)
		return sa_err(e, path, i, "remote", "required for a tunnel");
	if (sa->dir == 1 && !sa->has_next_hop)
		return sa_err(e, path, i, "next_hop_mac", "required for an outbound tunnel");
	if (sa->dir == 0 && sa->has_next_hop)
		return sa_err(e, path, i, "next_hop_mac", "only an outbound tunnel has this key");
	/* The frames a tunnel makes are switched in one VLAN of their port. */
	if (port_vid(&doc->ports[p]) == 0)
		return sa_err(e, path, i, "port", "a tunnel SA's port must be an access port or "
				"have a native VLAN");
	if (sa->dir == 1 && port_vid(&doc->ports[u]) == 0)
		return sa_err(e, path, i, "uplink", "an outbound tunnel's uplink must be an access "
				"port or have a native VLAN");
	if (sa->dir == 0 && doc->ports[p].sec.n_macs == 0)
		return sa_err(e, path, i, "port", "an inbound tunnel SA's port needs "
				"security.macs (the VM's MAC: the decrypted frames' destination)");
	return 0;
}

/* True when @p n bits of @p a and @p b agree. */
static bool
prefix_agree(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (((a[i / 8] ^ b[i / 8]) >> (7 - i % 8)) & 1)
			return false;
	return true;
}

/* True when some frame could match both selectors @p a and @p b. */
static bool
sel_overlap(const struct cfg_acl *a, const struct cfg_acl *b)
{
	if (a->family != 0 && b->family != 0 && a->family != b->family)
		return false;
	if ((a->has_lmac && b->has_lmac && memcmp(a->lmac, b->lmac, 6) != 0) ||
			(a->has_rmac && b->has_rmac && memcmp(a->rmac, b->rmac, 6) != 0))
		return false;
	if (a->has_lip && b->has_lip && !prefix_agree(a->lip, b->lip, RTE_MIN(a->lip_len,
			b->lip_len)))
		return false;
	if (a->has_rip && b->has_rip && !prefix_agree(a->rip, b->rip, RTE_MIN(a->rip_len,
			b->rip_len)))
		return false;
	if (a->protocol != 256 && b->protocol != 256 && a->protocol != b->protocol)
		return false;
	return a->lport[0] <= b->lport[1] && b->lport[0] <= a->lport[1] &&
		a->rport[0] <= b->rport[1] && b->rport[0] <= a->rport[1];
}

/* The checks of SPD entry @p i. */
static int
spd_check(struct cfg_ipsec *c, uint32_t i, const struct vsw_config *doc, const char *path,
		struct ctrl_err *e)
{
	struct cfg_ipsec_spd *p = &c->spd[i];
	char el[256], sub[256];
	uint32_t j;
	int port;

	snprintf(el, sizeof(el), "%s.spd[%u]", path, i);
	port = port_find(doc, p->sel.port);
	if (port < 0) {
		cfg_path_key(sub, sizeof(sub), el, "port");
		return ctrl_errf(e, sub, "no port has this name");
	}
	p->sel.port_idx = (uint16_t)port;
	cfg_path_key(sub, sizeof(sub), el, "sa");
	if (p->action != SPD_PROTECT) {
		if (p->sa[0] != '\0')
			return ctrl_errf(e, sub, "only a protect entry names an SA");
	} else {
		for (j = 0; j < c->n_sa && strcmp(c->sa[j].name, p->sa) != 0; j++)
			;
		if (p->sa[0] == '\0')
			return ctrl_errf(e, sub, "a protect entry names its SA");
		if (j == c->n_sa)
			return ctrl_errf(e, sub, "no SA has this name");
		if (strcmp(c->sa[j].port, p->sel.port) != 0 ||
				(c->sa[j].dir == 0) != (p->sel.dir == CFG_ACL_IN))
			return ctrl_errf(e, sub, "the SA belongs to another port or direction");
		p->sa_idx = (uint16_t)j;
	}
	for (j = 0; j < i; j++) {
		const struct cfg_ipsec_spd *q = &c->spd[j];

		if (q->sel.port_idx != p->sel.port_idx || q->sel.dir != p->sel.dir ||
				!sel_overlap(&q->sel, &p->sel))
			continue;
		if (q->action != p->action || (p->action == SPD_PROTECT && q->sa_idx != p->sa_idx))
			return ctrl_errf(e, el, "overlaps %s.spd[%u] with another action", path, j);
	}
	return 0;
}

int
ipsec_cfg_check(struct cfg_ipsec *c, const struct vsw_config *doc, const char *path,
		struct ctrl_err *e)
{
	uint32_t i;

	for (i = 0; i < c->n_sa; i++)
		if (sa_check(c, i, doc, path, e) != 0)
			return -EINVAL;
	for (i = 0; i < c->n_spd; i++)
		if (spd_check(c, i, doc, path, e) != 0)
			return -EINVAL;
	return 0;
}

static const struct cfg_item port_items[] = {
	{ .key = "offload_max_sa", .type = CFG_T_UINT, .off = offsetof(struct cfg_port,
	  ipsec_max_sa), .max = IPSEC_MAX_SA, .def = IPSEC_OFFLOAD_MAX_SA_DEF,
	  .help = "VM port: its SAs that may run on the uplink's NIC, 0: never" },
	{ .key = "offload_priority", .type = CFG_T_UINT, .off = offsetof(struct cfg_port,
	  ipsec_prio), .max = 255, .help = "VM port: when NIC slots are scarce, higher first" },
	{ .key = "offload_slots", .type = CFG_T_UINT, .off = offsetof(struct cfg_port,
	  ipsec_slots), .max = IPSEC_MAX_SA,
	  .help = "uplink: SAs its NIC may hold inline, 0: as many as it takes" },
	CFG_ITEM_END
};

int
ipsec_cfg_parse_port(json_t *v, void *obj, const char *path, struct ctrl_err *e)
{
	return cfg_schema_apply_opt(v, port_items, obj, path, e);
}

json_t *
ipsec_cfg_emit_port(const void *obj)
{
	const struct cfg_port *p = obj;

	if (p->ipsec_max_sa == IPSEC_OFFLOAD_MAX_SA_DEF && p->ipsec_prio == 0 &&
			p->ipsec_slots == 0)
		return NULL;
	return cfg_schema_emit(port_items, p);
}

/* The keys whose values are secrets. */
static const char *const secret[] = { "key", "salt", "auth_key" };

/* The SA named @p name in @p c, or NULL. */
static const struct cfg_ipsec_sa *
sa_named(const struct cfg_ipsec *c, const char *name)
{
	uint32_t i;

	for (i = 0; name != NULL && i < c->n_sa; i++)
		if (strcmp(c->sa[i].name, name) == 0)
			return &c->sa[i];
	return NULL;
}

void
ipsec_cfg_unhide(json_t *section, const struct cfg_ipsec *run)
{
	json_t *x, *v, *known;
	size_t i, k;

	json_array_foreach(json_object_get(section, "sa"), i, x) {
		const struct cfg_ipsec_sa *r = sa_named(run,
				json_string_value(json_object_get(x, "name")));

		known = r != NULL ? ipsec_cfg_sa_emit(r, false) : NULL;
		for (k = 0; k < RTE_DIM(secret); k++) {
			v = json_object_get(x, secret[k]);
			if (v == NULL || !json_is_string(v) ||
					strcmp(json_string_value(v), IPSEC_HIDDEN) != 0 ||
					json_object_get(known, secret[k]) == NULL)
				continue;
			json_object_set(x, secret[k], json_object_get(known, secret[k]));
		}
		json_decref(known);
	}
}

/* Redacts @p o in place, @p depth levels at most (deeper: replaced whole). */
static void
redact(json_t *o, unsigned int depth)
{
	const char *k;
	json_t *x;
	void *tmp;
	size_t i;

	json_object_foreach_safe(o, tmp, k, x) {
		for (i = 0; i < RTE_DIM(secret) && strcmp(k, secret[i]) != 0; i++)
			;
		if (i < RTE_DIM(secret) || ((json_is_object(x) || json_is_array(x)) && depth == 0))
			json_object_set_new(o, k, json_string(IPSEC_HIDDEN));
		else
			redact(x, depth - 1);
	}
	json_array_foreach(o, i, x) {
		if ((json_is_object(x) || json_is_array(x)) && depth == 0)
			json_array_set_new(o, i, json_string(IPSEC_HIDDEN));
		else
			redact(x, depth - 1);
	}
}

json_t *
ipsec_cfg_redact(const json_t *v)
{
	json_t *c = json_deep_copy(v);

	if (c != NULL)
		redact(c, 64);
	return c;
}

json_t *
ipsec_cfg_sa_emit(const struct cfg_ipsec_sa *sa, bool hide_keys)
{
	json_t *x = cfg_schema_emit(sa_items, sa);
	size_t k;

	for (k = 0; hide_keys && x != NULL && k < RTE_DIM(secret); k++)
		if (json_object_get(x, secret[k]) != NULL)
			json_object_set_new(x, secret[k], json_string(IPSEC_HIDDEN));
	if (x != NULL && sa->dir == 1)
		json_object_del(x, "replay_window");
	return x;
}

bool
ipsec_cfg_equal(const struct cfg_ipsec *a, const struct cfg_ipsec *b)
{
	json_t *x, *y;
	bool eq;

	if (a->n_sa != b->n_sa || a->n_spd != b->n_spd)
		return false;
	if (a->n_sa == 0 && a->n_spd == 0)
		return true;
	x = ipsec_cfg_emit(a, false);
	y = ipsec_cfg_emit(b, false);
	eq = x != NULL && y != NULL && json_equal(x, y);
	json_decref(x);
	json_decref(y);
	return eq;
}

json_t *
ipsec_cfg_emit(const struct cfg_ipsec *c, bool hide_keys)
{
	json_t *o = json_object(), *sa = json_array(), *spd = json_array(), *x;
	uint32_t i;

	if (o == NULL || sa == NULL || spd == NULL) {
		json_decref(o);
		json_decref(sa);
		json_decref(spd);
		return NULL;
	}
	for (i = 0; i < c->n_sa; i++) {
		json_array_append_new(sa, ipsec_cfg_sa_emit(&c->sa[i], hide_keys));
	}
	for (i = 0; i < c->n_spd; i++) {
		struct cfg_ipsec_spd t = c->spd[i];

		json_t *own;

		x = cfg_acl_selector_emit(&t.sel);
		t.sel.dir = t.sel.dir == CFG_ACL_IN ? 0 : 1;
		own = cfg_schema_emit(spd_items, &t);
		json_object_update(x, own);
		json_decref(own);
		json_array_append_new(spd, x);
	}
	json_object_set_new(o, "sa", sa);
	json_object_set_new(o, "spd", spd);
	return o;
}
