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

#include "esp.h"
#include "spd.h"

/** One SA as the workers see it. */
struct dp_ipsec_sa {
	struct esp_sa *esp;    /**< the engine SA (owned by the control thread) */
	uint16_t port;         /**< the VM port's slot */
	uint16_t uplink;       /**< the uplink's slot (tunnel: where ESP frames go) */
	uint16_t uplink_vid;   /**< VLAN the ESP frames are switched in on the uplink */
	uint8_t outbound;      /**< direction */
	uint8_t tunnel;        /**< mode */
};

/** The IPsec part of a snapshot. */
struct dp_ipsec {
	uint32_t n_sa;                   /**< entries in sa[] */
	const struct dp_ipsec_sa *sa;    /**< by SA index (the SPD's spd_res.sa) */
	const struct ipsec_spd *spd;     /**< the SPD set */
};

#endif
