/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the representor offload decision (repr_plan.h) against capability tables:
 * each policy that needs the software path turns the offload off, with its reason; devices
 * without transfer rules; the rules between VFs of one access VLAN.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "repr_plan.h"

static struct repr_port
plain(uint16_t port, uint16_t vlan)
{
	struct repr_port p = { .port = port, .transfer_ok = true, .admin_up = true,
		.access = true, .vlan = vlan };

	return p;
}

/* The table: one feature at a time, and what it says. */
static void
test_policy_table(void **state)
{
	static const struct {
		size_t off;          /* the flag set (0: none) */
		bool ok;             /* offload allowed */
		const char *words;   /* in the reason */
	} t[] = {
		{ 0, true, "on the NIC" },
		{ offsetof(struct repr_port, acl), false, "ACL" },
		{ offsetof(struct repr_port, mac_guard), false, "MAC-spoofing" },
		{ offsetof(struct repr_port, dhcp_guard), false, "DHCP guard" },
		{ offsetof(struct repr_port, router_guard), false, "router guard" },
		{ offsetof(struct repr_port, storm), false, "storm" },
		{ offsetof(struct repr_port, mirror), false, "mirror" },
		{ offsetof(struct repr_port, pvlan), false, "private VLAN" },
		{ offsetof(struct repr_port, ipsec), false, "IPsec" },
		{ offsetof(struct repr_port, qos), false, "QoS" },
		{ offsetof(struct repr_port, extension), false, "extension" },
	};
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct repr_port p = plain(1, 10);

		if (t[i].off != 0)
			*((bool *)((char *)&p + t[i].off)) = true;
		assert_int_equal(repr_offload_ok(&p, &why), t[i].ok);
		assert_non_null(strstr(why, t[i].words));
	}
}

/* What the device and the port's state allow. */
static void
test_capability_table(void **state)
{
	struct repr_port p = plain(1, 10);
	const char *why;

	(void)state;
	p.transfer_ok = false;
	assert_false(repr_offload_ok(&p, &why));
	assert_non_null(strstr(why, "transfer rule"));
	p = plain(1, 10);
	p.admin_up = false;
	assert_false(repr_offload_ok(&p, &why));
	assert_non_null(strstr(why, "down"));
	p = plain(1, 10);
	p.access = false;
	assert_false(repr_offload_ok(&p, &why));
	assert_non_null(strstr(why, "trunk"));
}

/* Rules: each MAC behind an offloadable VF, from every other offloadable VF of its VLAN. */
static void
test_rules(void **state)
{
	struct repr_port ports[] = { plain(1, 10), plain(2, 10), plain(3, 10), plain(4, 20) };
	struct repr_mac macs[] = { { .mac = { 0x52, 0, 0, 0, 0, 1 }, .port = 1 },
				   { .mac = { 0x52, 0, 0, 0, 0, 2 }, .port = 2 },
				   { .mac = { 0x52, 0, 0, 0, 0, 4 }, .port = 4 },
				   { .mac = { 0x52, 0, 0, 0, 0, 9 }, .port = 9 } };
	struct repr_rule out[16];
	uint32_t n, i;

	(void)state;
	ports[2].acl = true;   /* port 3: software path; no rule to or from it */
	n = repr_plan(ports, 4, macs, 4, out);
	assert_int_equal(n, 2);  /* 1 -> MAC of 2, 2 -> MAC of 1; VLAN 20 alone; 9 unknown */
	for (i = 0; i < n; i++) {
		assert_int_not_equal(out[i].src, out[i].dst);
		assert_int_not_equal(out[i].src, 3);
		assert_int_not_equal(out[i].dst, 3);
	}
	assert_int_equal(out[0].src, 2);
	assert_int_equal(out[0].dst, 1);
	assert_int_equal(out[0].mac[5], 1);
	assert_int_equal(out[1].src, 1);
	assert_int_equal(out[1].dst, 2);
	/* The ACL goes away: port 3 joins, with rules both ways. */
	ports[2].acl = false;
	macs[3].port = 3;
	assert_int_equal(repr_plan(ports, 4, macs, 4, out), 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_table),
		cmocka_unit_test(test_capability_table),
		cmocka_unit_test(test_rules),
	};

	return cmocka_run_group_tests_name("repr", tests, NULL, NULL);
}
