/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_IPSEC_ESP_INLINE_H
#define VSW_IPSEC_ESP_INLINE_H

/**
 * @file
 * Inline crypto for an SA on its uplink's NIC (rte_security INLINE_CRYPTO), attached to an
 * engine SA (esp.h) beside its software session. Control thread only, except
 * esp_inline_process() (the SA's workers). Not run on hardware (doc/ipsec.md).
 */

#include <stdint.h>

#include <rte_flow.h>
#include <rte_ipsec.h>

#include "ctrl_err.h"
#include "esp.h"

/** An SA's inline session. */
struct esp_inline {
	uint16_t eth_id;                 /**< the uplink's ethdev */
	struct rte_security_ctx *ctx;    /**< its security context */
	void *ses;                       /**< the rte_security session */
	struct rte_ipsec_session ss;     /**< rte_ipsec's inline session on the same SA */
	struct rte_flow *flow;           /**< inbound: the rule that has the NIC decrypt */
};

/**
 * Attaches inline crypto on ethdev @p eth_id to @p sa made from @p s. @return 0, or a
 * negative errno with @p e naming @p path (the NIC refused: the SA stays in software).
 */
int esp_inline_attach(struct esp_sa *sa, const struct esp_sa_spec *s, uint16_t eth_id,
		const char *path, struct ctrl_err *e);

/** Detaches it (NULL-safe); no worker may use it any more. */
void esp_inline_detach(struct esp_sa *sa);

/** Destroys inline session @p inl already taken off its SA; no worker may use it. */
void ipsec_inline_free(struct esp_inline *inl);

/**
 * Outbound: ESP frames for the NIC to encrypt; inbound: frames the NIC decrypted (marked
 * RTE_MBUF_F_RX_SEC_OFFLOAD). Good ones first, as esp_sa_process(). @return their number.
 */
uint16_t esp_inline_process(struct esp_sa *sa, struct rte_mbuf **mb, uint16_t n);

#endif
