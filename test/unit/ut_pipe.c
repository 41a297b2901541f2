/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>

#include <rte_malloc.h>
#include <rte_ring.h>

#include "acl_build.h"
#include "fdb.h"
#include "snap.h"
#include "ut_pipe.h"
#include "vsw_graph.h"
#include "vsw_walk.h"

struct ut_pipe *
ut_pipe_new(const char *json)
{
	static uint16_t next_id;
	static bool graph_ready;
	struct ut_pipe *p = rte_zmalloc("ut_pipe", sizeof(*p), RTE_CACHE_LINE_SIZE);
	char name[32];
	int rc;

	assert_non_null(p);
	if (!graph_ready) {
		rc = vsw_graph_init();
		assert_int_equal(rc, 0);
		graph_ready = true;
	}
	ut_config(json, &p->cfg);
	p->s = ut_snap(&p->cfg, 1, 0, p->ports);
	if (p->cfg.n_acl > 0) {
		/* The rules' classifiers, as the control thread builds them for a snapshot. */
		struct ctrl_err e = { { 0 } };

		p->s->acl = acl_build(&p->cfg, NULL, 1, &e);
		if (p->s->acl == NULL)
			fail_msg("ACL refused: %s: %s", e.path, e.msg);
	}
	p->qsv = ut_reader_qsv();
	snprintf(name, sizeof(name), "ut_pfdb_%u", next_id);
	p->fdb = dp_fdb_create(name, 4096, 256, UINT64_MAX / 4, p->qsv, SOCKET_ID_ANY);
	assert_non_null(p->fdb);
	p->w = ut_worker();
	/* Worker 0 of the snapshot: the id indexes its queues and ACL counters. */
	p->w->id = 0;
	p->w->fdb = p->fdb;
	p->w->trace_ctl = &p->tctl;
	snprintf(name, sizeof(name), "ut_trace_%u", next_id++);
	p->w->trace_ring = rte_ring_create_elem(name, sizeof(struct vsw_trace_rec),
			VSW_TRACE_RING, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	assert_non_null(p->w->trace_ring);
	p->cap.ent = p->ent;
	p->cap.max = UT_PIPE_CAP;
	p->w->capture = &p->cap;
	p->w->inject = &p->inj;
	assert_non_null(vsw_graph_create(p->w, SOCKET_ID_ANY));
	return p;
}

uint32_t
ut_pipe_run(struct ut_pipe *p, uint16_t in, struct rte_mbuf **pkts, uint16_t n, bool trace)
{
	uint32_t before = p->cap.n;
	uint16_t i, k;

	for (i = 0; i < n; i += k) {
		k = RTE_MIN((uint16_t)(n - i), (uint16_t)VSW_INJECT_MAX);
		memcpy(p->inj.pkt, pkts + i, k * sizeof(pkts[0]));
		for (uint16_t j = 0; j < k; j++)
			p->inj.port[j] = in;
		p->inj.n = k;
		p->inj.trace = trace;
		p->inj.trace_id = (uint32_t)i + 1;
		while (p->inj.n > 0) {
			p->w->snap = p->s;
			p->w->now += 1000;
			vsw_graph_walk(p->w);
		}
	}
	dp_fdb_drain(p->fdb, p->w->learn_ring, p->w->now);
	rte_rcu_qsbr_quiescent(p->qsv, 0);
	return p->cap.n - before;
}

void
ut_pipe_clear(struct ut_pipe *p)
{
	uint32_t i;

	for (i = 0; i < p->cap.n; i++)
		rte_pktmbuf_free(p->cap.ent[i].m);
	p->cap.n = 0;
}

uint64_t
ut_pipe_drops(const struct ut_pipe *p)
{
	uint64_t n = 0;
	int r;

	for (r = 0; r < DP_DROP_MAX; r++)
		n += p->w->drops[r];
	return n;
}

void
ut_pipe_free(struct ut_pipe *p)
{
	ut_pipe_clear(p);
	vsw_graph_destroy(p->w);
	rte_ring_free(p->w->trace_ring);
	rte_ring_free(p->w->learn_ring);
	rte_free(p->w);
	dp_fdb_free(p->fdb);
	acl_set_free((struct dp_acl_set *)(uintptr_t)p->s->acl);
	snap_free(p->s);
	for (uint32_t i = 0; i < p->cfg.n_ports; i++)
		rte_ring_free(p->ports[i].handoff);
	cfg_free(&p->cfg);
	rte_free(p->qsv);
	rte_free(p);
}
