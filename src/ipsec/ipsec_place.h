/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_IPSEC_PLACE_H
#define VSW_IPSEC_PLACE_H

/**
 * @file
 * Where each SA's crypto runs: on the uplink's NIC (rte_security inline crypto) or in
 * software (cryptodev, esp.h). Hyper-V's model: each VM port may offload at most
 * "ipsec.offload_max_sa" SAs (0: never), each uplink's NIC holds at most
 * "ipsec.offload_slots" (0: as many as it takes); when slots are scarce the SAs of higher
 * "offload_priority" VMs go first, then the older (lower index) SAs. An SA goes inline only
 * when its uplink reports inline crypto for its algorithm, direction and mode
 * (ipsec_caps_probe()). The placement is a pure function of these tables, computed at every
 * apply, so a freed slot goes to the next SA with the next apply; the SA's rte_ipsec state
 * (sequence numbers, window) is the same either way, so a move loses no packet.
 */

#include <stdbool.h>
#include <stdint.h>

#include "dp.h"
#include "esp.h"

/** What an uplink can do inline, and how many SAs it may hold. */
struct ipsec_caps {
	bool inline_crypto;         /**< a security context and RX/TX SECURITY offloads */
	uint32_t algs[2][2];        /**< [outbound][transport]: bit per enum esp_alg */
	uint32_t slots;             /**< SAs it may hold (the port's offload_slots), 0: any */
};

/** Why an SA runs where it does. */
enum ipsec_why {
	IPSEC_WHY_INLINE = 0,   /**< on the NIC */
	IPSEC_WHY_VM_OFF,       /**< its VM's offload_max_sa is 0 */
	IPSEC_WHY_NO_INLINE,    /**< its uplink has no inline IPsec */
	IPSEC_WHY_ALG,          /**< its uplink cannot do its algorithm, direction or mode */
	IPSEC_WHY_VM_CAP,       /**< its VM has offload_max_sa SAs on the NIC already */
	IPSEC_WHY_SLOTS,        /**< its uplink's slots are taken (by higher priority first) */
	IPSEC_WHY_REFUSED,      /**< the NIC refused the session or its flow rule */
	IPSEC_WHY_MAX,
};

/** One SA as the placement sees it. */
struct ipsec_place_sa {
	uint16_t port;              /**< VM port slot */
	uint16_t uplink;            /**< uplink slot */
	uint8_t outbound;           /**< direction */
	uint8_t transport;          /**< mode */
	uint8_t alg;                /**< enum esp_alg */
};

/** One port as the placement sees it (by slot). */
struct ipsec_place_port {
	uint32_t max_sa;            /**< as a VM: SAs it may offload */
	uint32_t prio;              /**< as a VM: its priority */
	struct ipsec_caps caps;     /**< as an uplink */
};

/**
 * Places the @p n SAs of @p sa given the ports @p port (indexed by slot, VSW_MAX_PORTS):
 * why[i] is IPSEC_WHY_INLINE for those that go on the NIC, else the reason they do not.
 */
void ipsec_place(const struct ipsec_place_sa *sa, uint32_t n,
		const struct ipsec_place_port *port, uint8_t *why);

/** One line for @p why (ipsec.sa.list). */
const char *ipsec_why_text(enum ipsec_why why);

/** Reads what ethdev @p eth_id can do inline into @p c (slots left to the caller). */
void ipsec_caps_probe(uint16_t eth_id, struct ipsec_caps *c);

#endif
