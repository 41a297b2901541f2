/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the dynamic VMQ decision (vmq_plan.h) against capability tables: devices
 * with and without rte_flow ETH -> QUEUE, one or many queues, VMs on the workers polling the
 * queues or not, more VMs than queues.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "vmq_plan.h"

static struct vmq_vm
vm(uint8_t last, uint16_t port, uint8_t worker)
{
	struct vmq_vm v = { .mac = { 0x52, 0x54, 0, 0, 0, last }, .port = port,
		.worker = worker };

	return v;
}

/* A 4-queue uplink: queues 0, 2 on worker 0; 1, 3 on worker 1. */
static struct vmq_uplink
uplink4(bool flow_ok)
{
	struct vmq_uplink u = { .enabled = true, .flow_ok = flow_ok, .n_rxq = 4,
		.q_worker = { 0, 1, 0, 1 } };

	return u;
}

/* The capability table: what each kind of device gets. */
static void
test_capabilities(void **state)
{
	static const struct {
		bool enabled, flow_ok;
		uint16_t n_rxq;
		enum vmq_mode mode;
		const char *words;
	} t[] = {
		{ false, true, 4, VMQ_OFF, "off" },
		{ true, false, 4, VMQ_RSS, "RSS" },    /* virtio, vhost, pcap, tap here */
		{ true, true, 1, VMQ_RSS, "one RX queue" },
		{ true, false, 1, VMQ_RSS, "one RX queue" },
		{ true, true, 2, VMQ_FLOW, "per VM" },
		{ true, true, 16, VMQ_FLOW, "per VM" },
	};
	struct vmq_vm vms[1] = { vm(1, 5, 0) };
	struct vmq_rule out[4];
	const char *why;
	uint32_t n, i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct vmq_uplink u = { .enabled = t[i].enabled, .flow_ok = t[i].flow_ok,
			.n_rxq = t[i].n_rxq };

		assert_int_equal(vmq_plan(&u, vms, 1, out, &n, &why), t[i].mode);
		assert_non_null(strstr(why, t[i].words));
		assert_int_equal(n, t[i].mode == VMQ_FLOW ? 1 : 0);
	}
}

/* Each VM gets a queue of its own, polled by its worker; queue 0 stays the default. */
static void
test_queue_per_vm_on_its_worker(void **state)
{
	struct vmq_uplink u = uplink4(true);
	struct vmq_vm vms[] = { vm(1, 5, 1), vm(2, 6, 0), vm(3, 7, 1) };
	struct vmq_rule out[8];
	const char *why;
	uint32_t n, i;

	(void)state;
	assert_int_equal(vmq_plan(&u, vms, 3, out, &n, &why), VMQ_FLOW);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		assert_int_not_equal(out[i].queue, 0);
		assert_false(out[i].shared);
	}
	/* MAC order: ..:01 (worker 1) -> queue 1; ..:02 (worker 0) -> queue 2; ..:03 (worker
	 * 1): its worker's queues are taken, the last free one, 3, is worker 1's anyway. */
	assert_int_equal(out[0].mac[5], 1);
	assert_int_equal(out[0].queue, 1);
	assert_int_equal(out[0].port, 5);
	assert_int_equal(out[1].queue, 2);
	assert_int_equal(out[2].queue, 3);
}

/* A VM whose worker polls no uplink queue still gets a free one. */
static void
test_vm_on_other_worker(void **state)
{
	struct vmq_uplink u = uplink4(true);
	struct vmq_vm vms[] = { vm(9, 5, 7), vm(8, 6, 0xff) };
	struct vmq_rule out[4];
	const char *why;
	uint32_t n;

	(void)state;
	assert_int_equal(vmq_plan(&u, vms, 2, out, &n, &why), VMQ_FLOW);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].queue, 1); /* ..:08 first */
	assert_int_equal(out[1].queue, 2);
}

/* More VMs than queues: the rest share by MAC hash, never queue 0, stable. */
static void
test_more_vms_than_queues(void **state)
{
	struct vmq_uplink u = uplink4(true);
	struct vmq_vm vms[10];
	struct vmq_rule out[10], again[10];
	const char *why;
	uint32_t n, n2, i, shared = 0;

	(void)state;
	for (i = 0; i < 10; i++)
		vms[i] = vm((uint8_t)(10 - i), (uint16_t)i, (uint8_t)(i % 2));
	assert_int_equal(vmq_plan(&u, vms, 10, out, &n, &why), VMQ_FLOW);
	assert_int_equal(n, 10);
	for (i = 0; i < n; i++) {
		assert_in_range(out[i].queue, 1, 3);
		shared += out[i].shared;
		if (out[i].shared)
			assert_int_equal(out[i].queue, vmq_hash_queue(out[i].mac, 4));
	}
	assert_int_equal(shared, 7);
	/* The same input, in another order: the same plan. */
	for (i = 0; i < 5; i++) {
		struct vmq_vm t = vms[i];

		vms[i] = vms[9 - i];
		vms[9 - i] = t;
	}
	vmq_plan(&u, vms, 10, again, &n2, &why);
	assert_int_equal(n2, n);
	assert_memory_equal(out, again, n * sizeof(out[0]));
}

/* One rule per MAC, even when two ports claim it (a VM in the middle of a migration). */
static void
test_duplicate_mac(void **state)
{
	struct vmq_uplink u = uplink4(true);
	struct vmq_vm vms[] = { vm(1, 5, 0), vm(1, 6, 1) };
	struct vmq_rule out[4];
	const char *why;
	uint32_t n;

	(void)state;
	vmq_plan(&u, vms, 2, out, &n, &why);
	assert_int_equal(n, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capabilities),
		cmocka_unit_test(test_queue_per_vm_on_its_worker),
		cmocka_unit_test(test_vm_on_other_worker),
		cmocka_unit_test(test_more_vms_than_queues),
		cmocka_unit_test(test_duplicate_mac),
	};

	return cmocka_run_group_tests_name("vmq", tests, NULL, NULL);
}
