/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The whole datapath graph on arbitrary frames (ut_pipe: every node, the real snapshot
 * builder, learning). Input: one byte choosing the switch (plain access/trunk ports with the
 * flow cache; the same without it; ports with guards, spoofing control, storm limit, private
 * VLANs and mirroring; a VM port and an uplink with IPsec: an AES-GCM tunnel SA each way, the
 * VM's TCP protected both ways), then frames as [ingress port byte][length, 2 bytes][bytes].
 * The ESP input path (vsw_ipsec_in, the engine, vsw_ipsec_check) sees whatever the uplink
 * gets; the seed corpus holds a valid ESP frame of the inbound SA.
 * Checked inside: every frame ends in an output or the drop node (from its trace), no mbuf
 * outlives the input, the counters account for every frame.
 */
#include <rte_graph.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "fuzz_common.h"
#include "ipsec_dp.h"
#include "ut_pipe.h"
#include "vsw_node.h"
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
	/* IPsec: ipsec_setup() gives vm and nic their SAs and SPD. */
	"{\"ports\": ["
	"{\"name\": \"vm\", \"type\": \"dpdk\", \"devargs\": \"net_null0\"},"
	"{\"name\": \"nic\", \"type\": \"dpdk\", \"devargs\": \"net_null1\"}]}",
};
#define IPSEC_CONFIG 3
#define N_CONFIGS (sizeof(configs) / sizeof(configs[0]))

static struct ut_pipe *pipes[N_CONFIGS];
static rte_node_t drop_id;

/* The IPsec pipe's engine, SAs and snapshot part (they live as long as the process). */
static struct esp_crypto ip_cr;
static struct esp_sa ip_esp[2];
static struct dp_ipsec_sa ip_sa[2];
static struct dp_ipsec_life ip_life[2];
static struct dp_ipsec_ctr ip_ctr[2][VSW_MAX_WORKERS];
static struct dp_ipsec_spi ip_spi = { .spi = 0x3000, .uplink = 1, .sa = 0 };
static struct dp_ipsec ip;

/* SA 0 inbound (SPI 0x3000, 192.0.2.1 -> .2), SA 1 outbound (0x3001, .2 -> .1), both
 * AES-GCM-128 tunnels between vm (0) and nic (1); the SPD protects the VM's TCP. */
static void
ipsec_setup(struct ut_pipe *p)
{
	struct esp_sa_spec s = { .spi = 0x3000, .tunnel = true, .family = 4, .tun_family = 4,
		.local = { 192, 0, 2, 2 }, .remote = { 192, 0, 2, 1 }, .alg = ESP_AES_GCM_128,
		.salt = { 0xa1, 0xb2, 0xc3, 0xd4 }, .replay_win = 64 };
	struct spd_entry ent[2];
	struct ctrl_err e;
	unsigned int i;

	for (i = 0; i < 16; i++)
		s.key[i] = (uint8_t)(i + 1);
	FUZZ_CHECK(esp_crypto_init(&ip_cr, 4, SOCKET_ID_ANY, &e) == 0);
	FUZZ_CHECK(esp_sa_create(&ip_cr, &s, &ip_esp[0], "$", &e) == 0);
	s.spi = 0x3001;
	s.outbound = true;
	s.replay_win = 0;
	for (i = 0; i < 16; i++)
		s.key[i] = (uint8_t)(i + 17);
	FUZZ_CHECK(esp_sa_create(&ip_cr, &s, &ip_esp[1], "$", &e) == 0);
	memset(ent, 0, sizeof(ent));
	for (i = 0; i < 2; i++) {
		ent[i].sel.dir = i == 0 ? CFG_ACL_IN : CFG_ACL_OUT;
		ent[i].sel.protocol = 6;
		ent[i].sel.lport[1] = ent[i].sel.rport[1] = 65535;
		ent[i].action = SPD_PROTECT;
		ent[i].sa = (uint16_t)i;
	}
	ip_sa[0] = (struct dp_ipsec_sa){ .esp = &ip_esp[0], .port = 0, .uplink = 1,
		.port_vid = 1, .tunnel = 1 };
	ip_sa[1] = (struct dp_ipsec_sa){ .esp = &ip_esp[1], .port = 0, .uplink = 1,
		.uplink_vid = 1, .outbound = 1, .tunnel = 1 };
	memcpy(ip_sa[0].dst.addr_bytes, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(ip_sa[1].dst.addr_bytes, "\x02\x00\x00\x00\x00\xfe", 6);
	memcpy(ip_sa[0].src.addr_bytes, "\x02\x00\x00\x00\x00\xee", 6);
	ip_sa[1].src = ip_sa[0].src;
	for (i = 0; i < 2; i++) {
		ip_life[i].max_packets = ip_life[i].max_bytes = UINT64_MAX;
		ip_sa[i].life = &ip_life[i];
		ip_sa[i].ctr = ip_ctr[i];
	}
	ip = (struct dp_ipsec){ .n_sa = 2, .sa = ip_sa, .spd = spd_build(ent, 2, &e),
		.n_in_spi = 1, .in_spi = &ip_spi };
	FUZZ_CHECK(ip.spd != NULL);
	p->s->ipsec = &ip;
	p->s->port[0].ipsec_out = p->s->port[0].ipsec_check = 1;
	p->s->port[1].ipsec_in = 1;
	vsw_arc_build(p->s);
}

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
	ipsec_setup(pipes[IPSEC_CONFIG]);
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
