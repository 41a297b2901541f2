/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_QOS_SCHED_H
#define VSW_QOS_SCHED_H

/**
 * @file
 * The egress scheduler of one port (doc/qos.md): hierarchical, work-conserving, byte-accurate.
 *
 *   port     a token bucket at the port's rate (0: unshaped, as fast as the queue takes)
 *   class    up to QOS_MAX_CLASSES traffic classes: the strict ones first, in their order
 *            (the first one highest), then the ETS ones by deficit round robin, their quanta in
 *            proportion to their bandwidth percentages
 *   flow     in each class the pipes (one per ingress port: a VM) by deficit round robin,
 *            quanta in proportion to their minimum weights (or absolute minimums); the pipes
 *            of the default flow share one member of the round robin, the default flow's
 *            quantum, and inside it a round robin of their own with equal quanta
 *   pipe     a token bucket per pipe at its maximum bandwidth (0: none); a pipe out of tokens
 *            is skipped by every class until it has tokens again
 *   queue    a FIFO per (class, pipe) of qsize frames
 *
 * DRR gives each backlogged member at least its share of what its parent is given and hands
 * what an idle member leaves to the others in proportion to theirs: an absolute minimum is a
 * share of the port's rate, so its weight is the minimum itself (the control thread refuses
 * minimums that add up to more than the rate).
 *
 * Why not rte_sched: rte_sched's pipes of one subport are served round robin, each up to its
 * own rate: it caps, but cannot give one pipe more than another under contention, nor a
 * minimum (doc/qos.md, with the measurement).
 *
 * Ownership: a struct qos_par is immutable (built by the control thread, published in the
 * snapshot); a struct qos_sched is written only by the worker that holds it (qos_claim()),
 * its counters read by the control thread. Frames from other workers reach it through its
 * MP/SC ring. Nothing here allocates, locks or logs.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp.h"

/** Most traffic classes. */
#define QOS_MAX_CLASSES 8
/** Pipes: one per ingress port slot. */
#define QOS_PIPES VSW_MAX_PORTS
/** Words of a pipe bitmap. */
#define QOS_WORDS ((QOS_PIPES + 63) / 64)
/** Flow-level index of the default flow (after the pipes). */
#define QOS_DEFAULT QOS_PIPES
/** Smallest DRR quantum (bytes): the least weighted member's. */
#define QOS_QUANTUM_MIN 2048
/** Most frames a queue of the scheduler holds (qsize). */
#define QOS_QSIZE_MAX 4096
/** Largest DRR quantum (bytes). */
#define QOS_QUANTUM_MAX (1u << 20)
/** Frames kept for a TX queue that refused them, retried first at the next run. */
#define QOS_PEND 64

/**
 * A rate as a GCRA (the virtual-scheduling form of a token bucket, no division per frame):
 * a frame of b bytes moves the bucket's theoretical arrival time on by b * tpb; a frame may
 * go while that time is at most tol ahead of now.
 */
struct qos_rate {
	uint64_t tpb;        /**< TSC ticks per byte, fixed point (QOS_TPB_SHIFT bits); 0: no
			      *   limit */
	uint64_t tol;        /**< burst tolerance (TSC ticks): how far ahead of now the arrival
			      *   time may be for a frame to go */
};

/** Fraction bits of qos_rate.tpb. */
#define QOS_TPB_SHIFT 20

/** Parameters of one pipe. */
struct qos_pipe_par {
	struct qos_rate max; /**< maximum rate, tpb 0: none */
	uint32_t quantum;    /**< its DRR quantum in every class (bytes), when not default */
};

/** The scheduler's parameters: immutable, swapped as a whole by the control thread. */
struct qos_par {
	struct qos_rate rate; /**< the port's rate, tpb 0: unshaped */
	uint32_t overhead;   /**< bytes the port's rate counts per frame on top of its length
			      *   (preamble, FCS, gap: 24 on Ethernet); pipes count the frame */
	uint8_t n_classes;   /**< classes in use, 1..QOS_MAX_CLASSES */
	uint8_t n_strict;    /**< classes 0..n_strict-1 are strict priority, in that order */
	uint8_t prio_class[8]; /**< class of each 802.1p priority */
	uint32_t class_quantum[QOS_MAX_CLASSES]; /**< ETS classes: DRR quantum (bytes) */
	uint32_t default_quantum; /**< the default flow's quantum at the flow level (bytes) */
	uint64_t in_default[QOS_WORDS]; /**< pipes that belong to the default flow */
	struct qos_pipe_par pipe[QOS_PIPES]; /**< by pipe (ingress port slot) */
};

/** The state of a qos_rate. */
struct qos_tb {
	uint64_t tat;        /**< theoretical arrival time of the next frame (TSC) */
	uint64_t frac;       /**< its fraction (QOS_TPB_SHIFT bits) */
};

/** One FIFO of frames. */
struct qos_q {
	uint16_t head;       /**< index of the oldest frame in its slots */
	uint16_t n;          /**< frames held */
	int32_t deficit;     /**< its DRR deficit at the flow (or default flow) level */
};

/** Counters of one (class, pipe) queue, written by the holder. */
struct qos_qctr {
	uint64_t pkts;       /**< frames sent */
	uint64_t bytes;      /**< bytes sent */
	uint64_t drops;      /**< frames refused: the queue was full */
};

/** The scheduler of one port: its queues and state. */
struct qos_sched {
	uint32_t holder;     /**< worker id + 1 of the worker using it, 0: none (atomic) */
	uint16_t port;       /**< port slot it transmits on */
	uint16_t qsize;      /**< frames per queue (a power of 2) */
	struct rte_ring *ring; /**< MP/SC: frames from workers that do not hold it */
	struct qos_tb port_tb; /**< the port's bucket */
	struct qos_tb pipe_tb[QOS_PIPES]; /**< each pipe's bucket */
	uint64_t throttled[QOS_WORDS]; /**< pipes out of tokens */
	uint64_t active[QOS_MAX_CLASSES][QOS_WORDS]; /**< (class, pipe) queues holding frames */
	uint32_t backlog;    /**< frames held in all queues */
	uint16_t flow_cur[QOS_MAX_CLASSES]; /**< flow level: member served per class */
	int32_t def_deficit[QOS_MAX_CLASSES]; /**< the default flow's deficit per class */
	uint16_t def_cur[QOS_MAX_CLASSES];  /**< default flow: pipe served per class */
	uint8_t cls_cur;     /**< ETS level: class served */
	int32_t cls_deficit[QOS_MAX_CLASSES]; /**< ETS classes' deficits */
	uint16_t n_pend;     /**< frames in pend[] */
	struct rte_mbuf *pend[QOS_PEND]; /**< dequeued, refused by the TX queue, sent first */
	struct qos_q q[QOS_MAX_CLASSES][QOS_PIPES];     /**< the queues */
	struct qos_qctr ctr[QOS_MAX_CLASSES][QOS_PIPES]; /**< their counters */
	struct rte_mbuf **slot; /**< frames: (class * QOS_PIPES + pipe) * qsize + index */
};

/**
 * Makes a scheduler for port slot @p port with @p qsize (rounded up to a power of 2, at most
 * QOS_QSIZE_MAX) frames per queue and a handoff ring of @p ring_size, on @p socket; NULL with
 * rte_errno set. Control thread only.
 */
struct qos_sched *qos_sched_create(uint16_t port, uint32_t qsize, uint32_t ring_size,
		int socket);

/**
 * Frees the frames @p s still holds (queues, pend, ring) and returns how many; then, when
 * @p destroy, the scheduler itself. Control thread only, once no worker can use it.
 */
uint32_t qos_sched_flush(struct qos_sched *s, bool destroy);

/**
 * Queues frame @p m of pipe @p pipe in class @p cls. Holder only.
 * @return true, or false when its queue is full (the caller counts and frees @p m).
 */
static inline bool
qos_enqueue(struct qos_sched *s, struct rte_mbuf *m, uint16_t pipe, uint8_t cls)
{
	struct qos_q *q = &s->q[cls][pipe];

	if (unlikely(q->n == s->qsize)) {
		s->ctr[cls][pipe].drops++;
		return false;
	}
	s->slot[((uint32_t)cls * QOS_PIPES + pipe) * s->qsize +
		((q->head + q->n) & (s->qsize - 1))] = m;
	if (q->n++ == 0)
		s->active[cls][pipe >> 6] |= UINT64_C(1) << (pipe & 63);
	s->backlog++;
	return true;
}

/**
 * Takes up to @p max frames in scheduling order into @p out, at TSC @p now under @p par:
 * never more than the port's and each pipe's tokens allow. Holder only.
 * @return frames taken.
 */
uint16_t qos_dequeue(struct qos_sched *s, const struct qos_par *par, uint64_t now,
		struct rte_mbuf **out, uint16_t max);

/**
 * Takes scheduler @p s for worker @p wid if nobody holds it. @return true when @p wid holds
 * it now.
 */
static inline bool
qos_claim(struct qos_sched *s, uint16_t wid)
{
	uint32_t h = __atomic_load_n(&s->holder, __ATOMIC_ACQUIRE), none = 0;

	if (h == (uint32_t)wid + 1)
		return true;
	if (h != 0)
		return false;
	return __atomic_compare_exchange_n(&s->holder, &none, (uint32_t)wid + 1, false,
			__ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/** Gives scheduler @p s up when worker @p wid holds it (it is no longer its owner). */
static inline void
qos_release(struct qos_sched *s, uint16_t wid)
{
	if (__atomic_load_n(&s->holder, __ATOMIC_RELAXED) == (uint32_t)wid + 1)
		__atomic_store_n(&s->holder, 0, __ATOMIC_RELEASE);
}

/**
 * The qos_rate of @p bps bits/s (0: no limit) with a burst of @p burst bytes, for a TSC of
 * @p hz ticks per second.
 */
struct qos_rate qos_rate_of(uint64_t bps, uint32_t burst, uint64_t hz);

/**
 * DRR quanta for @p n members of weights @p w (any positive scale: weights, or bits/s) into
 * @p q: in proportion, the lightest QOS_QUANTUM_MIN bytes, unless the heaviest would then
 * exceed QOS_QUANTUM_MAX (then the heaviest gets that, the others in proportion, at least 1).
 */
void qos_quanta(const uint64_t *w, uint32_t n, uint32_t *q);

#endif
