/* SPDX-License-Identifier: BSD-3-Clause */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "fdb.h"
#include "snap.h"
#include "ut.h"
#include "vsw_meta.h"

const uint16_t ut_sizes[UT_N_SIZES] = { 1, 3, 4, 5, 32, 33, UT_MAX_BURST };
struct rte_mempool *ut_pool;

void
ut_eal_fini(void)
{
	char dir[PATH_MAX], f[PATH_MAX + 256];
	struct dirent *d;
	DIR *dh;

	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	dh = opendir(dir);
	if (dh == NULL)
		return;
	while ((d = readdir(dh)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(f, sizeof(f), "%s/%s", dir, d->d_name);
		unlink(f);
	}
	closedir(dh);
	rmdir(dir);
}

void
ut_eal_init(const char *name)
{
	char prefix[64];
	char *argv[] = { "ut", "--no-huge", "--no-pci", "-m", "256", "--log-level=error",
		"-l", "0", prefix, NULL };

	snprintf(prefix, sizeof(prefix), "--file-prefix=ut_%s_%d", name, (int)getpid());
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "EAL init failed\n");
		exit(1);
	}
	atexit(ut_eal_fini);
	if (vsw_meta_register() != 0) {
		fprintf(stderr, "mbuf metadata registration failed\n");
		exit(1);
	}
	ut_pool = rte_pktmbuf_pool_create("ut_pool", 8191, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (ut_pool == NULL) {
		fprintf(stderr, "pool creation failed\n");
		exit(1);
	}
}

struct rte_mbuf *
ut_raw(const uint8_t *bytes, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ut_pool);

	assert_non_null(m);
	assert_true(len <= rte_pktmbuf_tailroom(m));
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), bytes, len);
	return m;
}

struct rte_mbuf *
ut_frame(const char *dst, const char *src, bool tagged, uint16_t tci, uint16_t etype,
		uint32_t len)
{
	uint8_t b[RTE_MBUF_DEFAULT_DATAROOM];
	struct rte_ether_addr a;
	uint32_t o = 0, i;

	assert_true(len <= sizeof(b));
	memset(b, 0, sizeof(b));
	assert_int_equal(rte_ether_unformat_addr(dst, &a), 0);
	memcpy(b, a.addr_bytes, 6);
	assert_int_equal(rte_ether_unformat_addr(src, &a), 0);
	memcpy(b + 6, a.addr_bytes, 6);
	o = 12;
	if (tagged) {
		b[o++] = 0x81;
		b[o++] = 0x00;
		b[o++] = tci >> 8;
		b[o++] = tci & 0xff;
	}
	b[o++] = etype >> 8;
	b[o++] = etype & 0xff;
	for (i = o; i < len; i++)
		b[i] = (uint8_t)i;
	return ut_raw(b, RTE_MAX(len, o));
}

void
ut_config(const char *json, struct vsw_config *c)
{
	struct ctrl_err e = { { 0 } };
	json_error_t je;
	json_t *root = json_loads(json, JSON_REJECT_DUPLICATES, &je);

	if (root == NULL)
		fail_msg("bad test JSON: %s", je.text);
	if (cfg_parse(root, c, &e) != 0)
		fail_msg("config refused: %s: %s", e.path, e.msg);
	json_decref(root);
}

struct dp_snap *
ut_snap(const struct vsw_config *c, uint16_t n_workers, uint16_t n_txq, struct pmd_port *ports)
{
	struct ctrl_err e = { { 0 } };
	struct dp_snap *s;
	uint32_t i;

	for (i = 0; i < c->n_ports; i++) {
		char name[32];

		memset(&ports[i], 0, sizeof(ports[i]));
		ports[i].open = true;
		ports[i].idx = (uint16_t)i;
		ports[i].eth_id = (uint16_t)i;
		ports[i].n_rxq = (uint16_t)c->ports[i].queues;
		ports[i].n_txq = n_txq ? n_txq : n_workers;
		ports[i].txq_enabled = (uint32_t)((1ULL << ports[i].n_txq) - 1);
		ports[i].link_up = true;
		if (ports[i].n_txq < n_workers) {
			snprintf(name, sizeof(name), "ut_ho_%u_%p", i, (void *)ports);
			ports[i].handoff = rte_ring_create(name, 1024, 0, RING_F_SC_DEQ);
			assert_non_null(ports[i].handoff);
		}
	}
	s = snap_build(c, ports, n_workers, NULL, 1, &e);
	if (s == NULL)
		fail_msg("snapshot refused: %s: %s", e.path, e.msg);
	return s;
}

struct dp_worker *
ut_worker(void)
{
	static int n;
	struct dp_worker *w = rte_zmalloc("ut_w", sizeof(*w), RTE_CACHE_LINE_SIZE);
	char name[32];

	assert_non_null(w);
	snprintf(name, sizeof(name), "ut_learn_%d", n++);
	w->learn_ring = rte_ring_create_elem(name, sizeof(struct dp_learn_ev), 1024, 0,
			RING_F_SP_ENQ | RING_F_SC_DEQ);
	assert_non_null(w->learn_ring);
	w->tsc_hz = 1000000;
	w->fdb_refresh = 1000000;
	w->learn_repost = 100000;
	w->now = 1;
	w->pool = ut_pool;
	return w;
}

uint64_t
ut_key(uint16_t vid, const char *mac)
{
	struct rte_ether_addr a;

	assert_int_equal(rte_ether_unformat_addr(mac, &a), 0);
	return dp_fdb_key(vid, &a);
}

struct rte_rcu_qsbr *
ut_reader_qsv(void)
{
	struct rte_rcu_qsbr *q = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(1),
			RTE_CACHE_LINE_SIZE);

	assert_non_null(q);
	assert_int_equal(rte_rcu_qsbr_init(q, 1), 0);
	assert_int_equal(rte_rcu_qsbr_thread_register(q, 0), 0);
	rte_rcu_qsbr_thread_online(q, 0);
	return q;
}

void
ut_free(struct rte_mbuf **pkts, uint16_t n)
{
	rte_pktmbuf_free_bulk(pkts, n);
}
