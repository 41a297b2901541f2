/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_IPSEC_ESP_H
#define VSW_IPSEC_ESP_H

/**
 * @file
 * The ESP engine: security associations as DPDK rte_ipsec SAs with a software crypto session
 * (cryptodev crypto_aesni_gcm for AES-GCM, crypto_aesni_mb for AES-CBC + HMAC-SHA-256-128),
 * processed in synchronous CPU-crypto mode (RTE_SECURITY_ACTION_TYPE_CPU_CRYPTO: the crypto
 * runs inside rte_ipsec_pkt_cpu_prepare() on the calling core, no queue, no completion).
 *
 * Frames, in and out, are Ethernet frames:
 *   - outbound transport: the frame's IP packet gets an ESP header after its IP header;
 *   - outbound tunnel: the frame's IP packet becomes the payload of a new outer Ethernet +
 *     IP header (the SA's template: next-hop MAC, local and remote endpoints);
 *   - inbound transport: the ESP header and trailer go, the frame keeps its L2 and IP header;
 *   - inbound tunnel: the outer headers go; the inner IP packet gets the Ethernet header
 *     esp_sa_spec.in_l2 (towards the VM).
 * Callers own the SAs; an SA's processing is safe from several workers for outbound SAs
 * (atomic sequence numbers); an inbound SA must be processed by one worker at a time.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_crypto_sym.h>
#include <rte_ether.h>
#include <rte_ipsec.h>
#include <rte_mbuf.h>

#include "ctrl_err.h"

/** Algorithms of an SA. */
enum esp_alg {
	ESP_AES_GCM_128,          /**< AES-GCM, 16-byte key, 4-byte salt, 16-byte ICV */
	ESP_AES_GCM_256,          /**< AES-GCM, 32-byte key, 4-byte salt, 16-byte ICV */
	ESP_AES_CBC_128_SHA256,   /**< AES-CBC 16-byte key + HMAC-SHA-256-128, 32-byte key */
	ESP_AES_CBC_256_SHA256,   /**< AES-CBC 32-byte key + HMAC-SHA-256-128, 32-byte key */
	ESP_ALG_MAX,
};

/** Longest key of any algorithm. */
#define ESP_KEY_MAX 32

/** What an SA is: everything rte_ipsec needs, resolved from the config. */
struct esp_sa_spec {
	uint32_t spi;             /**< SPI (host order), 256.. */
	bool outbound;            /**< outbound (else inbound) */
	bool tunnel;              /**< tunnel mode (else transport) */
	uint8_t family;           /**< IP version of the protected packets: 4 or 6 */
	uint8_t tun_family;       /**< tunnel: IP version of the endpoints, 4 or 6 */
	uint8_t local[16];        /**< tunnel: local endpoint (outbound outer source) */
	uint8_t remote[16];       /**< tunnel: remote endpoint (outbound outer destination) */
	struct rte_ether_hdr l2;  /**< outbound tunnel: outer Ethernet header (EtherType set by
				   *   the engine); inbound tunnel: the inner packet's header */
	enum esp_alg alg;         /**< algorithms */
	uint8_t key[ESP_KEY_MAX]; /**< cipher (or AEAD) key */
	uint8_t salt[4];          /**< AES-GCM salt */
	uint8_t auth_key[ESP_KEY_MAX]; /**< HMAC-SHA-256 key (CBC algorithms) */
	bool esn;                 /**< 64-bit extended sequence numbers */
	uint32_t replay_win;      /**< inbound anti-replay window in packets, 0: none */
	uint64_t sqn_next;        /**< outbound: the first sequence number sent (0: 1);
				   *   inbound: where the replay window starts */
	bool lookaside;           /**< crypto ops through the device's queue pair instead of
				   *   CPU crypto (outbound AES-CBC always) */
};

/** The crypto transforms of @p s in @p xf (AEAD, or cipher and auth in the direction's order). */
void esp_sa_xforms(const struct esp_sa_spec *s, struct rte_crypto_sym_xform xf[2]);

/** Key length of algorithm @p alg (cipher or AEAD key). */
uint8_t esp_alg_key_len(enum esp_alg alg);

/** The crypto devices and session pool the SAs use (one per daemon). */
struct esp_crypto {
	uint8_t dev_gcm;                  /**< cryptodev id of crypto_aesni_gcm */
	uint8_t dev_mb;                   /**< cryptodev id of crypto_aesni_mb */
	bool ready;                       /**< both devices configured and started */
	struct rte_mempool *sess_pool;    /**< sessions of both devices */
	struct rte_mempool *cop_pool;     /**< crypto ops (lookaside) */
};

/**
 * Creates and starts the software crypto devices (vdevs "crypto_aesni_gcm_vsw",
 * "crypto_aesni_mb_vsw") and a pool for @p max_sa sessions.
 * @return 0, or a negative errno with @p e (-ENOTSUP: a device lacks CPU crypto).
 */
int esp_crypto_init(struct esp_crypto *cr, uint32_t max_sa, int socket, struct ctrl_err *e);

/** Stops and removes what esp_crypto_init() made (NULL-safe, idempotent). */
void esp_crypto_fini(struct esp_crypto *cr);

/** Words of an inbound anti-replay bitmap: windows up to 4096 packets, with room to slide. */
#define ESP_RP_WORDS 128

/**
 * An inbound anti-replay window (RFC 4303 3.4.3), kept by vswd besides rte_ipsec's: DPDK
 * 22.11 computes the bit of a sequence number in a 32-bit variable (esn_inb_update_sqn()),
 * so numbers whose position in their 64-bit word is 32..63 are never marked, and their
 * replays are taken. Checked before decryption, updated after authentication.
 */
struct esp_replay {
	uint64_t top;                    /**< highest sequence number taken (64-bit) */
	uint32_t win;                    /**< window in packets, 0: no replay check */
	bool esn;                        /**< numbers are 64-bit (reconstructed) */
	uint64_t bits[ESP_RP_WORDS];     /**< bit s % 8192: s was taken (within the window) */
};

/** One SA with its session. */
struct esp_sa {
	struct rte_ipsec_sa *sa;        /**< rte_ipsec state (sequence numbers, window) */
	struct rte_ipsec_session ss;    /**< its CPU-crypto session */
	void *crypto_ses;               /**< the cryptodev session behind ss */
	uint8_t dev_id;                 /**< the cryptodev of crypto_ses */
	bool outbound;                  /**< direction */
	bool tunnel;                    /**< mode */
	uint8_t family;                 /**< IP version of the protected packets */
	struct rte_ether_hdr in_l2;     /**< inbound tunnel: header given to the inner packet */
	uint8_t iv_len;                 /**< IV bytes after the ESP header */
	uint8_t icv_len;                /**< ICV bytes at the end */
	uint8_t align;                  /**< the ciphertext's length is a multiple of this */
	struct esp_replay rp;           /**< inbound: vswd's anti-replay window */
	struct rte_ipsec_session la;    /**< its lookaside session (crypto ops) */
	struct rte_mempool *cop_pool;   /**< where its crypto ops come from */
	bool lookaside;                 /**< crypto through la (else CPU crypto) */
	bool cbc_out;                   /**< outbound AES-CBC: random IVs (lookaside only) */
	struct esp_inline *inl;         /**< inline crypto on the uplink's NIC (esp_inline.c),
					 *   NULL: software only */
};

struct esp_inline;

/** Why the engine refused a frame (esp_sa_process_idx()). */
enum esp_why {
	ESP_OK = 0,       /**< not refused */
	ESP_MALFORMED,    /**< not IP in one segment, ESP too short or misaligned, bad padding */
	ESP_REPLAY,       /**< inbound: sequence number replayed or behind the window */
	ESP_AUTH,         /**< inbound: the ICV does not match */
	ESP_OVERFLOW,     /**< outbound: the sequence numbers are used up (rekey) */
	ESP_OTHER,        /**< no room for the headers, or another engine error */
};

/**
 * Makes @p sa from @p spec on @p cr. @return 0, or a negative errno with @p e naming
 * @p path (-ENOMEM: out of memory, -EINVAL: the devices refuse the parameters).
 */
int esp_sa_create(struct esp_crypto *cr, const struct esp_sa_spec *spec, struct esp_sa *sa,
		const char *path, struct ctrl_err *e);

/** Frees what esp_sa_create() made (NULL members are fine). */
void esp_sa_free(struct esp_sa *sa);

/**
 * Processes the @p n Ethernet frames of @p mb (IPv4 or IPv6, untagged, one SA) through
 * @p sa: encrypts (outbound) or authenticates, checks the window and decrypts (inbound).
 * The frames that succeed come first in @p mb, in order; those that failed follow, and when
 * @p why is not NULL, why[i] says why mb[i] failed (enum esp_why; ESP_OK for the others).
 * @return number that succeeded.
 */
uint16_t esp_sa_process(struct esp_sa *sa, struct rte_mbuf **mb, uint16_t n, uint8_t *why);

/** Most frames esp_sa_process_idx() takes. */
#define ESP_IDX_MAX 64

/**
 * esp_sa_process() on the @p n frames of @p pkts whose indexes @p idx lists (at most
 * ESP_IDX_MAX), leaving @p pkts in its order; why[i] (enum esp_why) for frame pkts[idx[i]].
 * @return bit i set when frame pkts[idx[i]] succeeded.
 */
uint64_t esp_sa_process_idx(struct esp_sa *sa, struct rte_mbuf **pkts, const uint8_t *idx,
		uint16_t n, uint8_t *why);

#endif
