/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_IPSEC_CTL_H
#define VSW_IPSEC_CTL_H

/**
 * @file
 * IPsec on the control thread: applies the "ipsec" section (the running SA table, the SPD
 * classifier, the handoff rings) in the phases of ctrl_config_apply(), and builds the IPsec
 * part of every snapshot (struct dp_ipsec) from the running state.
 *
 * An apply: ipsec_ctl_prepare() (can fail, changes nothing), ipsec_ctl_stage() (snapshots
 * built from now on use the next SAs and SPD; ipsec_ctl_unstage() takes that back), and after
 * the publish ipsec_ctl_commit() (cannot fail: the table takes the next SAs, the replaced
 * ones and the old SPD are freed). ipsec_ctl_abort() frees what a refused apply prepared.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ring.h>

#include "cfg.h"
#include "ctrl_err.h"
#include "ipsec_cfg.h"
#include "ipsec_dp.h"
#include "ipsec_table.h"
#include "port.h"
#include "spd.h"

/** Lifetime events kept for ipsec.events. */
#define IPSEC_EVENTS 64

/** One lifetime event. */
struct ipsec_event {
	uint64_t seq;                      /**< its number (1, 2, ...) */
	uint64_t unix_s;                   /**< when (wall clock seconds) */
	char sa[CFG_NAME_LEN];             /**< the SA */
	uint32_t spi;                      /**< its SPI */
	bool hard;                         /**< hard (the SA stopped), else soft (rekey now) */
	uint64_t packets;                  /**< lifetime use then */
	uint64_t bytes;                    /**< lifetime use then */
};

/** The control thread's IPsec state. */
struct ipsec_ctl {
	struct ipsec_table t;              /**< the running SAs */
	struct ipsec_seq seq;              /**< outbound sequence state file (ipsec_seq.h) */
	uint64_t next_poll;                /**< TSC of the next ipsec_ctl_poll() pass */
	uint64_t n_events;                 /**< events so far */
	struct ipsec_event ev[IPSEC_EVENTS]; /**< the last ones, ev[n % IPSEC_EVENTS] */
	uint32_t n_dead;                   /**< entries in dead[] */
	struct esp_inline **dead;          /**< inline sessions taken off SAs, destroyed after
					    *   the next publish (malloc'd, IPSEC_MAX_SA) */
	struct ipsec_spd *spd;             /**< SPD of the running (or staged) section */
	struct ipsec_rsa **use_sa;         /**< the SAs snapshots use: t.sa, or staged ones */
	uint32_t n_use;                    /**< entries in use_sa */
	uint16_t n_workers;                /**< workers */
	uint16_t n_active;                 /**< running workers: inbound SAs' owners are among
					    *   them */
	bool owner_hold;                   /**< a running-set change: the next snapshot gives
					    *   inbound SAs no owner (rxq_ctl_set_active()) */
	struct rte_ring *ring[VSW_MAX_WORKERS]; /**< per worker: inbound frames handed to it
					    *   (NULL with one worker) */
};

/** What one apply prepares. */
struct ipsec_ctl_prep {
	bool change;                 /**< the section or its ports' slots change */
	struct ipsec_table_plan tp;  /**< the next SAs */
	struct ipsec_spd *spd;       /**< the next SPD (NULL: no entries) */
	struct cfg_ipsec run;        /**< copy of the next section, ports as running slots */
	bool staged;                 /**< the running config holds run (and old_* the before) */
	struct ipsec_spd *old_spd;   /**< staged: the SPD before */
	struct cfg_ipsec old_run;    /**< staged: the running section before */
	uint8_t *why;                /**< staged: per next SA, its placement (enum ipsec_why) */
};

/** Makes the rings for @p n_workers. @return 0 or -ENOMEM with @p e. */
int ipsec_ctl_init(struct ipsec_ctl *ic, uint16_t n_workers, struct ctrl_err *e);

/**
 * Opens the outbound sequence state file @p path ("": none, outbound SAs are refused);
 * before the first apply. @return 0 or -ENOMEM with @p e.
 */
int ipsec_ctl_state(struct ipsec_ctl *ic, const char *path, struct ctrl_err *e);

/**
 * Periodic work (every 50 ms of @p now, TSC at @p hz): saves the next sequence reserve of
 * outbound SAs that used half of theirs, and reports lifetimes reached (log, events).
 */
void ipsec_ctl_poll(struct ipsec_ctl *ic, uint64_t now, uint64_t hz);

/**
 * Prepares the section of @p next (a parsed document; its port index j has running slot
 * @p slot_of[j]). @p moved: ports are added, removed, reopened or change live settings
 * (slots, and the placement's inputs). Nothing when the section and the ports stay
 * (pr->change false).
 * @return 0, or a negative errno with @p e naming the field.
 */
int ipsec_ctl_prepare(struct ipsec_ctl *ic, const struct cfg_ipsec *cur,
		const struct cfg_ipsec *next, const int16_t *slot_of, bool moved,
		struct ipsec_ctl_prep *pr, struct ctrl_err *e);

/**
 * Puts the prepared section in @p cfg (the running config, ports open as @p ports) and the
 * SAs and SPD in use, and places the SAs (ipsec_place.h): an SA that goes on the NIC gets
 * its inline session now (refused: it stays in software), one that leaves it loses it now
 * (destroyed after the next publish).
 */
void ipsec_ctl_stage(struct ipsec_ctl *ic, struct vsw_config *cfg,
		const struct pmd_port *ports, struct ipsec_ctl_prep *pr);

/** Takes the staged section back out of @p running (before an undo). */
void ipsec_ctl_unstage(struct ipsec_ctl *ic, struct cfg_ipsec *running,
		struct ipsec_ctl_prep *pr);

/**
 * After the publish of a snapshot built while staged: the table takes the next SAs (with
 * @p next's config), and what they replaced is freed. Cannot fail.
 */
void ipsec_ctl_commit(struct ipsec_ctl *ic, struct ipsec_ctl_prep *pr,
		const struct cfg_ipsec *next);

/** Frees what a refused apply prepared (unstaged first). */
void ipsec_ctl_abort(struct ipsec_ctl_prep *pr);

/**
 * The IPsec part of snapshot @p s (ports filled, arcs not yet built) from the running
 * section @p run and the SAs in use: SAs with their MACs, VLANs and owners, the inbound SPI
 * table, the SPD and rings; sets the ports' ipsec flags. @return 0 (s->ipsec NULL when there
 * is nothing), or -ENOMEM with @p e.
 */
int ipsec_snap_build(const struct ipsec_ctl *ic, const struct cfg_ipsec *run,
		const struct vsw_config *cfg, const struct pmd_port *ports, struct dp_snap *s,
		struct ctrl_err *e);

/** Frees everything (at exit; no worker runs). */
void ipsec_ctl_fini(struct ipsec_ctl *ic);

/** Where running SA @p k runs: "software" (cpu-crypto) or "inline" (the uplink's NIC). */
const char *ipsec_sa_runs(const struct ipsec_ctl *ic, uint32_t k);

/** Why running SA @p k runs where it does (one line). */
const char *ipsec_sa_why(const struct ipsec_ctl *ic, uint32_t k);

/** Sum of SA @p r's counters over the workers into @p sum. */
void ipsec_rsa_ctr_sum(const struct ipsec_rsa *r, struct dp_ipsec_ctr *sum);

#endif
