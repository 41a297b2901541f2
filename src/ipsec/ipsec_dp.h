/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_IPSEC_DP_H
#define VSW_IPSEC_DP_H

/**
 * @file
 * The IPsec part of a snapshot (dp_snap.ipsec): the SAs the workers use, with where their
 * traffic goes, and the SPD set. Built and owned by the control thread (the engine SAs live
 * across snapshots, so sequence numbers and replay windows survive unrelated changes);
 * immutable for the workers, freed after the snapshot that points at it.
 */

#include <stdint.h>

#include <rte_ring.h>

#include "dp.h"
#include "l34.h"
#include "esp.h"
#include "spd.h"

/** Counters of one SA on one worker (only that worker writes them). */
struct dp_ipsec_ctr {
	uint64_t packets;      /**< frames processed (encrypted, or decrypted and verified) */
	uint64_t bytes;        /**< their bytes as they arrived at the engine */
	uint64_t auth_failed;  /**< inbound: ICV mismatch */
	uint64_t replay;       /**< inbound: replayed or behind the window */
	uint64_t malformed;    /**< not IP, ESP too short or misaligned, bad padding, ESP in ESP */
	uint64_t seq_overflow; /**< outbound: sequence numbers used up */
	uint64_t expired;      /**< refused by the hard lifetime */
	uint64_t unsaved;      /**< outbound: refused until the sequence reserve is saved */
	uint64_t errors;       /**< other engine refusals (no room) */
} __rte_cache_aligned;

/**
 * What an SA has used of its lifetime, shared by the workers (atomic adds, one per SA and
 * burst). The control thread reads it for the soft lifetime, the hard one is enforced here.
 */
struct dp_ipsec_life {
	uint64_t packets;      /**< frames admitted (at least what the engine numbered) */
	uint64_t bytes;        /**< their bytes */
	uint64_t max_packets;  /**< admit frames only while packets stays within this: the hard
				*   lifetime, and outbound the saved sequence reserve (the control
				*   thread raises it); UINT64_MAX: no limit */
	uint64_t max_bytes;    /**< the hard lifetime in bytes; UINT64_MAX: none */
	uint8_t hard_bytes;    /**< max_bytes is the lifetime (reaching it expires the SA) */
	uint8_t hard_packets;  /**< max_packets is the lifetime (else the sequence reserve) */
} __rte_cache_aligned;

/** One SA as the workers see it. */
struct dp_ipsec_sa {
	struct esp_sa *esp;    /**< the engine SA (owned by the control thread) */
	struct dp_ipsec_life *life; /**< its lifetime use (control thread's, lives with esp) */
	struct dp_ipsec_ctr *ctr;   /**< its counters, per worker id (same) */
	uint16_t port;         /**< the VM port's slot */
	uint16_t uplink;       /**< the uplink's slot (tunnel: where ESP frames go) */
	uint16_t uplink_vid;   /**< VLAN the ESP frames are switched in on the uplink */
	uint16_t port_vid;     /**< inbound: VLAN the decrypted frames are switched in */
	struct rte_ether_addr dst; /**< tunnel: destination MAC of the frames it makes (outbound:
				    *   the next hop; inbound: the VM) */
	struct rte_ether_addr src; /**< tunnel: their source MAC (the uplink's) */
#define DP_IPSEC_NO_OWNER VSW_MAX_WORKERS /**< owner while the running workers change */
	uint16_t owner;        /**< inbound: the worker that processes it (rte_ipsec allows one
				*   thread at a time per inbound SA) */
	uint16_t group;        /**< the first SA with its port, uplink, direction, mode and
				*   endpoints: a rekey's SAs share it, and an inbound SPD entry
				*   accepts what any SA of its SA's group decrypted */
	uint8_t outbound;      /**< direction */
	uint8_t tunnel;        /**< mode */
	uint8_t down;          /**< its port or uplink is out of this snapshot: drop its frames
				*   (ipsec_sa_down) */
};

/** Where an inbound SPI leads: sorted by (spi, uplink) in dp_ipsec.in_spi. */
struct dp_ipsec_spi {
	uint32_t spi;          /**< SPI (host order) */
	uint16_t uplink;       /**< the port its ESP frames arrive on */
	uint16_t sa;           /**< the SA's index */
};

/** A tunnel's local endpoint on an uplink: ESP to it with an unknown SPI is dropped. */
struct dp_ipsec_local {
	uint16_t uplink;       /**< the uplink's slot */
	uint8_t family;        /**< 4 or 6 */
	uint8_t addr[16];      /**< the address (IPv4: first 4 bytes) */
};

/** The IPsec part of a snapshot. */
struct dp_ipsec {
	uint32_t n_sa;                   /**< entries in sa[] */
	const struct dp_ipsec_sa *sa;    /**< by SA index (the SPD's spd_res.sa) */
	const struct ipsec_spd *spd;     /**< the SPD set */
	uint32_t n_in_spi;               /**< entries in in_spi[] */
	const struct dp_ipsec_spi *in_spi; /**< inbound SPIs, sorted */
	uint32_t n_local;                /**< entries in local[] */
	const struct dp_ipsec_local *local; /**< inbound tunnels' local endpoints (distinct) */
	/** Per worker: frames of the inbound SAs it owns, handed over by the other workers
	 * (MP/SC rings, drained by that worker's vsw_ipsec_in_src). */
	struct rte_ring *in_ring[VSW_MAX_WORKERS];
};

/** Size of each worker's ring of inbound frames handed over by the others. */
#define DP_IPSEC_RING_SIZE 512

/**
 * Admits frames pkts[idx[0..n)] to SA @p sa within its lifetime (dp_ipsec_life): returns
 * how many of them, in order, may go to the engine, with every frame's length in @p len.
 * Sets @p unsaved when the ones refused wait only for the sequence reserve (not the
 * lifetime).
 */
static inline uint16_t
dp_ipsec_admit(const struct dp_ipsec_sa *sa, struct rte_mbuf **pkts, const uint8_t *idx,
		uint16_t n, uint32_t *len, bool *unsaved)
{
	struct dp_ipsec_life *l = sa->life;
	uint64_t maxp = __atomic_load_n(&l->max_packets, __ATOMIC_ACQUIRE), bytes = 0, p0, b0;
	uint16_t i, k;

	*unsaved = false;
	for (i = 0; i < n; i++) {
		len[i] = rte_pktmbuf_pkt_len(pkts[idx[i]]);
		bytes += len[i];
	}
	p0 = __atomic_fetch_add(&l->packets, n, __ATOMIC_RELAXED);
	b0 = __atomic_fetch_add(&l->bytes, bytes, __ATOMIC_RELAXED);
	if (likely(p0 + n <= maxp && b0 + bytes <= l->max_bytes))
		return n;
	/* Over a limit: the frames that still fit, in order. The counts keep what was
	 * asked, so later bursts stay refused (and the reserve is counted high: safe). */
	k = p0 >= maxp || b0 >= l->max_bytes ? 0 : (uint16_t)RTE_MIN((uint64_t)n, maxp - p0);
	*unsaved = !l->hard_packets && k < n && b0 < l->max_bytes;
	for (i = 0, bytes = b0; i < k; i++) {
		bytes += len[i];
		if (bytes > l->max_bytes) {
			*unsaved = false; /* the byte lifetime stops it */
			break;
		}
	}
	return i;
}

/**
 * Counts in @p c a frame the engine refused for @p why (enum esp_why) and returns its drop
 * reason (enum dp_drop).
 */
static inline uint16_t
dp_ipsec_fail(struct dp_ipsec_ctr *c, uint8_t why, bool outbound)
{
	switch (why) {
	case ESP_REPLAY:
		c->replay++;
		return DP_DROP_IPSEC_REPLAY;
	case ESP_AUTH:
		c->auth_failed++;
		return DP_DROP_IPSEC_AUTH_FAILED;
	case ESP_OVERFLOW:
		c->seq_overflow++;
		return DP_DROP_IPSEC_SA_EXPIRED;
	case ESP_MALFORMED:
		c->malformed++;
		break;
	default:
		c->errors++;
		break;
	}
	return outbound ? DP_DROP_IPSEC_ESP_FAILED : DP_DROP_IPSEC_INBOUND_FAILED;
}

/**
 * Admits the @p n frames pkts[idx[..]] of SA @p sa (dp_ipsec_admit()), setting the drop code
 * in next[] of those refused and counting them in @p c. @return how many were admitted (the
 * first ones).
 */
static inline uint16_t
dp_ipsec_admit_or_drop(const struct dp_ipsec_sa *sa, struct dp_ipsec_ctr *c,
		struct rte_mbuf **pkts, const uint8_t *idx, uint16_t n, uint16_t *next,
		uint32_t *len)
{
	bool unsaved = false;
	uint16_t k = sa->down ? 0 : dp_ipsec_admit(sa, pkts, idx, n, len, &unsaved), i;
	uint16_t code = sa->down ? DP_DROP_IPSEC_SA_DOWN : unsaved ? DP_DROP_IPSEC_SEQ_UNSAVED :
		DP_DROP_IPSEC_SA_EXPIRED;

	for (i = k; i < n; i++)
		next[idx[i]] = dp_next_drop(code);
	if (code == DP_DROP_IPSEC_SEQ_UNSAVED)
		c->unsaved += n - k;
	else if (code == DP_DROP_IPSEC_SA_EXPIRED)
		c->expired += n - k;
	return k;
}

/** True when @p addr (@p family) on @p uplink is a local tunnel endpoint of @p ip. */
static inline bool
dp_ipsec_is_local(const struct dp_ipsec *ip, uint16_t uplink, uint8_t family,
		const uint8_t *addr)
{
	uint32_t i;

	for (i = 0; i < ip->n_local; i++)
		if (ip->local[i].uplink == uplink && ip->local[i].family == family &&
				memcmp(ip->local[i].addr, addr, family == 4 ? 4 : 16) == 0)
			return true;
	return false;
}

/**
 * Admits the @p n frames pkts[idx[..]] of SA @p sa (dp_ipsec_admit_or_drop(): drop codes of
 * the others in next[]), keeps the admitted ones' lengths in @p len, and runs those through
 * the engine (why[i]: enum esp_why). @p k: how many were admitted (the first ones).
 * @return bit i set when frame pkts[idx[i]] succeeded.
 */
static inline uint64_t
dp_ipsec_run(const struct dp_ipsec_sa *sa, struct dp_ipsec_ctr *c, struct rte_mbuf **pkts,
		const uint8_t *idx, uint16_t n, uint16_t *next, uint32_t *len, uint8_t *why,
		uint16_t *k)
{
	*k = dp_ipsec_admit_or_drop(sa, c, pkts, idx, n, next, len);
	return *k == 0 ? 0 : esp_sa_process_idx(sa->esp, pkts, idx, *k, why);
}

/**
 * The SPD result (entry index + 1, 0: none) of each of the @p n frames of @p pkts on
 * @p port in direction @p dir (DP_ACL_IN: to the port, DP_ACL_OUT: from it) into @p res. A
 * port whose first entry of the direction selects every frame takes it without classifying.
 */
static inline void
dp_ipsec_spd_res(const struct dp_snap *s, uint16_t port, int dir, struct rte_mbuf **pkts,
		uint16_t n, uint32_t *res)
{
	uint16_t all = s->port[port].ipsec_all[dir], i;
	struct dp_acl_key keys[DP_BURST];
	struct dp_l34 l;

	if (all != 0) {
		for (i = 0; i < n; i++)
			res[i] = all;
		return;
	}
	for (i = 0; i < n; i++) {
		dp_l34_parse(pkts[i], &l);
		dp_acl_key_make(&keys[i], pkts[i], &l, port, dir);
	}
	spd_classify(s->ipsec->spd, dir, keys, n, res);
}

/** Writes the tunnel MACs of @p sa into the Ethernet header of frame @p m. */
static inline void
dp_ipsec_set_macs(struct rte_mbuf *m, const struct dp_ipsec_sa *sa)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	eh->dst_addr = sa->dst;
	eh->src_addr = sa->src;
}

/** The inbound SA (index) of @p spi arriving on @p uplink in @p ip, or -1. */
static inline int
dp_ipsec_in_sa(const struct dp_ipsec *ip, uint32_t spi, uint16_t uplink)
{
	uint32_t lo = 0, hi = ip->n_in_spi;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		const struct dp_ipsec_spi *x = &ip->in_spi[mid];

		if (x->spi == spi && x->uplink == uplink)
			return x->sa;
		if (x->spi < spi || (x->spi == spi && x->uplink < uplink))
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

#endif
