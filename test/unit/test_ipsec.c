/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPsec security policy databases (spd.c, rte_acl) against a linear first-match
 * reference on random entry sets and frames; the ESP engine itself is held against scapy
 * and tshark in test/integration/test_ipsec_engine.py.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ipsec_cfg.h"
#include "ipsec_dp.h"
#include "ipsec_place.h"
#include "ipsec_table.h"
#include "ut_pipe.h"
#include "vsw_node.h"
#include "vsw_walk.h"
#include "l34.h"
#include "spd.h"
#include "ut.h"
#include "ut_acl.h"

#define N_SETS 12
#define N_ENTRIES 200
#define N_FRAMES 1500

/* The deciding entry (index + 1, 0: none) by the documented order: the first that matches. */
static uint32_t
ref_spd(const struct spd_entry *e, uint32_t n, const struct dp_acl_key *k, int dir)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (ut_acl_match(&e[i].sel, k, dir))
			return i + 1;
	return 0;
}

static void
test_spd_differential(void **state)
{
	struct spd_entry *e = calloc(N_ENTRIES, sizeof(*e));
	struct dp_acl_key keys[DP_BURST];
	struct rte_mbuf *pkts[DP_BURST];
	uint32_t res[DP_BURST], set, f, i, n, mism = 0, matched = 0, none = 0, frames = 0;
	struct ctrl_err err;

	(void)state;
	assert_non_null(e);
	srandom(11);
	for (set = 0; set < N_SETS; set++) {
		struct ipsec_spd *spd;

		/* Half the sets small, so that some frames match no entry. */
		n = 1 + ut_acl_rnd(set % 2 ? N_ENTRIES : 8);
		for (i = 0; i < n; i++) {
			/* The ACL vocabulary's random selectors; the weight means nothing here. */
			ut_acl_rand_rule(&e[i].sel);
			e[i].action = (uint8_t)ut_acl_rnd(3);
			e[i].sa = (uint16_t)ut_acl_rnd(100);
		}
		spd = spd_build(e, n, &err);
		assert_non_null(spd);
		for (f = 0; f < N_FRAMES; f += DP_BURST) {
			int dir = (int)ut_acl_rnd(2);
			uint16_t port = (uint16_t)ut_acl_rnd(2);
			struct dp_l34 l;

			for (i = 0; i < DP_BURST; i++) {
				pkts[i] = ut_acl_rand_frame();
				dp_l34_parse(pkts[i], &l);
				dp_acl_key_make(&keys[i], pkts[i], &l, port, dir);
			}
			spd_classify(spd, dir, keys, DP_BURST, res);
			for (i = 0; i < DP_BURST; i++) {
				uint32_t want = ref_spd(e, n, &keys[i], dir);

				mism += res[i] != want;
				frames++;
				none += want == 0;
				if (want != 0) {
					matched++;
					mism += spd->res[want - 1].action != e[want - 1].action ||
						spd->res[want - 1].sa != e[want - 1].sa;
				}
			}
			ut_free(pkts, DP_BURST);
		}
		spd_free(spd);
	}
	print_message("%u sets, %u frames, %u matched an entry, %u none, %u mismatches\n",
			N_SETS, frames, matched, none, mism);
	assert_int_equal(mism, 0);
	assert_true(matched > frames / 10 && none > frames / 20);
	free(e);
}

static void
test_spd_limits(void **state)
{
	struct spd_entry e = { 0 };
	struct ipsec_spd *spd;
	struct ctrl_err err = { { 0 } };
	struct dp_acl_key k;
	uint32_t r;

	(void)state;
	/* Too many entries: refused, naming the list. */
	assert_null(spd_build(&e, SPD_MAX_ENTRIES + 1, &err));
	assert_string_equal(err.path, "$.ipsec.spd");
	assert_int_equal(err.rc, -22);
	/* An empty set decides nothing: bypass. */
	spd = spd_build(NULL, 0, &err);
	assert_non_null(spd);
	memset(&k, 0, sizeof(k));
	spd_classify(spd, DP_ACL_OUT, &k, 1, &r);
	assert_int_equal(r, 0);
	spd_free(spd);
}

#define DOC_PORTS "{\"ports\": [{\"name\": \"vm1\", \"type\": \"dpdk\", \"devargs\": \"net_null0\"," \
	" \"security\": {\"macs\": [\"02:00:00:00:00:01\"]}}," \
	"{\"name\": \"nic0\", \"type\": \"dpdk\", \"devargs\": \"net_null1\"}]}"
/* The same ports, vm1 without its MAC. */
#define DOC_PORTS_NO_MAC "{\"ports\": [{\"name\": \"vm1\", \"type\": \"dpdk\", " \
	"\"devargs\": \"net_null0\"}, {\"name\": \"nic0\", \"type\": \"dpdk\", " \
	"\"devargs\": \"net_null1\"}]}"

/* The ports ipsec_doc() checks against. */
static const char *doc_ports = DOC_PORTS;

/* A valid section: an outbound AES-GCM tunnel, an inbound AES-CBC one, three entries. */
static const char *good_ipsec = "{\"sa\": ["
	"{\"name\": \"o\", \"port\": \"vm1\", \"direction\": \"out\", \"spi\": 4096,"
	" \"alg\": \"aes-gcm-128\", \"key\": \"000102030405060708090a0b0c0d0e0f\","
	" \"salt\": \"a1b2c3d4\", \"local\": \"192.0.2.1\", \"remote\": \"192.0.2.2\","
	" \"uplink\": \"nic0\", \"next_hop_mac\": \"02:00:00:00:00:fe\", \"esn\": true,"
	" \"lifetime\": {\"soft_bytes\": 1000, \"hard_bytes\": 2000}},"
	"{\"name\": \"i\", \"port\": \"vm1\", \"direction\": \"in\", \"spi\": 4097,"
	" \"alg\": \"aes-cbc-256-hmac-sha256\","
	" \"key\": \"000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f\","
	" \"auth_key\": \"1111111111111111111111111111111111111111111111111111111111111111\","
	" \"local\": \"2001:db8::1\", \"remote\": \"2001:db8::2\", \"uplink\": \"nic0\","
	" \"replay_window\": 128}],"
	" \"spd\": ["
	"{\"port\": \"vm1\", \"direction\": \"out\", \"action\": \"bypass\", \"protocol\": \"udp\","
	" \"remote_port\": 53},"
	"{\"port\": \"vm1\", \"direction\": \"out\", \"action\": \"protect\", \"sa\": \"o\","
	" \"remote_ip\": \"10.1.0.0/16\", \"protocol\": \"tcp\"},"
	"{\"port\": \"vm1\", \"direction\": \"in\", \"action\": \"protect\", \"sa\": \"i\","
	" \"remote_ip\": \"10.1.0.0/16\"}]}";

/* Parses and checks section @p json against the two-port document. @return 0 or -errno. */
static int
ipsec_doc(const char *json, struct cfg_ipsec *c, struct ctrl_err *e)
{
	struct vsw_config doc;
	json_error_t je;
	json_t *v = json_loads(json, 0, &je);
	int rc;

	if (v == NULL)
		fail_msg("bad test JSON: %s", je.text);
	ut_config(doc_ports, &doc);
	memset(e, 0, sizeof(*e));
	rc = ipsec_cfg_parse(v, c, "$.ipsec", e);
	if (rc == 0)
		rc = ipsec_cfg_check(c, &doc, "$.ipsec", e);
	json_decref(v);
	cfg_free(&doc);
	return rc;
}

static void
test_cfg_good_and_round_trip(void **state)
{
	struct cfg_ipsec c, c2;
	struct ctrl_err e;
	json_t *a, *b, *hidden;
	char *text;

	(void)state;
	assert_int_equal(ipsec_doc(good_ipsec, &c, &e), 0);
	assert_int_equal(c.n_sa, 2);
	assert_int_equal(c.n_spd, 3);
	assert_int_equal(c.sa[0].port_idx, 0);
	assert_int_equal(c.sa[0].uplink_idx, 1);
	assert_int_equal(c.sa[0].window, 0);   /* outbound: none */
	assert_int_equal(c.sa[1].window, 128);
	assert_int_equal(c.sa[1].tun_family, 6);
	assert_int_equal(c.spd[1].sa_idx, 0);
	assert_int_equal(c.spd[2].sa_idx, 1);
	assert_int_equal(c.spd[2].sel.dir, CFG_ACL_IN);
	assert_int_equal(c.spd[0].sel.protocol, 17);
	/* The written section parses back to the same. */
	a = ipsec_cfg_emit(&c, false);
	text = json_dumps(a, 0);
	assert_int_equal(ipsec_doc(text, &c2, &e), 0);
	b = ipsec_cfg_emit(&c2, false);
	assert_true(json_equal(a, b));
	/* Keys never show when hidden. */
	hidden = ipsec_cfg_emit(&c, true);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
			json_object_get(hidden, "sa"), 0), "key")), "(hidden)");
	free(text);
	text = json_dumps(hidden, 0);
	assert_null(strstr(text, "000102030405"));
	free(text);
	json_decref(a);
	json_decref(b);
	json_decref(hidden);
	ipsec_cfg_free(&c);
	ipsec_cfg_free(&c2);
}

/* Replaces the first occurrence of @p from in @p s by @p to (into @p out). */
static void
edit(char *out, size_t len, const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);

	assert_non_null(p);
	snprintf(out, len, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
}

static void
test_cfg_bad_input_named(void **state)
{
	static const struct { const char *from, *to, *path; } cases[] = {
		{ "\"spi\": 4096", "\"spi\": 255", "$.ipsec.sa[0].spi" },
		{ "\"alg\": \"aes-gcm-128\"", "\"alg\": \"des\"", "$.ipsec.sa[0].alg" },
		{ "\"key\": \"000102030405060708090a0b0c0d0e0f\"", "\"key\": \"0001\"",
		  "$.ipsec.sa[0].key" },
		{ "\"key\": \"000102030405060708090a0b0c0d0e0f\"",
		  "\"key\": \"000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f\"",
		  "$.ipsec.sa[0].key" },
		{ "\"key\": \"000102030405060708090a0b0c0d0e0f\"",
		  "\"key\": \"zz0102030405060708090a0b0c0d0e0f\"", "$.ipsec.sa[0].key" },
		{ "\"salt\": \"a1b2c3d4\", ", "", "$.ipsec.sa[0].salt" },
		{ "\"replay_window\": 128}]", "\"replay_window\": 128}, {\"name\": \"i2\", "
		  "\"port\": \"vm1\", \"direction\": \"in\", \"spi\": 4097, \"mode\": \"transport\", "
		  "\"alg\": \"aes-gcm-128\", \"key\": \"000102030405060708090a0b0c0d0e0f\", "
		  "\"salt\": \"a1b2c3d4\"}]", "$.ipsec.sa[2].spi" },
		{ "\"name\": \"i\"", "\"name\": \"o\"", "$.ipsec.sa[1].name" },
		{ "\"direction\": \"in\", \"spi\": 4097", "\"direction\": \"out\", \"spi\": 4096",
		  "$.ipsec.sa[1].replay_window" },
		{ "\"port\": \"vm1\", \"direction\": \"out\", \"spi\"",
		  "\"port\": \"vm9\", \"direction\": \"out\", \"spi\"", "$.ipsec.sa[0].port" },
		{ "\"uplink\": \"nic0\", \"next_hop_mac\"", "\"uplink\": \"vm1\", \"next_hop_mac\"",
		  "$.ipsec.sa[0].uplink" },
		{ "\"remote\": \"192.0.2.2\"", "\"remote\": \"2001:db8::9\"", "$.ipsec.sa[0].remote" },
		{ ", \"next_hop_mac\": \"02:00:00:00:00:fe\"", "", "$.ipsec.sa[0].next_hop_mac" },
		{ "\"soft_bytes\": 1000", "\"soft_bytes\": 3000",
		  "$.ipsec.sa[0].lifetime.soft_bytes" },
		{ "\"auth_key\": \"11", "\"salt\": \"a1b2c3d4\", \"auth_key\": \"11",
		  "$.ipsec.sa[1].salt" },
		{ "\"sa\": \"o\"", "\"sa\": \"nope\"", "$.ipsec.spd[1].sa" },
		{ "\"sa\": \"o\"", "\"sa\": \"i\"", "$.ipsec.spd[1].sa" },
		{ "\"action\": \"bypass\"", "\"action\": \"bypass\", \"sa\": \"o\"",
		  "$.ipsec.spd[0].sa" },
		{ "\"remote_port\": 53", "\"remote_port\": 53, \"colour\": 1",
		  "$.ipsec.spd[0].colour" },
		{ "\"protocol\": \"udp\", \"remote_port\": 53", "\"remote_port\": 53",
		  "$.ipsec.spd[0].remote_port" },
		/* A bypass of all TCP to 10.1/16 before the protect of it: conflicting overlap. */
		{ "\"protocol\": \"udp\", \"remote_port\": 53", "\"protocol\": \"tcp\"",
		  "$.ipsec.spd[1]" },
		{ "{\"sa\": [", "{\"colour\": 1, \"sa\": [", "$.ipsec.colour" },
		{ "\"uplink\": \"nic0\", \"replay_window\"", "\"replay_window\"",
		  "$.ipsec.sa[1].uplink" },
		{ "\"key\": \"000102030405060708090a0b0c0d0e0f\"", "\"key\": \"(hidden)\"",
		  "$.ipsec.sa[0].key" },
		{ "\"salt\": \"a1b2c3d4\"", "\"salt\": \"(hidden)\"", "$.ipsec.sa[0].salt" },
	};
	char buf[4096];
	struct cfg_ipsec c;
	struct ctrl_err e;
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		edit(buf, sizeof(buf), good_ipsec, cases[i].from, cases[i].to);
		if (ipsec_doc(buf, &c, &e) == 0)
			fail_msg("case %zu accepted: %s", i, buf);
		if (strcmp(e.path, cases[i].path) != 0)
			fail_msg("case %zu: path %s (%s), expected %s", i, e.path, e.msg,
					cases[i].path);
		assert_int_equal(e.rc, -22);
		ipsec_cfg_free(&c);
	}
	/* The inbound tunnel delivers to the VM's MAC: its port must list one. */
	doc_ports = DOC_PORTS_NO_MAC;
	assert_int_equal(ipsec_doc(good_ipsec, &c, &e), -EINVAL);
	doc_ports = DOC_PORTS;
	assert_string_equal(e.path, "$.ipsec.sa[1].port");
	ipsec_cfg_free(&c);
}

/* An IPv4 frame of @p proto from the VM (02:..:01, 10.0.0.1) to @p dst port @p dport. */
static struct rte_mbuf *
vm_frame(const uint8_t *dst, uint8_t proto, uint16_t dport)
{
	static const uint8_t vm[4] = { 10, 0, 0, 1 }, gw[6] = { 2, 0, 0, 0, 0, 0xfe };
	static const uint8_t me[6] = { 2, 0, 0, 0, 0, 1 };
	struct fb f;

	fb_eth(&f, gw, me, RTE_ETHER_TYPE_IPV4);
	fb_ip4(&f, vm, dst, proto, 0);
	fb_l4(&f, proto, 40000, dport, 0);
	for (; f.len < 100; f.len++)
		f.b[f.len] = (uint8_t)f.len;
	return fb_mbuf(&f);
}

/* Lifetime use and counters of the node tests' SAs, by SA: no limits. */
static struct dp_ipsec_life ut_life[2];
static struct dp_ipsec_ctr ut_ctr[2][VSW_MAX_WORKERS];

/* Gives node-test SA @p d the lifetime and counters @p k, zeroed and without limits. */
static void
ut_sa_bind(struct dp_ipsec_sa *d, unsigned int k)
{
	memset(&ut_life[k], 0, sizeof(ut_life[k]));
	memset(ut_ctr[k], 0, sizeof(ut_ctr[k]));
	ut_life[k].max_packets = ut_life[k].max_bytes = UINT64_MAX;
	d->life = &ut_life[k];
	d->ctr = ut_ctr[k];
}

/* Outbound on the real graph: protect, bypass, discard and no match on one VM port. */
static void
test_out_node(void **state)
{
	static const uint8_t prot[4] = { 10, 1, 0, 5 }, disc[4] = { 10, 9, 0, 1 },
		other[4] = { 10, 2, 0, 1 };
	struct ut_pipe *p = ut_pipe_new("{\"ports\": ["
		"{\"name\": \"vm1\", \"type\": \"dpdk\", \"devargs\": \"net_null0\"},"
		"{\"name\": \"nic0\", \"type\": \"dpdk\", \"devargs\": \"net_null1\"}]}");
	struct esp_sa_spec spec = { .spi = 0x2000, .outbound = true, .tunnel = true,
		.family = 4, .tun_family = 4, .local = { 192, 0, 2, 1 }, .remote = { 192, 0, 2, 2 },
		.alg = ESP_AES_GCM_128, .key = { 1, 2, 3 }, .salt = { 9, 9, 9, 9 } };
	struct spd_entry ent[3];
	struct esp_sa out, in;
	struct esp_crypto cr;
	struct ctrl_err e;
	struct dp_ipsec_sa dsa;
	struct dp_ipsec ip;
	struct rte_mbuf *pkts[4], *plain[4];
	uint32_t i, n_esp = 0, n_clear = 0;

	(void)state;
	memset(ent, 0, sizeof(ent));
	assert_int_equal(esp_crypto_init(&cr, 4, SOCKET_ID_ANY, &e), 0);
	memcpy(spec.l2.dst_addr.addr_bytes, "\x02\x00\x00\x00\x00\xfe", 6);
	memcpy(spec.l2.src_addr.addr_bytes, "\x02\x00\x00\x00\x00\xee", 6);
	assert_int_equal(esp_sa_create(&cr, &spec, &out, "$", &e), 0);
	spec.outbound = false;
	spec.replay_win = 64;
	assert_int_equal(esp_sa_create(&cr, &spec, &in, "$", &e), 0);
	/* protect TCP to 10.1/16, discard all to 10.9/16, bypass UDP (first: DNS in the clear). */
	for (i = 0; i < 3; i++) {
		ent[i].sel.dir = CFG_ACL_OUT;
		ent[i].sel.protocol = 256;
		ent[i].sel.lport[1] = ent[i].sel.rport[1] = 65535;
		ent[i].sel.family = 4;
		ent[i].sel.has_rip = 1;
		ent[i].sel.rip_len = 16;
	}
	ent[0].sel.protocol = IPPROTO_UDP;
	ent[0].sel.family = 0;
	ent[0].sel.has_rip = 0;
	ent[0].action = SPD_BYPASS;
	memcpy(ent[1].sel.rip, prot, 4);
	ent[1].sel.protocol = IPPROTO_TCP;
	ent[1].action = SPD_PROTECT;
	memcpy(ent[2].sel.rip, disc, 4);
	ent[2].action = SPD_DISCARD;
	dsa = (struct dp_ipsec_sa){ .esp = &out, .port = 0, .uplink = 1, .uplink_vid = 1,
		.outbound = 1, .tunnel = 1 };
	/* The node writes the snapshot's MACs, whatever the engine's template holds (its
	 * source there is ...:ee, the snapshot's uplink address ...:ed). */
	memcpy(dsa.dst.addr_bytes, "\x02\x00\x00\x00\x00\xfe", 6);
	memcpy(dsa.src.addr_bytes, "\x02\x00\x00\x00\x00\xed", 6);
	ut_sa_bind(&dsa, 0);
	ip = (struct dp_ipsec){ .n_sa = 1, .sa = &dsa, .spd = spd_build(ent, 3, &e) };
	assert_non_null(ip.spd);
	p->s->ipsec = &ip;
	p->s->port[0].ipsec_out = 1;
	vsw_arc_build(p->s);
	assert_true(p->s->port[0].in_nocache && !p->s->port[1].in_nocache);

	pkts[0] = vm_frame(prot, IPPROTO_TCP, 80);   /* protect */
	pkts[1] = vm_frame(prot, IPPROTO_UDP, 53);   /* bypass */
	pkts[2] = vm_frame(disc, IPPROTO_TCP, 80);   /* discard */
	pkts[3] = vm_frame(other, IPPROTO_TCP, 80);  /* no entry: bypass */
	for (i = 0; i < 4; i++) {
		plain[i] = rte_pktmbuf_copy(pkts[i], ut_pool, 0, UINT32_MAX);
		assert_non_null(plain[i]);
	}
	for (i = 0; i < 4; i++)
		ut_pipe_run(p, 0, &pkts[i], 1, false);
	assert_int_equal(p->w->drops[DP_DROP_IPSEC_DISCARD], 1);
	assert_int_equal(p->w->port[0].rx_drops, 1);
	for (i = 0; i < p->cap.n; i++) {
		struct rte_mbuf *m = p->cap.ent[i].m;
		const uint8_t *h = rte_pktmbuf_mtod(m, const uint8_t *);

		assert_int_equal(p->cap.ent[i].port, 1);
		if (h[23] == IPPROTO_ESP) {
			/* Outer header to the next hop from the tunnel's endpoints; the engine's
			 * inbound SA gives back exactly what the VM sent. */
			assert_memory_equal(h, "\x02\x00\x00\x00\x00\xfe\x02\x00\x00\x00\x00\xed",
					12);
			assert_memory_equal(h + 26, spec.local, 4);
			assert_memory_equal(h + 30, spec.remote, 4);
			n_esp++;
			assert_int_equal(esp_sa_process(&in, &m, 1, NULL), 1);
			p->cap.ent[i].m = m;
			assert_int_equal(rte_pktmbuf_pkt_len(m), rte_pktmbuf_pkt_len(plain[0]));
			assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *) + 14,
					rte_pktmbuf_mtod(plain[0], uint8_t *) + 14,
					rte_pktmbuf_pkt_len(m) - 14);
		} else {
			/* In the clear only what no protect entry selects. */
			assert_false(h[23] == IPPROTO_TCP && h[30] == 10 && h[31] == 1);
			n_clear++;
		}
	}
	assert_int_equal(n_esp, 1);
	assert_int_equal(n_clear, 2);
	assert_int_equal(ut_ctr[0][0].packets, 1);
	assert_int_equal(ut_ctr[0][0].bytes, rte_pktmbuf_pkt_len(plain[0]));
	assert_int_equal(ut_life[0].packets, 1);
	assert_int_equal(p->w->fcache_hits, 0);
	/* A first entry that selects every frame is taken without classifying: with entry 1
	 * (protect) first, the UDP frame the bypass entry let out in the clear is ESP now. */
	ut_pipe_clear(p);
	p->s->port[0].ipsec_all[DP_ACL_OUT] = 2;
	pkts[0] = vm_frame(prot, IPPROTO_UDP, 53);
	ut_pipe_run(p, 0, &pkts[0], 1, false);
	assert_int_equal(p->cap.n, 1);
	assert_int_equal(rte_pktmbuf_mtod(p->cap.ent[0].m, uint8_t *)[23], IPPROTO_ESP);
	p->s->port[0].ipsec_all[DP_ACL_OUT] = 0;
	ut_free(plain, 4);
	p->s->ipsec = NULL;
	ut_pipe_free(p);
	spd_free((struct ipsec_spd *)(uintptr_t)ip.spd);
	esp_sa_free(&out);
	esp_sa_free(&in);
	esp_crypto_fini(&cr);
}

/*
 * Inbound on the real graph: ESP from the uplink decrypted to the VM port by the SA's owner
 * worker, taken over from another worker through its ring (the stolen edge), refused when
 * tampered or replayed; other frames switched in the clear.
 */
static void
test_in_node(void **state)
{
	static const char *json = "{\"ports\": ["
		"{\"name\": \"vm1\", \"type\": \"dpdk\", \"devargs\": \"net_null0\"},"
		"{\"name\": \"nic0\", \"type\": \"dpdk\", \"devargs\": \"net_null1\"}]}";
	static const uint8_t vm_ip[4] = { 10, 0, 0, 1 };
	struct ut_pipe *a = ut_pipe_new(json), *b = ut_pipe_new(json);
	struct esp_sa_spec spec = { .spi = 0x3000, .outbound = true, .tunnel = true,
		.family = 4, .tun_family = 4, .local = { 192, 0, 2, 2 }, .remote = { 192, 0, 2, 1 },
		.alg = ESP_AES_CBC_128_SHA256, .key = { 7 }, .auth_key = { 8 } };
	struct dp_ipsec_spi spi = { .spi = 0x3000, .uplink = 1, .sa = 0 };
	struct esp_sa peer, in;
	struct esp_crypto cr;
	struct ctrl_err e;
	struct dp_ipsec_sa dsa;
	struct dp_ipsec ip;
	struct rte_mbuf *esp[6], *plain[6], *m;
	uint32_t i;

	(void)state;
	assert_int_equal(esp_crypto_init(&cr, 4, SOCKET_ID_ANY, &e), 0);
	/* The remote end's outbound SA (192.0.2.1 -> 192.0.2.2) and vswd's inbound one. */
	memcpy(spec.l2.dst_addr.addr_bytes, "\x02\x00\x00\x00\x00\xee", 6);
	memcpy(spec.l2.src_addr.addr_bytes, "\x02\x00\x00\x00\x00\xfe", 6);
	assert_int_equal(esp_sa_create(&cr, &spec, &peer, "$", &e), 0);
	spec.outbound = false;
	spec.replay_win = 64;
	memcpy(spec.local, (const uint8_t[]){ 192, 0, 2, 2 }, 4);
	/* The engine's header is not what reaches the VM: the node writes the snapshot's. */
	memset(&spec.l2, 0, sizeof(spec.l2));
	assert_int_equal(esp_sa_create(&cr, &spec, &in, "$", &e), 0);
	dsa = (struct dp_ipsec_sa){ .esp = &in, .port = 0, .uplink = 1, .port_vid = 1,
		.owner = 0, .tunnel = 1 };
	memcpy(dsa.dst.addr_bytes, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(dsa.src.addr_bytes, "\x02\x00\x00\x00\x00\xee", 6);
	ut_sa_bind(&dsa, 1);
	memset(&ip, 0, sizeof(ip));
	ip.n_sa = 1;
	ip.sa = &dsa;
	ip.spd = spd_build(NULL, 0, &e);
	ip.n_in_spi = 1;
	ip.in_spi = &spi;
	for (i = 0; i < 2; i++) {
		char name[16];

		snprintf(name, sizeof(name), "ut_ipin%u", i);
		ip.in_ring[i] = rte_ring_create(name, 64, SOCKET_ID_ANY, RING_F_SC_DEQ);
		assert_non_null(ip.in_ring[i]);
	}
	b->w->id = 1;
	a->s->ipsec = b->s->ipsec = &ip;
	a->s->port[1].ipsec_in = b->s->port[1].ipsec_in = 1;
	vsw_arc_build(a->s);
	vsw_arc_build(b->s);
	/* Six packets to the VM, encrypted by the remote end. */
	for (i = 0; i < 6; i++) {
		plain[i] = vm_frame(vm_ip, IPPROTO_TCP, (uint16_t)(1000 + i));
		esp[i] = rte_pktmbuf_copy(plain[i], ut_pool, 0, UINT32_MAX);
		assert_int_equal(esp_sa_process(&peer, &esp[i], 1, NULL), 1);
	}
	/* Owner is worker 0 (a): two decrypted to vm1, a replay and a tampered one refused. */
	m = rte_pktmbuf_copy(esp[0], ut_pool, 0, UINT32_MAX);
	assert_int_equal(ut_pipe_run(a, 1, &esp[0], 1, false), 1);
	assert_int_equal(ut_pipe_run(a, 1, &m, 1, false), 0); /* replayed */
	rte_pktmbuf_mtod(esp[1], uint8_t *)[rte_pktmbuf_data_len(esp[1]) - 1] ^= 1;
	assert_int_equal(ut_pipe_run(a, 1, &esp[1], 1, false), 0); /* bad ICV */
	assert_int_equal(ut_pipe_run(a, 1, &esp[2], 1, false), 1);
	assert_int_equal(a->w->drops[DP_DROP_IPSEC_REPLAY], 1);
	assert_int_equal(a->w->drops[DP_DROP_IPSEC_AUTH_FAILED], 1);
	assert_int_equal(ut_ctr[1][0].replay, 1);
	assert_int_equal(ut_ctr[1][0].auth_failed, 1);
	assert_int_equal(ut_ctr[1][0].packets, 2);
	for (i = 0; i < a->cap.n; i++) {
		const struct rte_mbuf *c = a->cap.ent[i].m;
		const struct rte_mbuf *want = plain[i == 0 ? 0 : 2];

		assert_int_equal(a->cap.ent[i].port, 0);
		assert_memory_equal(rte_pktmbuf_mtod(c, const uint8_t *), "\x02\x00\x00\x00\x00\x01", 6);
		assert_int_equal(rte_pktmbuf_pkt_len(c), rte_pktmbuf_pkt_len(want));
		assert_memory_equal(rte_pktmbuf_mtod(c, const uint8_t *) + 14,
				rte_pktmbuf_mtod(want, const uint8_t *) + 14, rte_pktmbuf_pkt_len(c) - 14);
	}
	ut_pipe_clear(a);
	/* Owner is worker 1 (b): a hands the frames over, b's source node decrypts them. */
	dsa.owner = 1;
	assert_int_equal(ut_pipe_run(a, 1, &esp[3], 3, false), 0);
	assert_int_equal(rte_ring_count(ip.in_ring[1]), 3);
	assert_int_equal(ut_pipe_drops(a), 2);
	b->w->snap = b->s;
	vsw_graph_walk(b->w);
	assert_int_equal(b->cap.n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(b->cap.ent[i].port, 0);
		assert_memory_equal(rte_pktmbuf_mtod(b->cap.ent[i].m, const uint8_t *) + 14,
				rte_pktmbuf_mtod(plain[3 + i], const uint8_t *) + 14,
				rte_pktmbuf_pkt_len(plain[3 + i]) - 14);
	}
	assert_int_equal(ut_pipe_drops(b), 0);
	assert_int_equal(ut_ctr[1][1].packets, 3); /* counted on worker 1 */
	/* Not ESP of an SA of ours: switched in the clear (flooded to vm1). */
	m = vm_frame(vm_ip, IPPROTO_UDP, 53);
	assert_int_equal(ut_pipe_run(a, 1, &m, 1, false), 1);
	ut_pipe_clear(a);
	ut_free(plain, 6);

	/* vm1's inbound SPD: TCP is protected by the SA. Checked on vm1's egress arc. */
	{
		struct spd_entry ent;
		struct rte_mbuf *f[4];
		const struct ipsec_spd *old = ip.spd;

		memset(&ent, 0, sizeof(ent));
		ent.sel.dir = CFG_ACL_IN;
		ent.sel.protocol = IPPROTO_TCP;
		ent.sel.lport[1] = ent.sel.rport[1] = 65535;
		ent.action = SPD_PROTECT;
		ent.sa = 0;
		ip.spd = spd_build(&ent, 1, &e);
		assert_non_null(ip.spd);
		spd_free((struct ipsec_spd *)(uintptr_t)old);
		dsa.owner = 0;
		a->s->port[0].ipsec_check = 1;
		vsw_arc_build(a->s);
		assert_true(a->s->port[0].out_nocache);
		f[0] = vm_frame(vm_ip, IPPROTO_TCP, 80);  /* decrypted TCP: passes */
		f[1] = vm_frame(vm_ip, IPPROTO_UDP, 53);  /* decrypted UDP: no entry names it */
		assert_int_equal(esp_sa_process(&peer, &f[0], 1, NULL), 1);
		assert_int_equal(esp_sa_process(&peer, &f[1], 1, NULL), 1);
		f[2] = vm_frame(vm_ip, IPPROTO_TCP, 80);  /* plaintext TCP: must have been ESP */
		f[3] = vm_frame(vm_ip, IPPROTO_UDP, 53);  /* plaintext UDP: bypass */
		for (i = 0; i < 4; i++)
			ut_pipe_run(a, 1, &f[i], 1, false);
		assert_int_equal(a->cap.n, 2);
		assert_int_equal(a->w->drops[DP_DROP_IPSEC_POLICY], 2);
		/* What reached vm1: the decrypted TCP frame and the plaintext UDP one. */
		assert_int_equal(rte_pktmbuf_mtod(a->cap.ent[0].m, uint8_t *)[23], IPPROTO_TCP);
		assert_int_equal(rte_pktmbuf_mtod(a->cap.ent[1].m, uint8_t *)[23], IPPROTO_UDP);
		assert_false(vsw_meta_c(a->cap.ent[1].m)->flags & VSW_META_F_IPSEC);
	}
	a->s->ipsec = b->s->ipsec = NULL;
	ut_pipe_free(a);
	ut_pipe_free(b);
	for (i = 0; i < 2; i++)
		rte_ring_free(ip.in_ring[i]);
	spd_free((struct ipsec_spd *)(uintptr_t)ip.spd);
	esp_sa_free(&peer);
	esp_sa_free(&in);
	esp_crypto_fini(&cr);
}

/*
 * Duplicates inside one burst: both pass the window before decryption, only the first is
 * taken (for numbers at every position of a window word: rte_ipsec alone misses 32..63).
 */
static void
test_replay_in_burst(void **state)
{
	static const uint8_t vm_ip[4] = { 10, 0, 0, 1 };
	struct esp_sa_spec spec = { .spi = 0x3100, .outbound = true, .tunnel = true,
		.family = 4, .tun_family = 4, .local = { 192, 0, 2, 2 }, .remote = { 192, 0, 2, 1 },
		.alg = ESP_AES_GCM_128, .key = { 5 }, .salt = { 1, 2, 3, 4 } };
	struct rte_mbuf *m[3], *f;
	struct esp_sa peer, in;
	struct esp_crypto cr;
	struct ctrl_err e;
	uint8_t why[3];
	uint32_t n;

	(void)state;
	assert_int_equal(esp_crypto_init(&cr, 4, SOCKET_ID_ANY, &e), 0);
	assert_int_equal(esp_sa_create(&cr, &spec, &peer, "$", &e), 0);
	spec.outbound = false;
	spec.replay_win = 64;
	memcpy(spec.local, (const uint8_t[]){ 192, 0, 2, 1 }, 4);
	memcpy(spec.remote, (const uint8_t[]){ 192, 0, 2, 2 }, 4);
	assert_int_equal(esp_sa_create(&cr, &spec, &in, "$", &e), 0);
	for (n = 1; n <= 70; n++) {
		f = vm_frame(vm_ip, IPPROTO_UDP, (uint16_t)n);
		assert_int_equal(esp_sa_process(&peer, &f, 1, NULL), 1);
		m[0] = f;
		m[1] = rte_pktmbuf_copy(f, ut_pool, 0, UINT32_MAX);
		m[2] = rte_pktmbuf_copy(f, ut_pool, 0, UINT32_MAX);
		assert_int_equal(esp_sa_process(&in, m, 3, why), 1);
		assert_int_equal(why[0], ESP_OK);
		assert_int_equal(why[1], ESP_REPLAY);
		assert_int_equal(why[2], ESP_REPLAY);
		ut_free(m, 3);
	}
	esp_sa_free(&peer);
	esp_sa_free(&in);
	esp_crypto_fini(&cr);
}

/* The sequence number of the ESP frame @p m (outer IPv4). */
static uint32_t
esp_seq(const struct rte_mbuf *m)
{
	const uint8_t *h = rte_pktmbuf_mtod(m, const uint8_t *) + 14 + 20 + 4;

	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

/*
 * The running SA table across applies: kept SAs keep their engine state (sequence numbers
 * go on), changed ones are made new and the old freed after the publish, a refused apply
 * changes nothing, and a new outbound SA may not reuse a key.
 */
static void
test_sa_table(void **state)
{
	static const uint8_t dst[4] = { 10, 1, 0, 5 };
	struct ipsec_table t;
	struct ipsec_table_plan pl;
	struct cfg_ipsec c, c2;
	struct ipsec_rsa *o, *in;
	struct rte_mbuf *m;
	struct ctrl_err e;
	char buf[4096], dir[] = "/tmp/vswut-seqXXXXXX", path[64];
	struct ipsec_seq seq;
	uint32_t i;

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/seq.json", dir);
	assert_int_equal(ipsec_seq_open(&seq, path), 0);
	t.seq = &seq;
	assert_int_equal(ipsec_doc(good_ipsec, &c, &e), 0);
	assert_int_equal(ipsec_table_prepare(&t, &c, &pl, &e), 0);
	assert_true(pl.fresh[0] && pl.fresh[1] && pl.n_gone == 0);
	ipsec_table_commit(&t, &pl, &c);
	ipsec_table_retire(&pl);
	o = t.sa[0];
	in = t.sa[1];
	/* Three frames through the outbound SA: sequence numbers 1, 2, 3. */
	for (i = 1; i <= 3; i++) {
		m = vm_frame(dst, IPPROTO_TCP, 80);
		assert_int_equal(esp_sa_process(&o->esp, &m, 1, NULL), 1);
		assert_int_equal(esp_seq(m), i);
		rte_pktmbuf_free(m);
	}
	/* The same document again (a renamed port would do too): both SAs kept, in state. */
	assert_int_equal(ipsec_table_prepare(&t, &c, &pl, &e), 0);
	assert_true(!pl.fresh[0] && !pl.fresh[1] && pl.n_gone == 0);
	assert_ptr_equal(pl.sa[0], o);
	ipsec_table_commit(&t, &pl, &c);
	ipsec_table_retire(&pl);
	m = vm_frame(dst, IPPROTO_TCP, 80);
	assert_int_equal(esp_sa_process(&t.sa[0]->esp, &m, 1, NULL), 1);
	assert_int_equal(esp_seq(m), 4);
	rte_pktmbuf_free(m);
	/* A new SPI with the same key for the outbound SA: refused, nothing changes. */
	edit(buf, sizeof(buf), good_ipsec, "\"spi\": 4096", "\"spi\": 5000");
	assert_int_equal(ipsec_doc(buf, &c2, &e), 0);
	assert_int_equal(ipsec_table_prepare(&t, &c2, &pl, &e), -22);
	assert_string_equal(e.path, "$.ipsec.sa[0].key");
	assert_ptr_equal(t.sa[0], o);
	ipsec_cfg_free(&c2);
	/* A rekey (new SPI and key): a new outbound SA, the old one gone after the publish;
	 * the inbound one kept. Aborted first: the table stays as it was. */
	edit(buf, sizeof(buf), good_ipsec, "\"spi\": 4096, \"alg\": \"aes-gcm-128\", \"key\": "
			"\"000102030405060708090a0b0c0d0e0f\"", "\"spi\": 5000, \"alg\": "
			"\"aes-gcm-128\", \"key\": \"ff0102030405060708090a0b0c0d0e0f\"");
	assert_int_equal(ipsec_doc(buf, &c2, &e), 0);
	assert_int_equal(ipsec_table_prepare(&t, &c2, &pl, &e), 0);
	assert_true(pl.fresh[0] && !pl.fresh[1] && pl.n_gone == 1 && pl.gone[0] == o);
	ipsec_table_abort(&pl);
	assert_ptr_equal(t.sa[0], o);
	assert_int_equal(ipsec_table_prepare(&t, &c2, &pl, &e), 0);
	ipsec_table_commit(&t, &pl, &c2);
	ipsec_table_retire(&pl);
	assert_ptr_equal(t.sa[1], in);
	assert_int_equal(t.sa[0]->cfg.spi, 5000);
	m = vm_frame(dst, IPPROTO_TCP, 80);
	assert_int_equal(esp_sa_process(&t.sa[0]->esp, &m, 1, NULL), 1);
	assert_int_equal(esp_seq(m), 1); /* a new key starts again (the abort gave back its
					  * reserve) */
	rte_pktmbuf_free(m);
	ipsec_table_fini(&t);

	/* A restart: the same document resumes above the saved reserve, never at 1. */
	ipsec_seq_close(&seq);
	memset(&t, 0, sizeof(t));
	assert_int_equal(ipsec_seq_open(&seq, path), 0);
	t.seq = &seq;
	assert_int_equal(ipsec_table_prepare(&t, &c2, &pl, &e), 0);
	ipsec_table_commit(&t, &pl, &c2);
	ipsec_table_retire(&pl);
	assert_int_equal(t.sa[0]->sqn_first, IPSEC_SEQ_BLOCK + 1);
	assert_int_equal(t.sa[0]->sqn_saved, 2 * IPSEC_SEQ_BLOCK);
	m = vm_frame(dst, IPPROTO_TCP, 80);
	assert_int_equal(esp_sa_process(&t.sa[0]->esp, &m, 1, NULL), 1);
	assert_int_equal(esp_seq(m), IPSEC_SEQ_BLOCK + 1);
	rte_pktmbuf_free(m);
	/* The workers admit no more than the saved reserve. */
	assert_int_equal(t.sa[0]->life.max_packets, IPSEC_SEQ_BLOCK);
	assert_false(t.sa[0]->life.hard_packets);
	ipsec_table_fini(&t);
	ipsec_seq_close(&seq);

	/* No state file, or one that cannot be read: outbound SAs are refused. */
	memset(&t, 0, sizeof(t));
	assert_int_equal(ipsec_seq_open(&seq, ""), 0);
	t.seq = &seq;
	assert_int_equal(ipsec_table_prepare(&t, &c2, &pl, &e), -22);
	assert_string_equal(e.path, "$.ipsec.sa[0]");
	assert_non_null(strstr(e.msg, "--no-persist"));
	ipsec_seq_close(&seq);
	{
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs("{\"sa\": [{\"spi\": 1}]}", f);
		fclose(f);
	}
	assert_int_equal(ipsec_seq_open(&seq, path), 0);
	assert_true(seq.broken);
	t.seq = &seq;
	assert_int_equal(ipsec_table_prepare(&t, &c2, &pl, &e), -22);
	assert_non_null(strstr(e.msg, "malformed"));
	ipsec_table_fini(&t);
	ipsec_seq_close(&seq);
	unlink(path);
	rmdir(dir);
	ipsec_cfg_free(&c);
	ipsec_cfg_free(&c2);
}

/*
 * Placement against capability tables: the NIC only when the uplink can, the VM may and
 * slots are left, higher priority VMs first, and a freed slot goes to the next SA.
 */
static void
test_placement(void **state)
{
	static struct ipsec_place_port pp[VSW_MAX_PORTS];
	const uint32_t gcm = 1u << ESP_AES_GCM_128 | 1u << ESP_AES_GCM_256;
	/* Ports: 0..3 VMs, 10 an uplink with inline GCM (tunnel, both ways), 2 slots;
	 * 11 an uplink without inline IPsec. */
	struct ipsec_place_sa sa[] = {
		{ .port = 0, .uplink = 10, .outbound = 1, .alg = ESP_AES_GCM_128 }, /* prio 1 */
		{ .port = 1, .uplink = 10, .outbound = 1, .alg = ESP_AES_GCM_128 }, /* prio 5 */
		{ .port = 2, .uplink = 10, .outbound = 1, .alg = ESP_AES_GCM_256 }, /* prio 9 */
		{ .port = 2, .uplink = 10, .outbound = 0, .alg = ESP_AES_GCM_256 }, /* cap 1 */
		{ .port = 1, .uplink = 10, .outbound = 1, .alg = ESP_AES_CBC_128_SHA256 },
		{ .port = 1, .uplink = 10, .outbound = 1, .transport = 1, .alg = ESP_AES_GCM_128 },
		{ .port = 3, .uplink = 10, .outbound = 1, .alg = ESP_AES_GCM_128 }, /* max 0 */
		{ .port = 0, .uplink = 11, .outbound = 1, .alg = ESP_AES_GCM_128 },
	};
	uint8_t why[RTE_DIM(sa)];

	(void)state;
	memset(pp, 0, sizeof(pp));
	pp[0] = (struct ipsec_place_port){ .max_sa = 512, .prio = 1 };
	pp[1] = (struct ipsec_place_port){ .max_sa = 512, .prio = 5 };
	pp[2] = (struct ipsec_place_port){ .max_sa = 1, .prio = 9 };
	pp[3] = (struct ipsec_place_port){ .max_sa = 0, .prio = 200 };
	pp[10].caps = (struct ipsec_caps){ .inline_crypto = true, .slots = 2,
		.algs = { { gcm, 0 }, { gcm, 0 } } };
	ipsec_place(sa, RTE_DIM(sa), pp, why);
	assert_int_equal(why[2], IPSEC_WHY_INLINE);   /* prio 9 first */
	assert_int_equal(why[1], IPSEC_WHY_INLINE);   /* prio 5 next: the 2 slots are gone */
	assert_int_equal(why[0], IPSEC_WHY_SLOTS);
	assert_int_equal(why[3], IPSEC_WHY_VM_CAP);   /* VM 2 may offload one */
	assert_int_equal(why[4], IPSEC_WHY_ALG);      /* no inline CBC */
	assert_int_equal(why[5], IPSEC_WHY_ALG);      /* no inline transport */
	assert_int_equal(why[6], IPSEC_WHY_VM_OFF);
	assert_int_equal(why[7], IPSEC_WHY_NO_INLINE);
	/* VM 2's SA is deleted: its slot goes to the next, VM 0's. */
	sa[2] = sa[7];
	ipsec_place(sa, RTE_DIM(sa), pp, why);
	assert_int_equal(why[1], IPSEC_WHY_INLINE);
	assert_int_equal(why[3], IPSEC_WHY_INLINE);   /* VM 2's other one, prio 9 */
	assert_int_equal(why[0], IPSEC_WHY_SLOTS);
	/* No slot limit (0: as many as the NIC takes). */
	pp[10].caps.slots = 0;
	ipsec_place(sa, RTE_DIM(sa), pp, why);
	assert_int_equal(why[0], IPSEC_WHY_INLINE);
	assert_int_equal(why[1], IPSEC_WHY_INLINE);
	/* What a port without rte_security reports (the net_null ports here). */
	{
		struct ut_pipe *p = ut_pipe_new(DOC_PORTS_NO_MAC);
		struct ipsec_caps c;

		ipsec_caps_probe(0, &c);
		assert_false(c.inline_crypto);
		ut_pipe_free(p);
	}
	assert_string_equal(ipsec_why_text(IPSEC_WHY_NO_INLINE),
			"its uplink offers no inline IPsec (rte_security)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spd_differential),
		cmocka_unit_test(test_spd_limits),
		cmocka_unit_test(test_cfg_good_and_round_trip),
		cmocka_unit_test(test_cfg_bad_input_named),
		cmocka_unit_test(test_out_node),
		cmocka_unit_test(test_in_node),
		cmocka_unit_test(test_replay_in_burst),
		cmocka_unit_test(test_sa_table),
		cmocka_unit_test(test_placement),
	};

	ut_eal_init("ut_ipsec");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
