/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The whole datapath graph on arbitrary frames (ut_pipe: every node, the real snapshot
 * builder, learning). Input: one byte choosing the switch (plain access/trunk ports with the
 * flow cache; the same without it; ports with guards, spoofing control, storm limit, private
 * VLANs and mirroring), then frames as [ingress port byte][length, 2 bytes][bytes].
 * Checked inside: every frame ends in an output or the drop node (from its trace), no mbuf
 * outlives the input, the counters account for every frame.
 */
#include <rte_graph.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "fuzz_common.h"
#include "ut_pipe.h"
#include "vsw_meta.h"

#define FUZZ_FRAMES 64
#define FUZZ_FRAME_MAX 2048

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const configs[] = {
	"{\"ports\": ["
	"{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"net_null0\", \"vlan\": {\"mode\": \"access\", \"vlan\": 10}},"
	"{\"name\": \"b\", \"type\": \"dpdk\", \"devargs\": \"net_null1\", \"vlan\": {\"mode\": \"access\", \"vlan\": 10}},"
	"{\"name\": \"t\", \"type\": \"dpdk\", \"devargs\": \"net_null2\", \"vlan\": {\"mode\": \"trunk\", \"allowed\": [10, 20], \"native\": 20}},"
	"{\"name\": \"c\", \"type\": \"dpdk\", \"devargs\": \"net_null3\", \"vlan\": {\"mode\": \"access\", \"vlan\": 20}, \"mtu\": 9000}]}",
	"{\"switch\": {\"flow_cache\": false}, \"ports\": ["
	"{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"net_null0\", \"vlan\": {\"mode\": \"access\", \"vlan\": 10}},"
	"{\"name\": \"t\", \"type\": \"dpdk\", \"devargs\": \"net_null1\", \"vlan\": {\"mode\": \"trunk\", \"allowed\": [10, 20]}},"
	"{\"name\": \"c\", \"type\": \"dpdk\", \"devargs\": \"net_null2\", \"vlan\": {\"mode\": \"access\", \"vlan\": 20}}]}",
	"{\"ports\": ["
	"{\"name\": \"a\", \"type\": \"dpdk\", \"devargs\": \"net_null0\", \"mirror\": \"source\","
	" \"security\": {\"macs\": [\"02:00:00:00:00:01\"], \"mac_spoofing\": false, \"dhcp_guard\": true,"
	" \"router_guard\": true, \"storm_limit\": 1000}, \"pvlan\": {\"mode\": \"isolated\", \"secondary\": 201}},"
	"{\"name\": \"b\", \"type\": \"dpdk\", \"devargs\": \"net_null1\", \"pvlan\": {\"mode\": \"isolated\", \"secondary\": 201}},"
	"{\"name\": \"p\", \"type\": \"dpdk\", \"devargs\": \"net_null2\", \"pvlan\": {\"mode\": \"promiscuous\"}},"
	"{\"name\": \"m\", \"type\": \"dpdk\", \"devargs\": \"net_null3\", \"mirror\": \"destination\"}]}",
};
#define N_CONFIGS (sizeof(configs) / sizeof(configs[0]))

static struct ut_pipe *pipes[N_CONFIGS];
static rte_node_t drop_id;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned int i;

	fuzz_eal_init("pipeline", "0");
	if (vsw_meta_register() != 0)
		exit(1);
	ut_pool = rte_pktmbuf_pool_create("fuzz_pool", 16383, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
			SOCKET_ID_ANY);
	if (ut_pool == NULL)
		exit(1);
	for (i = 0; i < N_CONFIGS; i++)
		pipes[i] = ut_pipe_new(configs[i]);
	drop_id = rte_node_from_name("vsw_drop");
	return 0;
}

/* True when node @p id is a port output ("vswtx-<p>"). */
static bool
is_output(uint16_t id)
{
	const char *n = rte_node_id_to_name(id);

	return n != NULL && strncmp(n, "vswtx-", 6) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *pkts[FUZZ_FRAMES];
	uint16_t port[FUZZ_FRAMES], n = 0, i;
	bool ended[FUZZ_FRAMES + 1] = { false };
	struct vsw_trace_rec r;
	unsigned int in_use, before_rx = 0, after_rx = 0, k;
	struct ut_pipe *p;
	size_t off = 1;

	if (size < 1)
		return 0;
	p = pipes[data[0] % N_CONFIGS];
	in_use = rte_mempool_in_use_count(ut_pool);
	while (n < FUZZ_FRAMES && off + 3 <= size) {
		uint16_t len = (uint16_t)((data[off + 1] << 8 | data[off + 2]) % FUZZ_FRAME_MAX);
		char *d;

		port[n] = (uint16_t)(data[off] % p->cfg.n_ports);
		off += 3;
		len = (uint16_t)RTE_MIN((size_t)len, size - off);
		pkts[n] = rte_pktmbuf_alloc(ut_pool);
		FUZZ_CHECK(pkts[n] != NULL);
		d = rte_pktmbuf_append(pkts[n], len);
		FUZZ_CHECK(len == 0 || d != NULL);
		if (len > 0)
			memcpy(d, data + off, len);
		off += len;
		n++;
	}
	for (k = 0; k < p->cfg.n_ports; k++)
		before_rx += (unsigned int)p->w->port[k].rx_pkts;
	/* One frame a run keeps the trace ids simple: frame i has id 1 after its run. */
	for (i = 0; i < n; i++) {
		memset(ended, 0, sizeof(ended));
		ut_pipe_run(p, port[i], &pkts[i], 1, true);
		while (rte_ring_dequeue_elem(p->w->trace_ring, &r, sizeof(r)) == 0) {
			FUZZ_CHECK(r.id == 1);
			if (r.next == drop_id || (r.next != VSW_TRACE_GONE && is_output(r.next)))
				ended[r.id] = true;
		}
		/* Every frame reached an output or the drop node: none vanished. */
		FUZZ_CHECK(ended[1]);
		ut_pipe_clear(p);
	}
	for (k = 0; k < p->cfg.n_ports; k++)
		after_rx += (unsigned int)p->w->port[k].rx_pkts;
	FUZZ_CHECK(after_rx - before_rx == n);
	FUZZ_CHECK(p->cap.lost == 0);
	/* No mbuf outlives its input (flood copies, mirror copies, drops). */
	FUZZ_CHECK(rte_mempool_in_use_count(ut_pool) == in_use);
	return 0;
}
