/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of config parsing and checking, memory planning, EAL arguments and snapshots. */
#include <string.h>
#include <unistd.h>

#include "eal_args.h"
#include "mem.h"
#include "snap.h"
#include "ut.h"

#define P0 "{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"net_null0\"}"
#define V0 "{\"name\": \"v\", \"type\": \"vhost-user\", \"path\": \"/tmp/v.sock\", " \
	"\"security\": {\"macs\": [\"02:00:00:00:00:01\"]}}"

/* Parses @p json; returns 0 or -EINVAL with @p e. */
static int
parse(const char *json, struct vsw_config *c, struct ctrl_err *e)
{
	json_error_t je;
	json_t *root = json_loads(json, JSON_REJECT_DUPLICATES, &je);
	int rc;

	if (root == NULL)
		fail_msg("bad test JSON %s: %s", json, je.text);
	rc = cfg_parse(root, c, e);
	json_decref(root);
	return rc;
}

/* cfg_emit() is the inverse of cfg_parse(): emit, parse again, emit again: same document;
 * and the port diff tells live changes from ones that reopen the device. */
static void
test_emit_roundtrip(void **state)
{
	static struct vsw_config c, d;
	struct ctrl_err e;
	json_t *x, *y;

	assert_int_equal(parse("{\"dpdk\": {\"eal_args\": [\"--huge-unlink\"]}, "
			"\"api\": {\"socket\": \"/tmp/s\", \"max_clients\": 3}, \"ports\": [" P0 ", "
			V0 ", {\"name\": \"t\", \"type\": \"dpdk\", \"devargs\": \"net_null1\", "
			"\"vlan\": {\"mode\": \"trunk\", \"allowed\": [2, \"5-9\", 4094], "
			"\"native\": 3}}], \"fdb\": [{\"mac\": \"02:00:00:00:00:0A\", \"port\": \"a\"}]}",
			&c, &e), 0);
	x = cfg_emit(&c);
	assert_int_equal(cfg_parse(x, &d, &e), 0);
	y = cfg_emit(&d);
	assert_true(json_equal(x, y));
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(x,
			"fdb"), 0), "mac")), "02:00:00:00:00:0a");
	assert_null(json_object_get(json_array_get(json_object_get(x, "ports"), 0), "mode"));
	assert_int_equal(cfg_port_diff(&c.ports[2], &d.ports[2]), CFG_PORT_SAME);
	d.ports[2].admin_up = 0;
	dp_vlan_set(d.ports[2].vlans, 100);
	assert_int_equal(cfg_port_diff(&c.ports[2], &d.ports[2]), CFG_PORT_LIVE);
	d.ports[2].mtu = 9000;
	assert_int_equal(cfg_port_diff(&c.ports[2], &d.ports[2]), CFG_PORT_REOPEN);
	/* Only restart-only keys are refused by the restart check. */
	assert_int_equal(cfg_restart_check(&c, &d, &e), 0);
	d.sw.fdb_aging_s = 5;
	assert_int_equal(cfg_restart_check(&c, &d, &e), 0);
	d.api.max_clients = 4;
	assert_int_not_equal(cfg_restart_check(&c, &d, &e), 0);
	assert_string_equal(e.path, "$.api.max_clients");
	d.api.max_clients = 3;
	d.dpdk.n_eal_args = 0;
	assert_int_not_equal(cfg_restart_check(&c, &d, &e), 0);
	assert_string_equal(e.path, "$.dpdk.eal_args");
	json_decref(x);
	json_decref(y);
	cfg_free(&c);
	cfg_free(&d);
}

/* Profiles: a port takes its policy from the profile it names, by name or by one of the
 * profile's MACs; it is written back with the name only; a profile change is a live change
 * of its ports. */
static void
test_profiles(void **state)
{
	static const char *doc =
		"{\"profiles\": [{\"name\": \"vm1\", \"vlan\": {\"mode\": \"access\", \"vlan\": 7},"
		"  \"security\": {\"macs\": [\"52:54:00:00:01:01\"], \"dhcp_guard\": true}}],"
		" \"ports\": [{\"name\": \"va\", \"type\": \"vhost-user\", \"path\": \"/tmp/a.sock\","
		"  \"profile\": \"vm1\"},"
		" {\"name\": \"b\", \"type\": \"vhost-user\", \"path\": \"/tmp/b.sock\","
		"  \"profile\": \"52:54:00:00:01:01\"}, " P0 "]}";
	struct vsw_config c, c2;
	struct ctrl_err e;
	json_t *out, *p0, *prof;
	char *txt;
	uint32_t i;

	(void)state;
	if (parse(doc, &c, &e) != 0)
		fail_msg("%s: %s", e.path, e.msg);
	for (i = 0; i < 2; i++) {
		assert_string_equal(c.ports[i].profile, "vm1");
		assert_int_equal(c.ports[i].access_vlan, 7);
		assert_int_equal(c.ports[i].sec.n_macs, 1);
		assert_true(c.ports[i].sec.dhcp_guard);
	}
	assert_string_equal(c.ports[2].profile, "");
	assert_int_equal(c.ports[2].access_vlan, 1);
	/* Written back with the profile's name only, and parsed back the same. */
	out = cfg_emit(&c);
	p0 = json_array_get(json_object_get(out, "ports"), 1);
	assert_string_equal(json_string_value(json_object_get(p0, "profile")), "vm1");
	assert_null(json_object_get(p0, "vlan"));
	assert_null(json_object_get(p0, "security"));
	assert_null(json_object_get(json_array_get(json_object_get(out, "ports"), 2), "profile"));
	assert_int_equal(cfg_parse(out, &c2, &e), 0);
	assert_int_equal(c2.ports[1].access_vlan, 7);
	assert_int_equal(cfg_port_diff(&c.ports[1], &c2.ports[1]), CFG_PORT_SAME);
	cfg_free(&c2);
	/* The profile changes: its ports change, live. */
	prof = json_array_get(json_object_get(out, "profiles"), 0);
	json_object_set_new(prof, "vlan", json_pack("{s:s, s:i}", "mode", "access", "vlan", 9));
	txt = json_dumps(out, 0);
	json_decref(out);
	assert_int_equal(parse(txt, &c2, &e), 0);
	free(txt);
	assert_int_equal(c2.ports[0].access_vlan, 9);
	assert_int_equal(cfg_port_diff(&c.ports[0], &c2.ports[0]), CFG_PORT_LIVE);
	assert_int_equal(cfg_port_diff(&c.ports[2], &c2.ports[2]), CFG_PORT_SAME);
	cfg_free(&c2);
	cfg_free(&c);
}

static void
test_defaults(void **state)
{
	struct vsw_config c;
	struct ctrl_err e;

	(void)state;
	assert_int_equal(parse("{}", &c, &e), 0);
	assert_string_equal(c.dpdk.lcores, "0-1");
	assert_int_equal(c.dpdk.memory_mb, 512);
	assert_int_equal(c.sw.fdb_aging_s, 300);
	assert_int_equal(c.n_ports, 0);
	assert_int_equal(parse("{\"ports\": [" P0 "]}", &c, &e), 0);
	assert_int_equal(c.ports[0].mtu, 1500);
	assert_int_equal(c.ports[0].queues, 1);
	assert_int_equal(c.ports[0].admin_up, 1);
	assert_int_equal(c.ports[0].vlan_mode, DP_VLAN_ACCESS);
	assert_int_equal(c.ports[0].access_vlan, 1);
	cfg_free(&c);
}

/* Each bad document is refused with the JSON path of the offending field. */
static void
test_errors(void **state)
{
	static const struct {
		const char *json;   /* the document */
		const char *path;   /* expected error path */
		const char *words;  /* expected in the message */
	} cases[] = {
		{ "[]", "$", "object" },
		{ "{\"bogus\": 1}", "$.bogus", "unknown key" },
		{ "{\"dpdk\": {\"memory_mb\": 1}}", "$.dpdk.memory_mb", "out of range" },
		{ "{\"dpdk\": {\"memory_mb\": \"512\"}}", "$.dpdk.memory_mb", "integer" },
		{ "{\"dpdk\": {\"lcores\": \"\"}}", "$.dpdk.lcores", "length" },
		{ "{\"dpdk\": {\"log_level\": \"loud\"}}", "$.dpdk.log_level", "expected" },
		{ "{\"dpdk\": {\"file_prefix\": \"a/b\"}}", "$.dpdk.file_prefix", "letters" },
		{ "{\"dpdk\": {\"eal_args\": [1]}}", "$.dpdk.eal_args[0]", "string" },
		{ "{\"switch\": {\"fdb_aging_s\": -1}}", "$.switch.fdb_aging_s", "range" },
		{ "{\"ports\": {}}", "$.ports", "array" },
		{ "{\"ports\": [{\"name\": \"r\", \"type\": \"representor\", \"devargs\": \"0000:03:00.0\"}]}",
		  "$.ports[0].devargs", "PF and VF" },
		{ "{\"ports\": [{\"name\": \"r\", \"type\": \"representor\"}]}", "$.ports[0].devargs",
		  "representor port needs devargs" },
		{ "{\"ports\": [{\"name\": \"r\", \"type\": \"representor\", \"devargs\": "
		  "\"0000:03:00.0,representor=vf1\"}, {\"name\": \"s\", \"type\": \"representor\", "
		  "\"devargs\": \"0000:03:00.0,representor=vf1\"}]}", "$.ports[1].devargs", "also" },
		{ "{\"profiles\": [{\"name\": \"p\", \"devargs\": \"x\"}]}", "$.profiles[0].devargs",
		  "unknown key" },
		{ "{\"profiles\": [{\"name\": \"p\"}, {\"name\": \"p\"}]}", "$.profiles[1].name",
		  "twice" },
		{ "{\"profiles\": [{\"name\": \"p\", \"vlan\": {\"mode\": \"access\", \"vlan\": 0}}]}",
		  "$.profiles[0].vlan.vlan", "" },
		{ "{\"profiles\": [{\"vlan\": {}}]}", "$.profiles[0].name", "name" },
		{ "{\"ports\": [{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"x\", "
		  "\"profile\": \"nope\"}]}", "$.ports[0].profile", "no profile" },
		{ "{\"profiles\": [{\"name\": \"p\"}], \"ports\": [{\"name\": \"a\", \"type\": \"dpdk\", "
		  "\"devargs\": \"x\", \"profile\": \"p\", \"mirror\": \"source\"}]}", "$.ports[0].mirror",
		  "set by profile" },
		{ "{\"ports\": [" P0 ", {\"name\": \"b\"}]}", "$.ports[1].type", "required" },
		{ "{\"ports\": [{\"type\": \"dpdk\", \"devargs\": \"x\"}]}", "$.ports[0].name", "required" },
		{ "{\"ports\": [" P0 ", " P0 "]}", "$.ports[1].name", "duplicate" },
		{ "{\"ports\": [{\"name\": \"a b\", \"type\": \"dpdk\", \"devargs\": \"x\"}]}",
		  "$.ports[0].name", "letters" },
		{ "{\"ports\": [{\"name\": \"a\", \"type\": \"nic\"}]}", "$.ports[0].type", "one of" },
		{ "{\"ports\": [{\"name\": \"a\", \"type\": \"dpdk\"}]}", "$.ports[0].devargs", "needs" },
		{ "{\"ports\": [" P0 ", {\"name\": \"b\", \"type\": \"dpdk\", \"devargs\": \"net_null0,x=1\"}]}",
		  "$.ports[1].devargs", "also" },
		{ "{\"ports\": [{\"name\": \"v\", \"type\": \"vhost-user\", \"path\": \"rel.sock\"}]}",
		  "$.ports[0].path", "absolute" },
		{ "{\"ports\": [" V0 ", {\"name\": \"w\", \"type\": \"vhost-user\", \"path\": \"/tmp/v.sock\"}]}",
		  "$.ports[1].path", "also" },
		{ "{\"dpdk\": {\"no_huge\": true}, \"ports\": [" V0 "]}", "$.ports[0].type", "hugepage" },
		{ "{\"ports\": [{\"name\": \"v\", \"type\": \"vhost-user\", \"path\": \"/x\", \"mode\": \"both\"}]}",
		  "$.ports[0].mode", "server, client" },
		{ "{\"ports\": [{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"x\", \"mtu\": 9001}]}",
		  "$.ports[0].mtu", "68..9000" },
		{ "{\"ports\": [{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"x\", \"queues\": 0}]}",
		  "$.ports[0].queues", "range" },
		{ "{\"ports\": [{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"x\", \"admin\": true}]}",
		  "$.ports[0].admin", "string" },
		{ "{\"ports\": [{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"x\", \"vlan\": {\"mode\": \"trunk\"}}]}",
		  "$.ports[0].vlan", "allowed" },
		{ "{\"ports\": [{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"x\", \"vlan\": {\"vlan\": 4095}}]}",
		  "$.ports[0].vlan.vlan", "range" },
		{ "{\"ports\": [{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"x\", \"vlan\": {\"mode\": \"trunk\", \"allowed\": [\"9-3\"]}}]}",
		  "$.ports[0].vlan.allowed[0]", "first <= last" },
		{ "{\"ports\": [{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"x\", \"vlan\": {\"mode\": \"trunk\", \"allowed\": [10], \"vlan\": 3}}]}",
		  "$.ports[0].vlan.vlan", "trunk" },
		{ "{\"ports\": [{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"x\", \"vlan\": {\"allowed\": [10]}}]}",
		  "$.ports[0].vlan.allowed", "trunk" },
		{ "{\"ports\": [{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"x\", \"vlan\": {\"tag\": 3}}]}",
		  "$.ports[0].vlan.tag", "unknown key" },
		{ "{\"ports\": [" P0 "], \"fdb\": [{\"mac\": \"02:00:00:00:00:01\", \"port\": \"zz\"}]}",
		  "$.fdb[0].port", "no port" },
		{ "{\"ports\": [" P0 "], \"fdb\": [{\"mac\": \"01:00:00:00:00:01\", \"port\": \"a\"}]}",
		  "$.fdb[0].mac", "unicast" },
		{ "{\"ports\": [" P0 "], \"fdb\": [{\"mac\": \"nonsense\", \"port\": \"a\"}]}",
		  "$.fdb[0].mac", "MAC" },
		{ "{\"ports\": [" P0 "], \"fdb\": [{\"mac\": \"02:00:00:00:00:01\", \"port\": \"a\", \"vlan\": 7}]}",
		  "$.fdb[0].vlan", "member" },
		{ "{\"ports\": [" P0 "], \"fdb\": [{\"mac\": \"02:00:00:00:00:01\", \"port\": \"a\"},"
		  " {\"mac\": \"02:00:00:00:00:02\", \"port\": \"a\"}, {\"mac\": \"02:00:00:00:00:01\", \"port\": \"a\"}]}",
		  "$.fdb[2]", "same MAC" },
	};
	struct vsw_config c;
	struct ctrl_err e;
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		memset(&e, 0, sizeof(e));
		if (parse(cases[i].json, &c, &e) == 0)
			fail_msg("accepted: %s", cases[i].json);
		if (strcmp(e.path, cases[i].path) != 0 || strstr(e.msg, cases[i].words) == NULL)
			fail_msg("%s: got %s: %s; want %s: ...%s...", cases[i].json, e.path, e.msg,
					cases[i].path, cases[i].words);
		assert_null(c.fdb); /* nothing left allocated */
	}
}

static void
test_file_and_json_errors(void **state)
{
	struct vsw_config c;
	struct ctrl_err e;
	char path[] = "/tmp/vsw_ut_cfgXXXXXX";
	int fd;

	(void)state;
	assert_int_equal(cfg_load_file(VSW_SRCDIR "/config/vswd.json", &c, &e), 0);
	assert_int_equal(c.n_ports, 3);
	assert_int_equal(c.ports[1].type, CFG_PORT_VHOST);
	cfg_free(&c);
	assert_int_not_equal(cfg_load_file("/nonexistent/vswd.json", &c, &e), 0);
	assert_string_equal(e.path, "$");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"a\": 1, \"a\": 2}", 16), 16);
	close(fd);
	assert_int_not_equal(cfg_load_file(path, &c, &e), 0);
	assert_non_null(strstr(e.msg, "duplicate"));
	unlink(path);
}

static void
test_mem_plan(void **state)
{
	struct vsw_config c;
	struct ctrl_err e;
	struct mem_plan mp;

	(void)state;
	assert_int_equal(cfg_load_file(VSW_SRCDIR "/config/vswd.json", &c, &e), 0);
	mem_plan(&c, 1, 0, &mp);
	/* The shipped config fits in 512 MiB of hugepages. */
	assert_true(mp.total_mb <= 512);
	assert_true(mp.n_mbufs >= 8191);
	assert_int_equal(mp.segs_per_frame, 1);
	cfg_free(&c);
	/* Jumbo frames chain 2 KiB mbufs; af_packet gets a jumbo pool. */
	assert_int_equal(parse("{\"ports\": [{\"name\": \"a\", \"type\": \"dpdk\", \"mtu\": 9000,"
			" \"devargs\": \"net_af_packet0,iface=x\"}]}", &c, &e), 0);
	mem_plan(&c, 1, 0, &mp);
	assert_int_equal(mp.segs_per_frame, 5);
	assert_true(mp.jumbo_bytes > (uint64_t)mem_jumbo_pool_size(&c.ports[0]) * 16384);
	/* Many deep rings do not fit in 512 MiB: the plan says how much they need. */
	assert_int_equal(parse("{\"ports\": [{\"name\": \"a\", \"type\": \"dpdk\", \"queues\": 16,"
			" \"rx_desc\": 16384, \"tx_desc\": 16384, \"devargs\": \"0000:01:00.0\"}]}",
			&c, &e), 0);
	mem_plan(&c, 4, 0, &mp);
	assert_true(mp.total_mb > 512);
}

static void
test_eal_args(void **state)
{
	static struct eal_args a;
	struct vsw_config c;
	struct ctrl_err e;
	int i, pci = 0, nopci = 0, base = 0;

	(void)state;
	assert_int_equal(parse("{\"dpdk\": {\"lcores\": \"0-2\", \"eal_args\": [\"--vdev=x\"]},"
			" \"ports\": [" P0 ", {\"name\": \"n\", \"type\": \"dpdk\","
			" \"devargs\": \"0000:03:00.0\"}]}", &c, &e), 0);
	assert_int_equal(eal_args_build(&c, "vswd", &a), 0);
	for (i = 0; i < a.argc; i++) {
		pci += strcmp(a.argv[i], "0000:03:00.0") == 0;
		nopci += strcmp(a.argv[i], "--no-pci") == 0;
		base += strcmp(a.argv[i], "--base-virtaddr=" EAL_ASAN_BASE_VA) == 0;
	}
	assert_int_equal(pci, 1);
	assert_int_equal(nopci, 0);
#ifdef __SANITIZE_ADDRESS__
	assert_int_equal(base, 1);
#else
	assert_int_equal(base, 0);
#endif
	assert_string_equal(a.argv[1], "--lcores=0-2");
	assert_string_equal(a.argv[a.argc - 1], "--vdev=x");
	assert_true(eal_devargs_is_vdev("net_tap0,iface=x"));
	assert_false(eal_devargs_is_vdev("0000:03:00.0"));
	cfg_free(&c);
	/* Two representors of one PF: the PF is allow-listed once, without their arguments. */
	assert_int_equal(parse("{\"ports\": [{\"name\": \"r1\", \"type\": \"representor\", "
			"\"devargs\": \"0000:05:00.0,representor=vf1\"}, {\"name\": \"r2\", "
			"\"type\": \"representor\", \"devargs\": \"0000:05:00.0,representor=vf2\"}]}",
			&c, &e), 0);
	assert_int_equal(eal_args_build(&c, "vswd", &a), 0);
	for (i = 0, pci = 0, nopci = 0; i < a.argc; i++) {
		pci += strcmp(a.argv[i], "0000:05:00.0") == 0;
		nopci += strcmp(a.argv[i], "--no-pci") == 0;
	}
	assert_int_equal(pci, 1);
	assert_int_equal(nopci, 0);
	cfg_free(&c);
}

/* Two workers, a port with one TX queue: worker 1 hands off to worker 0, which drains. */
static void
test_snap_tx_map(void **state)
{
	struct pmd_port ports[VSW_MAX_PORTS];
	struct vsw_config c;
	struct dp_snap *s;
	struct ctrl_err e;

	(void)state;
	assert_int_equal(parse("{\"ports\": [{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": "
			"\"net_null0\", \"queues\": 3}, {\"name\": \"b\", \"type\": \"dpdk\", "
			"\"devargs\": \"net_null1\"}]}", &c, &e), 0);
	s = ut_snap(&c, 2, 1, ports);
	assert_int_equal(s->port[0].out_op[0], DP_OUT_TXQ);
	assert_int_equal(s->port[0].out_op[1], DP_OUT_HANDOFF);
	assert_ptr_equal(s->port[0].handoff, ports[0].handoff);
	assert_int_equal(s->plan[0].n_drain, 2);
	assert_int_equal(s->plan[1].n_drain, 0);
	/* Four RX queues spread round robin over two workers. */
	assert_int_equal(s->plan[0].n_rxq, 2);
	assert_int_equal(s->plan[1].n_rxq, 2);
	snap_free(s);
	/* Enough TX queues: every worker owns one, no handoff. */
	s = ut_snap(&c, 2, 2, ports);
	assert_int_equal(s->port[1].out_op[1], DP_OUT_TXQ);
	assert_int_equal(s->port[1].txq[1], 1);
	assert_int_equal(s->plan[0].n_drain, 0);
	snap_free(s);
	/* Fewer queues than workers and no ring is refused rather than shared unsafely. */
	ports[0].n_txq = 1;
	ports[0].handoff = NULL;
	assert_null(snap_build(&c, ports, 2, NULL, 1, &e));
	assert_string_equal(e.path, "$.ports[0]");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_emit_roundtrip),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_file_and_json_errors),
		cmocka_unit_test(test_mem_plan),
		cmocka_unit_test(test_eal_args),
		cmocka_unit_test(test_snap_tx_map),
	};

	ut_eal_init("cfg");
	return cmocka_run_group_tests_name("cfg", tests, NULL, NULL);
}
