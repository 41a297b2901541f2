/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The scheduler's dequeue (qos_sched.h). Three deficit round robins (ETS classes, the flows of
 * a class, the pipes of the default flow) over bitmaps of what is backlogged and not throttled;
 * GCRA rates for the port and the pipes. A member of a round robin is given its quantum when
 * the round robin reaches it; it sends while its deficit covers its next frame; an emptied
 * member's deficit is cleared (Shreedhar and Varghese's DRR).
 * Cost: measured by scripts/bench case qos-64 (doc/qos.md).
 */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "qos_sched.h"

/* Words of a flow-level bitmap: the pipes and QOS_DEFAULT. */
#define FLOW_WORDS ((QOS_PIPES + 1 + 63) / 64)
/* No member chosen yet. */
#define NONE UINT16_MAX
/* Visits a round robin may make for one frame before the run gives up (it resumes at the
 * next run with the deficits it gave): bounds a run when quanta are far below frame sizes. */
#define VISITS_MAX 256
/* Most deficit a member keeps beyond its quantum (above the largest frame): a member that
 * left because it was throttled, not because its deficit ran out, is given its quantum again
 * at its next visit; without a cap its deficit would grow without bound. */
#define DEFICIT_CAP 16384

/* Gives a member its quantum @p q on a visit: its deficit @p d, capped. */
static inline void
give(int32_t *d, uint32_t q)
{
	int64_t x = (int64_t)*d + q;

	*d = (int32_t)RTE_MIN(x, (int64_t)q + DEFICIT_CAP);
}

struct qos_rate
qos_rate_of(uint64_t bps, uint32_t burst, uint64_t hz)
{
	struct qos_rate r = { 0, 0 };
	uint64_t Bps = bps / 8;

	if (bps == 0 || Bps == 0)
		return r;
	/* ticks/byte = hz / Bps, in 2^-20 units; at least 1 (a rate above the TSC's). */
	r.tpb = (uint64_t)(((unsigned __int128)hz << QOS_TPB_SHIFT) / Bps);
	if (r.tpb == 0)
		r.tpb = 1;
	r.tol = (uint64_t)(((unsigned __int128)burst * r.tpb) >> QOS_TPB_SHIFT);
	return r;
}

void
qos_quanta(const uint64_t *w, uint32_t n, uint32_t *q)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		lo = RTE_MIN(lo, w[i]);
		hi = RTE_MAX(hi, w[i]);
	}
	if (n == 0 || lo == 0)
		lo = 1;
	for (i = 0; i < n; i++) {
		unsigned __int128 x;

		if ((unsigned __int128)QOS_QUANTUM_MIN * hi / lo <= QOS_QUANTUM_MAX)
			x = (unsigned __int128)QOS_QUANTUM_MIN * w[i] / lo;
		else
			x = (unsigned __int128)QOS_QUANTUM_MAX * w[i] / hi;
		q[i] = x == 0 ? 1 : (uint32_t)x;
	}
}

struct qos_sched *
qos_sched_create(uint16_t port, uint32_t qsize, uint32_t ring_size, int socket)
{
	struct qos_sched *s;
	char name[RTE_RING_NAMESIZE];
	uint32_t c, p;

	if (qsize == 0 || qsize > QOS_QSIZE_MAX || port >= VSW_MAX_PORTS) {
		rte_errno = EINVAL;
		return NULL;
	}
	qsize = rte_align32pow2(qsize);
	s = rte_zmalloc_socket("vsw_qos", sizeof(*s), RTE_CACHE_LINE_SIZE, socket);
	if (s == NULL)
		goto fail;
	s->slot = rte_zmalloc_socket("vsw_qos_slots", sizeof(s->slot[0]) * qsize *
			QOS_MAX_CLASSES * QOS_PIPES, RTE_CACHE_LINE_SIZE, socket);
	if (s->slot == NULL)
		goto free_s;
	/* One ring per port slot at a time: the old scheduler is destroyed (after a grace
	 * period) before a new one of the slot is made, but names must not collide meanwhile. */
	snprintf(name, sizeof(name), "vsw_qos_%u_%p", port, (void *)s);
	s->ring = rte_ring_create(name, rte_align32pow2(ring_size), socket, RING_F_SC_DEQ);
	if (s->ring == NULL)
		goto free_slot;
	s->port = port;
	s->qsize = (uint16_t)qsize;
	s->cls_cur = NONE & 0xff;
	for (c = 0; c < QOS_MAX_CLASSES; c++) {
		s->flow_cur[c] = NONE;
		s->def_cur[c] = NONE;
		for (p = 0; p < QOS_PIPES; p++)
			s->q[c][p].deficit = 0;
	}
	return s;

free_slot:
	rte_free(s->slot);
free_s:
	rte_free(s);
fail:
	rte_errno = ENOMEM;
	return NULL;
}

/* The oldest frame of queue (@p c, @p p). */
static inline struct rte_mbuf *
q_head(const struct qos_sched *s, uint8_t c, uint16_t p)
{
	return s->slot[((uint32_t)c * QOS_PIPES + p) * s->qsize + s->q[c][p].head];
}

uint32_t
qos_sched_flush(struct qos_sched *s, bool destroy)
{
	struct rte_mbuf *m;
	uint32_t n = 0, c, p;

	if (s == NULL)
		return 0;
	for (c = 0; c < QOS_MAX_CLASSES; c++)
		for (p = 0; p < QOS_PIPES; p++) {
			struct qos_q *q = &s->q[c][p];

			while (q->n > 0) {
				rte_pktmbuf_free(q_head(s, c, p));
				q->head = (q->head + 1) & (s->qsize - 1);
				q->n--;
				n++;
			}
			q->deficit = 0;
		}
	memset(s->active, 0, sizeof(s->active));
	s->backlog = 0;
	rte_pktmbuf_free_bulk(s->pend, s->n_pend);
	n += s->n_pend;
	s->n_pend = 0;
	while (rte_ring_sc_dequeue(s->ring, (void **)&m) == 0) {
		rte_pktmbuf_free(m);
		n++;
	}
	if (destroy) {
		rte_ring_free(s->ring);
		rte_free(s->slot);
		rte_free(s);
	}
	return n;
}

/* True when bit @p i of @p bm is set. */
static inline bool
bm_test(const uint64_t *bm, uint32_t i)
{
	return (bm[i >> 6] >> (i & 63)) & 1;
}

/*
 * The first set bit of the @p words words of @p bm after @p from (the bit after from,
 * wrapping round; from NONE: the first), or NONE when none is set.
 */
static inline uint16_t
bm_next(const uint64_t *bm, uint32_t words, uint16_t from)
{
	uint32_t start = from == NONE ? 0 : from + 1u, k, i;

	if (start >= words * 64)
		start = 0;
	i = start >> 6;
	/* The first word from the start bit, then the others, then the start word's low bits. */
	for (k = 0; k <= words; k++) {
		uint64_t v = bm[i];

		if (k == 0)
			v &= ~UINT64_C(0) << (start & 63);
		else if (k == words)
			v &= (start & 63) == 0 ? 0 : ~(~UINT64_C(0) << (start & 63));
		if (v != 0)
			return (uint16_t)(i * 64 + (uint32_t)__builtin_ctzll(v));
		i = i + 1 == words ? 0 : i + 1;
	}
	return NONE;
}

/* Pipes of class @p c with frames and tokens into @p e; true when any. */
static inline bool
class_pipes(const struct qos_sched *s, uint8_t c, uint64_t *e)
{
	uint64_t any = 0;
	uint32_t i;

	for (i = 0; i < QOS_WORDS; i++) {
		e[i] = s->active[c][i] & ~s->throttled[i];
		any |= e[i];
	}
	return any != 0;
}

/*
 * The default flow's pipe in class @p c whose head goes next (its deficit covers the head),
 * from eligible pipes @p de (of the default flow); NONE after VISITS_MAX visits.
 */
static uint16_t
def_pick(struct qos_sched *s, uint8_t c, const uint64_t *de)
{
	uint16_t p = s->def_cur[c];
	uint32_t v;

	for (v = 0; v < VISITS_MAX; v++) {
		if (p != NONE && bm_test(de, p) &&
				s->q[c][p].deficit >= (int32_t)rte_pktmbuf_pkt_len(q_head(s, c, p)))
			return p;
		p = bm_next(de, QOS_WORDS, p);
		s->def_cur[c] = p;
		give(&s->q[c][p].deficit, QOS_QUANTUM_MIN);
	}
	return NONE;
}

/* What a round robin chose: a pipe and its head's length. */
struct pick {
	uint16_t pipe;  /* pipe whose head goes */
	uint16_t flow;  /* its flow-level member: the pipe, or QOS_DEFAULT */
	uint32_t len;   /* its head's length */
};

/*
 * The flow-level choice in class @p c, whose pipes with frames and tokens are @p e (not
 * empty): a member whose deficit covers its next frame. False after VISITS_MAX visits.
 */
static bool
flow_pick(struct qos_sched *s, const struct qos_par *par, uint8_t c, const uint64_t *e,
		struct pick *k)
{
	uint64_t fe[FLOW_WORDS], de[QOS_WORDS], dany = 0;
	uint16_t f = s->flow_cur[c], p;
	uint32_t i, v;

	memset(fe, 0, sizeof(fe));
	for (i = 0; i < QOS_WORDS; i++) {
		de[i] = e[i] & par->in_default[i];
		fe[i] = e[i] & ~par->in_default[i];
		dany |= de[i];
	}
	if (dany != 0)
		fe[QOS_DEFAULT >> 6] |= UINT64_C(1) << (QOS_DEFAULT & 63);
	for (v = 0; v < VISITS_MAX; v++) {
		if (f != NONE && bm_test(fe, f)) {
			if (f == QOS_DEFAULT) {
				p = def_pick(s, c, de);
				if (p == NONE)
					return false;
				k->len = rte_pktmbuf_pkt_len(q_head(s, c, p));
				if (s->def_deficit[c] >= (int32_t)k->len) {
					k->pipe = p;
					k->flow = QOS_DEFAULT;
					return true;
				}
			} else {
				k->len = rte_pktmbuf_pkt_len(q_head(s, c, f));
				if (s->q[c][f].deficit >= (int32_t)k->len) {
					k->pipe = f;
					k->flow = f;
					return true;
				}
			}
		}
		f = bm_next(fe, FLOW_WORDS, f);
		s->flow_cur[c] = f;
		if (f == QOS_DEFAULT)
			give(&s->def_deficit[c], par->default_quantum);
		else
			give(&s->q[c][f].deficit, par->pipe[f].quantum);
	}
	return false;
}

/*
 * The class whose frame goes next and that frame (@p k): the first strict class with a frame
 * that may go, else the ETS round robin. False when no frame may go now.
 */
static bool
class_pick(struct qos_sched *s, const struct qos_par *par, uint8_t *cls, struct pick *k)
{
	uint64_t e[QOS_MAX_CLASSES][QOS_WORDS], ce = 0;
	uint8_t c;
	uint32_t v;

	for (c = 0; c < par->n_strict; c++)
		if (class_pipes(s, c, e[c])) {
			*cls = c;
			return flow_pick(s, par, c, e[c], k);
		}
	for (c = par->n_strict; c < par->n_classes; c++)
		if (class_pipes(s, c, e[c]))
			ce |= 1u << c;
	if (ce == 0)
		return false;
	c = s->cls_cur;
	for (v = 0; v < VISITS_MAX; v++) {
		if (c < par->n_classes && ((ce >> c) & 1)) {
			if (!flow_pick(s, par, c, e[c], k))
				return false;
			if (s->cls_deficit[c] >= (int32_t)k->len) {
				*cls = c;
				return true;
			}
		}
		/* The next ETS class with a frame after c, wrapping round. */
		c = c >= par->n_classes - 1u ? 0 : c + 1;
		while (((ce >> c) & 1) == 0)
			c = c >= par->n_classes - 1u ? 0 : c + 1;
		s->cls_cur = c;
		give(&s->cls_deficit[c], par->class_quantum[c]);
	}
	return false;
}

/* Moves the arrival time of rate @p r by @p bytes from at least @p now. */
static inline void
tb_charge(struct qos_tb *tb, const struct qos_rate *r, uint64_t now, uint32_t bytes)
{
	uint64_t x = (uint64_t)bytes * r->tpb + tb->frac;

	if ((int64_t)(tb->tat - now) < 0)
		tb->tat = now;
	tb->tat += x >> QOS_TPB_SHIFT;
	tb->frac = x & ((UINT64_C(1) << QOS_TPB_SHIFT) - 1);
}

/* True when rate @p r lets a frame go at @p now. */
static inline bool
tb_ok(const struct qos_tb *tb, const struct qos_rate *r, uint64_t now)
{
	return r->tpb == 0 || (int64_t)(tb->tat - now) <= (int64_t)r->tol;
}

/* Takes the head of queue (@p c, @p k->pipe) and does the accounting of its sending. */
static inline struct rte_mbuf *
take(struct qos_sched *s, const struct qos_par *par, uint8_t c, const struct pick *k,
		uint64_t now)
{
	uint16_t p = k->pipe;
	struct qos_q *q = &s->q[c][p];
	struct rte_mbuf *m = q_head(s, c, p);
	const struct qos_pipe_par *pp = &par->pipe[p];
	uint32_t i;
	bool more;

	q->head = (q->head + 1) & (s->qsize - 1);
	q->n--;
	s->backlog--;
	s->ctr[c][p].pkts++;
	s->ctr[c][p].bytes += k->len;
	q->deficit -= (int32_t)k->len;
	if (k->flow == QOS_DEFAULT)
		s->def_deficit[c] -= (int32_t)k->len;
	if (c >= par->n_strict)
		s->cls_deficit[c] -= (int32_t)k->len;
	if (q->n == 0) {
		s->active[c][p >> 6] &= ~(UINT64_C(1) << (p & 63));
		q->deficit = 0;
		if (k->flow == QOS_DEFAULT) {
			more = false;
			for (i = 0; i < QOS_WORDS; i++)
				more |= (s->active[c][i] & par->in_default[i]) != 0;
			if (!more)
				s->def_deficit[c] = 0;
		}
		if (c >= par->n_strict) {
			more = false;
			for (i = 0; i < QOS_WORDS; i++)
				more |= s->active[c][i] != 0;
			if (!more)
				s->cls_deficit[c] = 0;
		}
	}
	if (pp->max.tpb != 0) {
		tb_charge(&s->pipe_tb[p], &pp->max, now, k->len);
		if (!tb_ok(&s->pipe_tb[p], &pp->max, now))
			s->throttled[p >> 6] |= UINT64_C(1) << (p & 63);
	}
	if (par->rate.tpb != 0)
		tb_charge(&s->port_tb, &par->rate, now, k->len + par->overhead);
	return m;
}

uint16_t
qos_dequeue(struct qos_sched *s, const struct qos_par *par, uint64_t now,
		struct rte_mbuf **out, uint16_t max)
{
	struct pick k;
	uint16_t n = 0;
	uint32_t i;
	uint8_t c;

	/* Throttled pipes whose time has come (and those whose maximum was lifted). */
	for (i = 0; i < QOS_WORDS; i++) {
		uint64_t t = s->throttled[i];

		while (t != 0) {
			uint32_t p = i * 64 + (uint32_t)__builtin_ctzll(t);

			t &= t - 1;
			if (tb_ok(&s->pipe_tb[p], &par->pipe[p].max, now))
				s->throttled[i] &= ~(UINT64_C(1) << (p & 63));
		}
	}
	while (n < max && s->backlog > 0) {
		if (!tb_ok(&s->port_tb, &par->rate, now))
			break;
		if (!class_pick(s, par, &c, &k))
			break;
		out[n++] = take(s, par, c, &k, now);
	}
	return n;
}
