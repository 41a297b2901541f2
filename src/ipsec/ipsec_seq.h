/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_IPSEC_SEQ_H
#define VSW_IPSEC_SEQ_H

/**
 * @file
 * Outbound sequence numbers never repeat under one key, also across restarts (the class of
 * VPP's CVE-2022-46397: with AES-GCM a repeated sequence number is a repeated nonce).
 *
 * A state file (next to the running config, mode 0600) holds per outbound SA (by SPI and a
 * 64-bit fingerprint of its key and salt, never the key) a mark: no sequence number above
 * it was ever allowed out. An SA made again with the same SPI and key resumes at mark + 1.
 * Before an SA may send, a reserve above its next number is saved (ipsec_seq_reserve());
 * the workers admit no frame beyond the saved reserve (dp_ipsec_life.max_packets,
 * ipsec_seq_unsaved), and the control thread saves the next reserve when half of the
 * current one is used. Records of deleted SAs are kept (a key given again resumes too).
 *
 * Without a state file (vswd --no-persist) or with one that cannot be read, outbound SAs
 * are refused: nothing could stop a restart from repeating their numbers.
 */

#include <stdbool.h>
#include <stdint.h>

#include "ctrl_err.h"

/** Sequence numbers reserved at a time. */
#define IPSEC_SEQ_BLOCK (UINT64_C(1) << 22)
/** Most records kept (the oldest records of deleted SAs go first). */
#define IPSEC_SEQ_MAX_REC 8192

/** One outbound SA's record. */
struct ipsec_seq_rec {
	uint32_t spi;      /**< SPI */
	uint64_t key_id;   /**< fingerprint of key and salt */
	uint64_t mark;     /**< highest sequence number allowed out so far */
	uint64_t stamp;    /**< last update (order of records, for eviction) */
};

/** The state file and its records. */
struct ipsec_seq {
	char path[4096];            /**< the file, "" = none (outbound SAs refused) */
	bool broken;                /**< it exists but cannot be read: outbound SAs refused */
	char why[256];              /**< broken: the reason */
	uint32_t n;                 /**< records */
	struct ipsec_seq_rec *rec;  /**< records (malloc'd, IPSEC_SEQ_MAX_REC) */
	uint64_t stamp;             /**< update counter */
};

/** Opens @p path ("" or NULL: none) and loads its records. @return 0 or -ENOMEM. */
int ipsec_seq_open(struct ipsec_seq *q, const char *path);

/** The fingerprint of @p key (@p key_len bytes) and @p salt (4 bytes). */
uint64_t ipsec_seq_key_id(const uint8_t *key, uint32_t key_len, const uint8_t *salt);

/**
 * Where an outbound SA with @p spi and @p key_id starts: the record's mark + 1, or 1.
 * @return 0, or -EINVAL with @p e naming @p path when outbound SAs are refused.
 */
int ipsec_seq_first(const struct ipsec_seq *q, uint32_t spi, uint64_t key_id, uint64_t *first,
		const char *path, struct ctrl_err *e);

/**
 * Saves @p mark for (@p spi, @p key_id) (never lowering a record). @return 0, or a negative
 * errno with @p e naming @p path (the file could not be written).
 */
int ipsec_seq_reserve(struct ipsec_seq *q, uint32_t spi, uint64_t key_id, uint64_t mark,
		const char *path, struct ctrl_err *e);

/**
 * Puts the record of (@p spi, @p key_id) back to @p mark (0: removes it): only for the
 * reserve of an SA that never sent (a refused apply). Best effort: a failed save leaves
 * the higher mark, which is safe.
 */
void ipsec_seq_restore(struct ipsec_seq *q, uint32_t spi, uint64_t key_id, uint64_t mark);

/** Frees the records. */
void ipsec_seq_close(struct ipsec_seq *q);

#endif
