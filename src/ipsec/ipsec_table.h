/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_IPSEC_TABLE_H
#define VSW_IPSEC_TABLE_H

/**
 * @file
 * The control thread's running SAs: each config SA with its engine SA (esp.h). An apply
 * keeps the engine SA of every SA whose engine parameters (SPI, direction, mode, families,
 * algorithm, keys, endpoints, ESN, window) did not change, so its sequence numbers and
 * replay window go on; the others are made new, in the prepare phase, and the old ones
 * freed after the publish that stops the workers using them.
 *
 * A new outbound SA starts its sequence numbers (AES-GCM: its nonces) above the mark saved
 * for its SPI and key (ipsec_seq.h; 1 for a new key), after saving its first reserve; it
 * may not reuse the key of another SA, running or in the same document (that SA's numbers
 * are not its own): such a change is refused.
 *
 * Phases (ctrl_config_apply()): ipsec_table_prepare() (can fail, changes nothing), then
 * ipsec_table_commit() or ipsec_table_abort(), and ipsec_table_retire() after the publish.
 */

#include <stdbool.h>
#include <stdint.h>

#include "esp.h"
#include "ipsec_cfg.h"
#include "ipsec_dp.h"
#include "ipsec_seq.h"

/** A running SA. */
struct ipsec_rsa {
	struct cfg_ipsec_sa cfg;  /**< its config */
	struct esp_sa esp;        /**< its engine SA (state: sequence numbers, window) */
	struct dp_ipsec_life life; /**< lifetime use, shared with the workers */
	struct dp_ipsec_ctr ctr[VSW_MAX_WORKERS]; /**< counters, one set per worker */
	uint64_t sqn_first;       /**< outbound: its first sequence number (resumed: above the
				   *   saved mark, seq.c) */
	uint64_t sqn_saved;       /**< outbound: highest sequence number the saved reserve
				   *   allows, 0: no reserve (nothing saved: no limit) */
	uint64_t key_id;          /**< outbound: its key's fingerprint (ipsec_seq.h) */
	uint64_t mark_before;     /**< outbound: its record's mark before this SA (0: none) */
	uint8_t why;              /**< where it runs and why (enum ipsec_why) */
	bool soft_hit;            /**< the soft lifetime was reported */
	bool hard_hit;            /**< the hard lifetime was reported */
};

/** The engine parameters of config SA @p c (MACs left zero: the snapshot's). */
void ipsec_rsa_spec(const struct cfg_ipsec_sa *c, struct esp_sa_spec *s);

/**
 * Sets the admission limits of @p r (dp_ipsec_life) from its lifetime and saved sequence
 * reserve; called by the control thread when either changes.
 */
void ipsec_rsa_limits(struct ipsec_rsa *r);

/** The running SAs. */
struct ipsec_table {
	struct esp_crypto cr;     /**< the crypto devices, made with the first SA */
	bool cr_up;               /**< cr is initialised */
	uint32_t n;               /**< entries in sa[] */
	struct ipsec_rsa **sa;    /**< by the running config's SA index */
	struct ipsec_seq *seq;    /**< the outbound sequence state (NULL: outbound refused) */
};

/** What one apply does to the table. */
struct ipsec_table_plan {
	uint32_t n;               /**< entries in sa[] and fresh[] */
	struct ipsec_rsa **sa;    /**< the next SAs, by the next config's index */
	uint8_t *fresh;           /**< per entry: made by this plan */
	uint32_t n_gone;          /**< entries in gone[] */
	struct ipsec_rsa **gone;  /**< running SAs the next config does not keep */
	struct ipsec_seq *seq;    /**< the table's sequence state (abort restores reserves) */
};

/**
 * The SAs of @p next in @p pl: running ones kept, the others made (crypto devices first,
 * with the first SA ever). @return 0, or a negative errno with @p e (-EINVAL naming
 * "$.ipsec.sa[i].key" for a reused key, -ENOMEM). Nothing running changes.
 */
int ipsec_table_prepare(struct ipsec_table *t, const struct cfg_ipsec *next,
		struct ipsec_table_plan *pl, struct ctrl_err *e);

/**
 * Makes @p pl's SAs (prepared for @p next) the running ones, with @p next's config (cannot
 * fail); the gone ones stay in @p pl.
 */
void ipsec_table_commit(struct ipsec_table *t, struct ipsec_table_plan *pl,
		const struct cfg_ipsec *next);

/** After the publish: frees the SAs @p pl took out of service, and @p pl. */
void ipsec_table_retire(struct ipsec_table_plan *pl);

/** A refused apply: frees what @p pl made, and @p pl; the table is as it was. */
void ipsec_table_abort(struct ipsec_table_plan *pl);

/** Frees every SA and the crypto devices (at exit; no worker runs). */
void ipsec_table_fini(struct ipsec_table *t);

#endif
