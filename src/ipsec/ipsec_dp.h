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
#include "esp.h"
#include "spd.h"

/** One SA as the workers see it. */
struct dp_ipsec_sa {
	struct esp_sa *esp;    /**< the engine SA (owned by the control thread) */
	uint16_t port;         /**< the VM port's slot */
	uint16_t uplink;       /**< the uplink's slot (tunnel: where ESP frames go) */
	uint16_t uplink_vid;   /**< VLAN the ESP frames are switched in on the uplink */
	uint16_t port_vid;     /**< inbound: VLAN the decrypted frames are switched in */
	struct rte_ether_addr dst; /**< tunnel: destination MAC of the frames it makes (outbound:
				    *   the next hop; inbound: the VM) */
	struct rte_ether_addr src; /**< tunnel: their source MAC (the uplink's) */
	uint16_t owner;        /**< inbound: the worker that processes it (rte_ipsec allows one
				*   thread at a time per inbound SA) */
	uint8_t outbound;      /**< direction */
	uint8_t tunnel;        /**< mode */
};

/** Where an inbound SPI leads: sorted by (spi, uplink) in dp_ipsec.in_spi. */
struct dp_ipsec_spi {
	uint32_t spi;          /**< SPI (host order) */
	uint16_t uplink;       /**< the port its ESP frames arrive on */
	uint16_t sa;           /**< the SA's index */
};

/** The IPsec part of a snapshot. */
struct dp_ipsec {
	uint32_t n_sa;                   /**< entries in sa[] */
	const struct dp_ipsec_sa *sa;    /**< by SA index (the SPD's spd_res.sa) */
	const struct ipsec_spd *spd;     /**< the SPD set */
	uint32_t n_in_spi;               /**< entries in in_spi[] */
	const struct dp_ipsec_spi *in_spi; /**< inbound SPIs, sorted */
	/** Per worker: frames of the inbound SAs it owns, handed over by the other workers
	 * (MP/SC rings, drained by that worker's vsw_ipsec_in_src). */
	struct rte_ring *in_ring[VSW_MAX_WORKERS];
};

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
