/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_IPSEC_CFG_H
#define VSW_IPSEC_CFG_H

/**
 * @file
 * The "ipsec" config section: security associations ("sa") and the ordered security policy
 * entries ("spd") of the VM ports. Parsed and checked here: every error names its JSON path
 * and nothing is half-filled on error. The config document's "ipsec" key (cfg_parse.c);
 * applied by ipsec_ctl.c.
 */

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "cfg.h"
#include "ctrl_err.h"
#include "esp.h"
#include "spd.h"

/** Most SAs of a switch. */
#define IPSEC_MAX_SA 4096
/** Longest anti-replay window. */
#define IPSEC_MAX_WINDOW 4096

/** One "sa" entry. */
struct cfg_ipsec_sa {
	char name[CFG_NAME_LEN];    /**< unique name, the SPD names it */
	char port[CFG_NAME_LEN];    /**< the VM port it belongs to */
	char uplink[CFG_NAME_LEN];  /**< tunnel: the port the ESP traffic uses */
	uint32_t dir;               /**< 0: in (to the VM), 1: out (from the VM) */
	uint32_t spi;               /**< SPI, 256.. */
	uint32_t mode;              /**< 0: tunnel, 1: transport */
	uint32_t family;            /**< IP version of the protected packets (4, 6) */
	uint32_t alg;               /**< enum esp_alg */
	uint8_t key[ESP_KEY_MAX];   /**< cipher or AEAD key */
	uint8_t key_len;            /**< its length as given (the algorithm's, checked) */
	uint8_t salt[4];            /**< AES-GCM salt */
	uint8_t auth_key[ESP_KEY_MAX]; /**< HMAC-SHA-256 key (CBC) */
	uint8_t has_key;            /**< "key" given */
	uint8_t has_salt;           /**< "salt" given */
	uint8_t has_auth_key;       /**< "auth_key" given */
	uint8_t tun_family;         /**< tunnel: endpoints' IP version, 0: not given */
	uint8_t local[16];          /**< tunnel: local endpoint */
	uint8_t remote[16];         /**< tunnel: remote endpoint */
	uint8_t has_local;          /**< "local" given */
	uint8_t has_remote;         /**< "remote" given */
	uint8_t has_next_hop;       /**< "next_hop_mac" given */
	uint8_t next_hop[6];        /**< outbound tunnel: MAC the ESP frames are sent to */
	bool esn;                   /**< extended sequence numbers */
	uint32_t window;            /**< inbound anti-replay window (packets), 0: none */
	uint64_t soft_bytes;        /**< lifetime: bytes before the soft event, 0: none */
	uint64_t hard_bytes;        /**< lifetime: bytes before the SA stops, 0: none */
	uint64_t soft_packets;      /**< lifetime: packets before the soft event, 0: none */
	uint64_t hard_packets;      /**< lifetime: packets before the SA stops, 0: none */
	uint16_t port_idx;          /**< the port's index in the document (ipsec_cfg_check) */
	uint16_t uplink_idx;        /**< the uplink's index in the document */
};

/** One "spd" entry. */
struct cfg_ipsec_spd {
	struct cfg_acl sel;         /**< selector (ACL vocabulary), port and direction
				     *   (sel.port, sel.dir: CFG_ACL_IN or CFG_ACL_OUT) */
	uint32_t action;            /**< enum spd_action */
	char sa[CFG_NAME_LEN];      /**< protect: the SA's name */
	uint16_t sa_idx;            /**< protect: the SA's index (ipsec_cfg_check) */
};

/**
 * Parses section @p v (NULL: absent, empty) at @p path into @p c.
 * @return 0, or a negative errno with @p e naming the field (-ENOMEM: out of memory).
 */
int ipsec_cfg_parse(json_t *v, struct cfg_ipsec *c, const char *path, struct ctrl_err *e);

/**
 * Checks the rules across entries and against the ports of @p doc: names and SPIs unique,
 * ports and uplinks exist, keys fit their algorithm, tunnel keys complete, SPD entries name
 * an SA of their port and direction, no two entries of a port and direction whose selectors
 * overlap disagree. Resolves port_idx, uplink_idx, sa_idx. @return 0 or -EINVAL with @p e.
 */
int ipsec_cfg_check(struct cfg_ipsec *c, const struct vsw_config *doc, const char *path,
		struct ctrl_err *e);

/** Default "ipsec.offload_max_sa" of a port (Hyper-V's default). */
#define IPSEC_OFFLOAD_MAX_SA_DEF 512

/** Parser of a port's "ipsec" object (absent: the defaults); a cfg_item_fn on a cfg_port. */
int ipsec_cfg_parse_port(json_t *v, void *obj, const char *path, struct ctrl_err *e);

/** Writer of a port's "ipsec" object: NULL when every value is the default. */
json_t *ipsec_cfg_emit_port(const void *obj);

/** What the API shows instead of a key. */
#define IPSEC_HIDDEN "(hidden)"

/** The section as JSON (new reference); keys as hex, or IPSEC_HIDDEN when @p hide_keys. */
json_t *ipsec_cfg_emit(const struct cfg_ipsec *c, bool hide_keys);

/** SA @p sa alone as its JSON object (an element of "sa"), keys as ipsec_cfg_emit(). */
json_t *ipsec_cfg_sa_emit(const struct cfg_ipsec_sa *sa, bool hide_keys);

/**
 * In the JSON section @p section (a document being applied), replaces each key given as
 * IPSEC_HIDDEN by the key of the running SA of that name in @p run, so that what config.get
 * showed can be applied back; a hidden key with no running SA stays (and fails to parse).
 */
void ipsec_cfg_unhide(json_t *section, const struct cfg_ipsec *run);

/**
 * A copy of JSON value @p v (any request) with every "key", "salt" and "auth_key" member, at
 * any depth, replaced by IPSEC_HIDDEN: what may be logged. @return a new reference (NULL on
 * no memory).
 */
json_t *ipsec_cfg_redact(const json_t *v);

/** True when @p a and @p b are the same section (entries, order, keys). */
bool ipsec_cfg_equal(const struct cfg_ipsec *a, const struct cfg_ipsec *b);

/** Frees what ipsec_cfg_parse() allocated (the struct itself is the caller's). */
void ipsec_cfg_free(struct cfg_ipsec *c);

#endif
