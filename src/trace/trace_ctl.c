/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_graph.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "ctrl.h"
#include "trace_ctl.h"
#include "vsw_graph.h"
#include "vsw_inject.h"
#include "vsw_meta.h"
#include "vsw_node.h"
#include "vsw_walk.h"

/* Creates the trace ring of worker context @p w named after @p id. */
static int
ring_make(struct dp_worker *w, const char *id)
{
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "vsw_trace_%s", id);
	w->trace_ring = rte_ring_create_elem(name, sizeof(struct vsw_trace_rec), VSW_TRACE_RING,
			SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	return w->trace_ring == NULL ? -rte_errno : 0;
}

/* The dry-run worker: reads what worker 0 reads, writes only its own state. */
static int
sim_make(struct vsw_ctrl *c, struct trace_state *t)
{
	const struct dp_worker *w0 = &c->workers[0]->dp;
	struct dp_worker *w;
	int rc;

	w = rte_zmalloc("vsw_sim_worker", sizeof(*w), RTE_CACHE_LINE_SIZE);
	t->inj = rte_zmalloc("vsw_sim_inject", sizeof(*t->inj), 0);
	if (w == NULL || t->inj == NULL) {
		rte_free(w);
		return -ENOMEM;
	}
	t->sim = w;
	w->id = c->n_workers;
	w->dry = 1;
	w->tsc_hz = w0->tsc_hz;
	w->fdb_refresh = w0->fdb_refresh;
	w->learn_repost = w0->learn_repost;
	w->fdb = c->fdb;
	w->pool = c->pool;
	w->trace_ctl = t->ctl;
	w->conn = dp_conn_local_create("vsw_conn_sim", c->conn, SOCKET_ID_ANY);
	if (w->conn == NULL)
		return -rte_errno;
	rc = ring_make(w, "sim");
	if (rc != 0)
		return rc;
	if (vsw_graph_create(w, SOCKET_ID_ANY) == NULL)
		return -rte_errno;
	return 0;
}

int
trace_init(struct vsw_ctrl *c)
{
	struct trace_state *t = &c->trace;
	char id[16];
	uint16_t i;
	int rc;

	t->ctl = rte_zmalloc("vsw_trace_ctl", sizeof(*t->ctl), RTE_CACHE_LINE_SIZE);
	t->rec = rte_zmalloc("vsw_trace_store", sizeof(t->rec[0]) * TRACE_STORE_MAX, 0);
	if (t->ctl == NULL || t->rec == NULL)
		return -ENOMEM;
	for (i = 0; i < c->n_workers; i++) {
		snprintf(id, sizeof(id), "%u", i);
		c->workers[i]->dp.trace_ctl = t->ctl;
		rc = ring_make(&c->workers[i]->dp, id);
		if (rc != 0)
			return rc;
	}
	return sim_make(c, t);
}

void
trace_fini(struct vsw_ctrl *c)
{
	struct trace_state *t = &c->trace;
	uint16_t i;

	for (i = 0; i < c->n_workers; i++) {
		if (c->workers[i] == NULL)
			continue;
		rte_ring_free(c->workers[i]->dp.trace_ring);
		c->workers[i]->dp.trace_ring = NULL;
	}
	if (t->sim != NULL) {
		vsw_graph_destroy(t->sim);
		rte_ring_free(t->sim->trace_ring);
		dp_conn_local_free(t->sim->conn);
		rte_free(t->sim);
	}
	rte_free(t->ctl);
	rte_free(t->rec);
	rte_free(t->inj);
	memset(t, 0, sizeof(*t));
}

/* Moves what @p ring holds into the store; records of other traces are dropped. */
static void
drain(struct trace_state *t, struct rte_ring *ring)
{
	struct vsw_trace_rec r[32];
	unsigned int n, i;

	while ((n = rte_ring_dequeue_burst_elem(ring, r, sizeof(r[0]), RTE_DIM(r), NULL)) > 0)
		for (i = 0; i < n; i++)
			if (r[i].id > t->first_id && t->n < TRACE_STORE_MAX)
				t->rec[t->n++] = r[i];
}

void
trace_poll(struct vsw_ctrl *c)
{
	struct trace_state *t = &c->trace;
	uint16_t i;

	if (t->ctl == NULL)
		return;
	for (i = 0; i < c->n_workers; i++)
		drain(t, c->workers[i]->dp.trace_ring);
	/* A worker that took the last frame of a budget clears the hint; a trace.start
	 * between its two steps would stay unseen: set it again. */
	if (__atomic_load_n(&t->ctl->budget[t->port], __ATOMIC_RELAXED) != 0)
		__atomic_store_n(&t->ctl->active, 1, __ATOMIC_RELAXED);
}

int
trace_start(struct vsw_ctrl *c, uint16_t slot, uint32_t count)
{
	struct trace_state *t = &c->trace;

	if (slot >= VSW_MAX_PORTS || count == 0 || count > TRACE_COUNT_MAX)
		return -EINVAL;
	trace_stop(c);
	trace_poll(c);
	t->n = 0;
	t->port = slot;
	t->asked = count;
	t->first_id = __atomic_load_n(&t->ctl->next_id, __ATOMIC_RELAXED);
	__atomic_store_n(&t->ctl->budget[slot], count, __ATOMIC_RELAXED);
	__atomic_store_n(&t->ctl->active, 1, __ATOMIC_RELEASE);
	return 0;
}

void
trace_stop(struct vsw_ctrl *c)
{
	struct trace_state *t = &c->trace;
	uint16_t i;

	__atomic_store_n(&t->ctl->active, 0, __ATOMIC_RELAXED);
	for (i = 0; i < VSW_MAX_PORTS; i++)
		__atomic_store_n(&t->ctl->budget[i], 0, __ATOMIC_RELAXED);
}

/* "aa:bb:cc:dd:ee:ff" of the 6 bytes at @p a into @p buf. */
static const char *
mac_str(const uint8_t *a, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
	return buf;
}

/* Adds what the first bytes of the frame say to hop @p o. */
static void
hdr_json(json_t *o, const struct vsw_trace_rec *r)
{
	const uint8_t *h = r->hdr;
	uint16_t et, off = RTE_ETHER_HDR_LEN;
	char buf[48];

	if (r->n_hdr < RTE_ETHER_HDR_LEN)
		return;
	json_object_set_new(o, "dst", json_string(mac_str(h, buf, sizeof(buf))));
	json_object_set_new(o, "src", json_string(mac_str(h + 6, buf, sizeof(buf))));
	et = (uint16_t)(h[12] << 8 | h[13]);
	if (et == RTE_ETHER_TYPE_VLAN && r->n_hdr >= off + RTE_VLAN_HLEN) {
		json_object_set_new(o, "vlan", json_integer((h[14] << 8 | h[15]) & 0xfff));
		json_object_set_new(o, "pcp", json_integer(h[14] >> 5));
		et = (uint16_t)(h[16] << 8 | h[17]);
		off += RTE_VLAN_HLEN;
	}
	snprintf(buf, sizeof(buf), "0x%04x", et);
	json_object_set_new(o, "ethertype", json_string(buf));
	if (et == RTE_ETHER_TYPE_IPV4 && r->n_hdr >= off + 20) {
		snprintf(buf, sizeof(buf), "%u.%u.%u.%u", h[off + 12], h[off + 13], h[off + 14],
				h[off + 15]);
		json_object_set_new(o, "ip_src", json_string(buf));
		snprintf(buf, sizeof(buf), "%u.%u.%u.%u", h[off + 16], h[off + 17], h[off + 18],
				h[off + 19]);
		json_object_set_new(o, "ip_dst", json_string(buf));
	}
}

/* The port name of output node "vswtx-<i>" @p name, or NULL when it is not one. */
static const char *
tx_port(const struct vsw_ctrl *c, const char *name)
{
	uint16_t i;

	if (!vsw_tx_node_port(name, &i))
		return NULL;
	return cfg_port_used(&c->cfg.ports[i]) ? c->cfg.ports[i].name : "(no port)";
}

/* One hop as JSON, or NULL for one not worth showing (the drop node freeing). */
static json_t *
hop_json(const struct vsw_ctrl *c, const struct vsw_trace_rec *r, bool dry)
{
	const char *node = rte_node_id_to_name(r->node), *next = NULL, *port;
	char dec[96];
	json_t *o;

	if (r->next != VSW_TRACE_GONE)
		next = rte_node_id_to_name(r->next);
	if (r->next == VSW_TRACE_GONE && node != NULL && strcmp(node, "vsw_drop") == 0)
		return NULL;
	if (next != NULL && strcmp(next, "vsw_drop") == 0)
		snprintf(dec, sizeof(dec), "drop: %s", dp_drop_name((enum dp_drop)r->drop));
	else if ((port = tx_port(c, next)) != NULL)
		snprintf(dec, sizeof(dec), "output %s", port);
	else if (next != NULL)
		snprintf(dec, sizeof(dec), "to %s", next);
	else if ((port = tx_port(c, node)) != NULL)
		snprintf(dec, sizeof(dec), dry ? "not sent (simulation)" : "sent on %s", port);
	else
		snprintf(dec, sizeof(dec), "kept by the node");
	o = json_pack("{s:s, s:s?, s:s, s:i, s:i}", "node", node != NULL ? node : "?",
			"next", next, "decision", dec, "len", r->len, "worker", r->worker);
	if (o != NULL)
		hdr_json(o, r);
	return o;
}

/* The packets of the @p n records @p rec (in order of packet id, hops in order). */
static json_t *
packets_json(const struct vsw_ctrl *c, const struct vsw_trace_rec *rec, uint32_t n,
		uint16_t port, bool dry)
{
	json_t *pkts = json_array(), *p = NULL, *hops = NULL, *h;
	uint32_t i, j, lo = UINT32_MAX, hi = 0, id;

	for (i = 0; i < n; i++) {
		lo = RTE_MIN(lo, rec[i].id);
		hi = RTE_MAX(hi, rec[i].id);
	}
	/* Ids are few and dense (one trace): one pass per id keeps each packet's order. */
	for (id = lo; n > 0 && id <= hi && pkts != NULL; id++) {
		p = NULL;
		for (j = 0; j < n; j++) {
			if (rec[j].id != id)
				continue;
			if (p == NULL) {
				hops = json_array();
				p = json_pack("{s:i, s:s, s:o}", "id", (json_int_t)id,
						"port", c->cfg.ports[port].name, "hops", hops);
				json_array_append_new(pkts, p);
			}
			h = hop_json(c, &rec[j], dry);
			if (h != NULL)
				json_array_append_new(hops, h);
		}
	}
	return pkts;
}

json_t *
trace_show_json(struct vsw_ctrl *c)
{
	struct trace_state *t = &c->trace;
	uint32_t left = __atomic_load_n(&t->ctl->budget[t->port], __ATOMIC_RELAXED);
	json_t *pkts;

	trace_poll(c);
	pkts = packets_json(c, t->rec, t->n, t->port, false);
	return json_pack("{s:s, s:i, s:i, s:i, s:o}", "port",
			t->asked > 0 ? c->cfg.ports[t->port].name : "", "asked", t->asked,
			"traced", (json_int_t)(t->asked - left), "records", t->n, "packets", pkts);
}

json_t *
trace_simulate(struct vsw_ctrl *c, uint16_t slot, const uint8_t *frame, uint32_t len, int *rc)
{
	struct trace_state *t = &c->trace;
	struct dp_worker *w = t->sim;
	struct vsw_trace_rec rec[256], rest;
	struct rte_mbuf *m;
	unsigned int n;
	char *d;

	if (len == 0 || len > UINT16_MAX) {
		*rc = -EINVAL;
		return NULL;
	}
	m = rte_pktmbuf_alloc(c->pool);
	if (m == NULL) {
		*rc = -ENOMEM;
		return NULL;
	}
	d = rte_pktmbuf_append(m, (uint16_t)len);
	if (d == NULL) {
		rte_pktmbuf_free(m);
		*rc = -EINVAL;
		return NULL;
	}
	memcpy(d, frame, len);
	w->snap = c->sh.snap;
	w->now = rte_rdtsc();
	t->inj->pkt[0] = m;
	t->inj->port[0] = slot;
	t->inj->n = 1;
	t->inj->trace = 1;
	t->inj->trace_id = __atomic_add_fetch(&t->ctl->next_id, 1, __ATOMIC_RELAXED);
	w->inject = t->inj;
	vsw_graph_walk(w);
	w->inject = NULL;
	w->snap = NULL;
	n = rte_ring_dequeue_burst_elem(w->trace_ring, rec, sizeof(rec[0]), RTE_DIM(rec), NULL);
	/* A frame flooded to more ports than rec[] holds loses the rest: none may stay. */
	while (rte_ring_dequeue_elem(w->trace_ring, &rest, sizeof(rest)) == 0)
		;
	*rc = 0;
	return json_pack("{s:o}", "packets", packets_json(c, rec, n, slot, true));
}
