/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "vmq_plan.h"

uint16_t
vmq_hash_queue(const uint8_t *mac, uint16_t n_rxq)
{
	uint32_t h = 2166136261u; /* FNV-1a: stable across runs and builds */
	int i;

	for (i = 0; i < 6; i++)
		h = (h ^ mac[i]) * 16777619u;
	return (uint16_t)(1 + h % (uint32_t)(n_rxq - 1));
}

static int
vm_cmp(const void *a, const void *b)
{
	return memcmp(((const struct vmq_vm *)a)->mac, ((const struct vmq_vm *)b)->mac, 6);
}

enum vmq_mode
vmq_plan(const struct vmq_uplink *u, const struct vmq_vm *vms, uint32_t n,
		struct vmq_rule *out, uint32_t *n_out, const char **why)
{
	static struct vmq_vm sorted[VMQ_MAX_RULES];
	uint32_t used[VMQ_MAX_QUEUES] = { 0 }, i;
	uint16_t nq = u->n_rxq > VMQ_MAX_QUEUES ? VMQ_MAX_QUEUES : u->n_rxq, q;

	*n_out = 0;
	if (!u->enabled) {
		*why = "vmq is off for this port";
		return VMQ_OFF;
	}
	if (nq < 2) {
		*why = "one RX queue: nothing to steer (configure \"queues\" >= 2)";
		return VMQ_RSS;
	}
	if (!u->flow_ok) {
		*why = "the device takes no rte_flow ETH dst -> QUEUE rule: its RSS spreads the frames";
		return VMQ_RSS;
	}
	n = n > VMQ_MAX_RULES ? VMQ_MAX_RULES : n;
	memcpy(sorted, vms, n * sizeof(*vms));
	qsort(sorted, n, sizeof(sorted[0]), vm_cmp);
	for (i = 0; i < n; i++) {
		const struct vmq_vm *vm = &sorted[i];
		struct vmq_rule *r = &out[*n_out];
		uint16_t pick = 0;

		if (i > 0 && memcmp(vm->mac, sorted[i - 1].mac, 6) == 0)
			continue; /* one rule per MAC */
		/* A free queue on the VM's worker, else any free queue. */
		for (q = 1; q < nq && pick == 0; q++)
			if (used[q] == 0 && u->q_worker[q] == vm->worker && vm->worker != 0xff)
				pick = q;
		for (q = 1; q < nq && pick == 0; q++)
			if (used[q] == 0)
				pick = q;
		memset(r, 0, sizeof(*r));
		memcpy(r->mac, vm->mac, 6);
		r->port = vm->port;
		r->shared = pick == 0;
		r->queue = pick != 0 ? pick : vmq_hash_queue(vm->mac, nq);
		used[r->queue]++;
		(*n_out)++;
	}
	*why = n == 0 ? "no VM MAC to steer yet" : "a queue per VM MAC";
	return VMQ_FLOW;
}
