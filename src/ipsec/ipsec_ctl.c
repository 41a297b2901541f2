/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "esp_inline.h"
#include "ipsec_ctl.h"
#include "ipsec_place.h"
#include "vsw_log.h"

int
ipsec_ctl_init(struct ipsec_ctl *ic, uint16_t n_workers, struct ctrl_err *e)
{
	char name[RTE_RING_NAMESIZE];
	uint16_t w;

	memset(ic, 0, sizeof(*ic));
	ic->n_workers = n_workers;
	ic->n_active = n_workers;
	ic->dead = calloc(IPSEC_MAX_SA, sizeof(*ic->dead));
	if (ic->dead == NULL)
		return ctrl_nomem(e, "$", "out of memory for IPsec");
	for (w = 0; n_workers > 1 && w < n_workers; w++) {
		snprintf(name, sizeof(name), "vsw_ipsec_in_%u", w);
		ic->ring[w] = rte_ring_create(name, DP_IPSEC_RING_SIZE, SOCKET_ID_ANY,
				RING_F_SC_DEQ);
		if (ic->ring[w] == NULL) {
			ipsec_ctl_fini(ic);
			return ctrl_nomem(e, "$", "out of memory for the IPsec handoff rings");
		}
	}
	return 0;
}

int
ipsec_ctl_state(struct ipsec_ctl *ic, const char *path, struct ctrl_err *e)
{
	ipsec_seq_close(&ic->seq);
	if (ipsec_seq_open(&ic->seq, path) != 0)
		return ctrl_nomem(e, "$", "out of memory for the IPsec sequence state");
	if (ic->seq.broken)
		VSW_LOG(ERR, "ipsec: %s: outbound SAs are refused until it is repaired or removed "
				"(and their keys changed)\n", ic->seq.why);
	ic->t.seq = &ic->seq;
	return 0;
}

/* Records lifetime event @p hard of running SA @p r, and logs it. */
static void
life_event(struct ipsec_ctl *ic, const struct ipsec_rsa *r, bool hard)
{
	struct ipsec_event *ev = &ic->ev[ic->n_events % IPSEC_EVENTS];
	uint64_t p = __atomic_load_n(&r->life.packets, __ATOMIC_RELAXED);
	uint64_t b = __atomic_load_n(&r->life.bytes, __ATOMIC_RELAXED);

	*ev = (struct ipsec_event){ .seq = ++ic->n_events, .unix_s = (uint64_t)time(NULL),
		.spi = r->cfg.spi, .hard = hard, .packets = p, .bytes = b };
	snprintf(ev->sa, sizeof(ev->sa), "%s", r->cfg.name);
	if (hard)
		VSW_LOG(WARNING, "ipsec: SA %s (SPI 0x%x) reached its hard lifetime after %" PRIu64
				" packets, %" PRIu64 " bytes: it stopped, its traffic is dropped "
				"(ipsec_sa_expired) until it is replaced\n", r->cfg.name, r->cfg.spi,
				p, b);
	else
		VSW_LOG(NOTICE, "ipsec: SA %s (SPI 0x%x) reached its soft lifetime after %" PRIu64
				" packets, %" PRIu64 " bytes: rekey\n", r->cfg.name, r->cfg.spi, p, b);
}

/* True when @p used reached limit @p lim (0: none). */
static inline bool
reached(uint64_t used, uint64_t lim)
{
	return lim != 0 && used >= lim;
}

void
ipsec_ctl_poll(struct ipsec_ctl *ic, uint64_t now, uint64_t hz)
{
	struct ctrl_err e;
	uint32_t k;

	if (now < ic->next_poll)
		return;
	ic->next_poll = now + hz / 20;
	for (k = 0; k < ic->t.n; k++) {
		struct ipsec_rsa *r = ic->t.sa[k];
		uint64_t p = __atomic_load_n(&r->life.packets, __ATOMIC_RELAXED);
		uint64_t b = __atomic_load_n(&r->life.bytes, __ATOMIC_RELAXED);
		uint64_t next, mark;

		if (!r->soft_hit && (reached(p, r->cfg.soft_packets) ||
				reached(b, r->cfg.soft_bytes))) {
			r->soft_hit = true;
			life_event(ic, r, false);
		}
		if (!r->hard_hit && (reached(p, r->cfg.hard_packets) ||
				reached(b, r->cfg.hard_bytes))) {
			r->hard_hit = true;
			life_event(ic, r, true);
		}
		if (r->cfg.dir != 1 || r->sqn_saved == 0)
			continue;
		/* The admitted count bounds the numbers used: save ahead of it. */
		next = r->sqn_first + p;
		if (next + IPSEC_SEQ_BLOCK / 2 <= r->sqn_saved)
			continue;
		mark = next + IPSEC_SEQ_BLOCK;
		if (!r->cfg.esn)
			mark = RTE_MIN(mark, (uint64_t)UINT32_MAX);
		if (mark <= r->sqn_saved)
			continue; /* used up: the engine refuses more (seq_overflow) */
		if (ipsec_seq_reserve(&ic->seq, r->cfg.spi, r->key_id, mark, r->cfg.name, &e) != 0) {
			VSW_LOG(ERR, "ipsec: SA %s: %s: its frames wait (ipsec_seq_unsaved)\n",
					e.path, e.msg);
			continue;
		}
		r->sqn_saved = mark;
		ipsec_rsa_limits(r);
	}
}

/* Copies section @p next into @p run with its ports as running slots. */
static int
run_copy(const struct cfg_ipsec *next, const int16_t *slot_of, struct cfg_ipsec *run,
		struct ctrl_err *e)
{
	uint32_t i;

	memset(run, 0, sizeof(*run));
	run->sa = malloc((next->n_sa + 1) * sizeof(*run->sa));
	run->spd = malloc((next->n_spd + 1) * sizeof(*run->spd));
	if (run->sa == NULL || run->spd == NULL) {
		ipsec_cfg_free(run);
		return ctrl_nomem(e, "$.ipsec", "out of memory");
	}
	run->n_sa = next->n_sa;
	run->n_spd = next->n_spd;
	memcpy(run->sa, next->sa, next->n_sa * sizeof(*run->sa));
	memcpy(run->spd, next->spd, next->n_spd * sizeof(*run->spd));
	for (i = 0; i < run->n_sa; i++) {
		run->sa[i].port_idx = (uint16_t)slot_of[run->sa[i].port_idx];
		run->sa[i].uplink_idx = (uint16_t)slot_of[run->sa[i].uplink_idx];
	}
	for (i = 0; i < run->n_spd; i++)
		run->spd[i].sel.port_idx = (uint16_t)slot_of[run->spd[i].sel.port_idx];
	return 0;
}

/* The SPD of running section @p run, or NULL with no entries (@p e: -ENOMEM or -EINVAL). */
static int
spd_of(const struct cfg_ipsec *run, struct ipsec_spd **out, struct ctrl_err *e)
{
	struct spd_entry *ent;
	uint32_t i;

	*out = NULL;
	if (run->n_spd == 0)
		return 0;
	ent = calloc(run->n_spd, sizeof(*ent));
	if (ent == NULL)
		return ctrl_nomem(e, "$.ipsec.spd", "out of memory");
	for (i = 0; i < run->n_spd; i++) {
		ent[i].sel = run->spd[i].sel;
		ent[i].action = (uint8_t)run->spd[i].action;
		ent[i].sa = run->spd[i].sa_idx;
	}
	*out = spd_build(ent, run->n_spd, e);
	free(ent);
	return *out != NULL ? 0 : ctrl_err_rc(e, -EINVAL);
}

int
ipsec_ctl_prepare(struct ipsec_ctl *ic, const struct cfg_ipsec *cur,
		const struct cfg_ipsec *next, const int16_t *slot_of, bool moved,
		struct ipsec_ctl_prep *pr, struct ctrl_err *e)
{
	int rc;

	memset(pr, 0, sizeof(*pr));
	if (next->n_sa == 0 && next->n_spd == 0 && cur->n_sa == 0 && cur->n_spd == 0)
		return 0;
	/* The running copy has slots: compare what next becomes. */
	rc = run_copy(next, slot_of, &pr->run, e);
	if (rc != 0)
		return rc;
	if (!moved && ipsec_cfg_equal(cur, &pr->run)) {
		ipsec_cfg_free(&pr->run);
		return 0;
	}
	pr->change = true;
	rc = ipsec_table_prepare(&ic->t, next, &pr->tp, e);
	if (rc == 0)
		rc = spd_of(&pr->run, &pr->spd, e);
	if (rc != 0) {
		ipsec_ctl_abort(pr);
		return rc;
	}
	return 0;
}

/* Takes inline session of @p r off (destroyed after the next publish). */
static void
inline_off(struct ipsec_ctl *ic, struct ipsec_rsa *r)
{
	struct esp_inline *inl = r->esp.inl;

	if (inl == NULL || ic->n_dead == IPSEC_MAX_SA) /* full: it stays until a commit */
		return;
	__atomic_store_n(&r->esp.inl, NULL, __ATOMIC_RELEASE);
	ic->dead[ic->n_dead++] = inl;
}

/* Places the @p n SAs of @p sa (running config @p run, slots) over the ports into @p why. */
static void
place(const struct cfg_ipsec *run, const struct vsw_config *cfg, const struct pmd_port *ports,
		uint8_t *why)
{
	struct ipsec_place_port *pp = calloc(VSW_MAX_PORTS, sizeof(*pp));
	struct ipsec_place_sa *ps = calloc(run->n_sa + 1, sizeof(*ps));
	uint32_t i;

	if (pp == NULL || ps == NULL) {
		memset(why, IPSEC_WHY_SLOTS, run->n_sa); /* software is always safe */
		free(pp);
		free(ps);
		return;
	}
	for (i = 0; i < cfg->n_ports; i++) {
		if (!cfg_port_used(&cfg->ports[i]) || !ports[i].open)
			continue;
		pp[i].max_sa = cfg->ports[i].ipsec_max_sa;
		pp[i].prio = cfg->ports[i].ipsec_prio;
		ipsec_caps_probe(ports[i].eth_id, &pp[i].caps);
		pp[i].caps.slots = cfg->ports[i].ipsec_slots;
	}
	for (i = 0; i < run->n_sa; i++)
		ps[i] = (struct ipsec_place_sa){ .port = run->sa[i].port_idx,
			.uplink = run->sa[i].uplink_idx, .outbound = run->sa[i].dir == 1,
			.transport = run->sa[i].mode == 1, .alg = (uint8_t)run->sa[i].alg };
	ipsec_place(ps, run->n_sa, pp, why);
	free(pp);
	free(ps);
}

void
ipsec_ctl_stage(struct ipsec_ctl *ic, struct vsw_config *cfg, const struct pmd_port *ports,
		struct ipsec_ctl_prep *pr)
{
	struct cfg_ipsec *running = &cfg->ipsec;
	struct esp_sa_spec spec;
	struct ctrl_err e;
	uint32_t i;

	if (!pr->change || pr->staged)
		return;
	pr->old_run = *running;
	*running = pr->run;
	memset(&pr->run, 0, sizeof(pr->run));
	pr->old_spd = ic->spd;
	ic->spd = pr->spd;
	pr->spd = NULL;
	ic->use_sa = pr->tp.sa;
	ic->n_use = pr->tp.n;
	pr->staged = true;
	pr->why = malloc(running->n_sa + 1);
	if (pr->why == NULL || ic->dead == NULL) {
		for (i = 0; i < running->n_sa; i++)
			inline_off(ic, pr->tp.sa[i]);
		return;
	}
	place(running, cfg, ports, pr->why);
	for (i = 0; i < running->n_sa; i++) {
		struct ipsec_rsa *r = pr->tp.sa[i];
		bool want = pr->why[i] == IPSEC_WHY_INLINE;

		if (!want) {
			inline_off(ic, r);
		} else if (r->esp.inl == NULL) {
			ipsec_rsa_spec(&r->cfg, &spec);
			if (esp_inline_attach(&r->esp, &spec, ports[running->sa[i].uplink_idx].eth_id,
					r->cfg.name, &e) != 0) {
				VSW_LOG(WARNING, "ipsec: SA %s stays in software: %s\n",
						r->cfg.name, e.msg);
				pr->why[i] = IPSEC_WHY_REFUSED;
			}
		}
	}
}

void
ipsec_ctl_unstage(struct ipsec_ctl *ic, struct cfg_ipsec *running, struct ipsec_ctl_prep *pr)
{
	if (!pr->staged)
		return;
	pr->run = *running;
	*running = pr->old_run;
	memset(&pr->old_run, 0, sizeof(pr->old_run));
	pr->spd = ic->spd;
	ic->spd = pr->old_spd;
	pr->old_spd = NULL;
	ic->use_sa = ic->t.sa;
	ic->n_use = ic->t.n;
	pr->staged = false;
}

void
ipsec_ctl_commit(struct ipsec_ctl *ic, struct ipsec_ctl_prep *pr, const struct cfg_ipsec *next)
{
	uint32_t i;

	if (!pr->change)
		return;
	ipsec_table_commit(&ic->t, &pr->tp, next);
	ic->use_sa = ic->t.sa;
	ic->n_use = ic->t.n;
	for (i = 0; i < ic->t.n; i++)
		ic->t.sa[i]->why = pr->why != NULL ? pr->why[i] : IPSEC_WHY_SLOTS;
	free(pr->why);
	/* The publish waited for the workers: inline sessions taken off are unused now. */
	while (ic->n_dead > 0)
		ipsec_inline_free(ic->dead[--ic->n_dead]);
	/* The published snapshot uses neither the replaced SAs nor the old SPD. */
	ipsec_table_retire(&pr->tp);
	spd_free(pr->old_spd);
	ipsec_cfg_free(&pr->old_run);
	memset(pr, 0, sizeof(*pr));
}

void
ipsec_ctl_abort(struct ipsec_ctl_prep *pr)
{
	if (!pr->change && pr->run.sa == NULL)
		return;
	ipsec_table_abort(&pr->tp);
	free(pr->why);
	spd_free(pr->spd);
	ipsec_cfg_free(&pr->run);
	memset(pr, 0, sizeof(*pr));
}

/* The VLAN in which port @p p sends and receives untagged frames, 0: none. */
static uint16_t
port_vid(const struct cfg_port *p)
{
	return (uint16_t)(p->vlan_mode == DP_VLAN_ACCESS ? p->access_vlan : p->native_vlan);
}

/* True when selector @p a matches every frame (no field set). */
static bool
sel_all(const struct cfg_acl *a)
{
	return !a->has_lmac && !a->has_rmac && !a->has_lip && !a->has_rip && a->family == 0 &&
		a->protocol == 256 && a->lport[0] == 0 && a->lport[1] == 65535 &&
		a->rport[0] == 0 && a->rport[1] == 65535;
}

/* Orders inbound SPI entries by (spi, uplink). */
static int
spi_cmp(const void *a, const void *b)
{
	const struct dp_ipsec_spi *x = a, *y = b;

	if (x->spi != y->spi)
		return x->spi < y->spi ? -1 : 1;
	return (int)x->uplink - (int)y->uplink;
}

/* True when SAs @p a and @p b serve one peer the same way (a rekey replaces one by the other). */
static bool
same_peer(const struct cfg_ipsec_sa *a, const struct cfg_ipsec_sa *b)
{
	return a->port_idx == b->port_idx && a->uplink_idx == b->uplink_idx &&
		a->dir == b->dir && a->mode == b->mode && a->family == b->family &&
		a->tun_family == b->tun_family && memcmp(a->local, b->local, 16) == 0 &&
		memcmp(a->remote, b->remote, 16) == 0;
}

/* Fills worker view @p d of running SA @p r (config @p c, slots) in snapshot @p s. */
static void
snap_sa(const struct ipsec_ctl *ic, struct ipsec_rsa *r, const struct cfg_ipsec_sa *c,
		const struct vsw_config *cfg, const struct pmd_port *ports, struct dp_snap *s,
		struct dp_ipsec_sa *d)
{
	const struct cfg_port *vm = &cfg->ports[c->port_idx];
	const struct cfg_port *up = &cfg->ports[c->uplink_idx];
	struct rte_ether_addr up_mac = { { 0 } };

	d->esp = &r->esp;
	d->life = &r->life;
	d->ctr = r->ctr;
	d->port = c->port_idx;
	d->uplink = c->uplink_idx;
	d->outbound = c->dir == 1;
	d->tunnel = c->mode == 0;
	d->down = c->port_idx >= s->n_ports || !s->port[c->port_idx].in_use ||
		c->uplink_idx >= s->n_ports || !s->port[c->uplink_idx].in_use;
	if (d->down)
		return;
	d->uplink_vid = port_vid(up);
	d->port_vid = port_vid(vm);
	rte_eth_macaddr_get(ports[c->uplink_idx].eth_id, &up_mac);
	d->src = up_mac;
	if (d->outbound)
		memcpy(d->dst.addr_bytes, c->next_hop, RTE_ETHER_ADDR_LEN);
	else if (vm->sec.n_macs > 0)
		memcpy(d->dst.addr_bytes, vm->sec.macs[0], RTE_ETHER_ADDR_LEN);
	/* rte_ipsec takes an inbound SA on one thread at a time: a stable owner by SPI. */
	d->owner = ic->owner_hold ? DP_IPSEC_NO_OWNER :
		(uint16_t)(c->spi % RTE_MAX(ic->n_active, (uint16_t)1));
	if (d->outbound)
		s->port[c->port_idx].ipsec_out = 1;
	else
		s->port[c->uplink_idx].ipsec_in = 1;
}

int
ipsec_snap_build(const struct ipsec_ctl *ic, const struct cfg_ipsec *run,
		const struct vsw_config *cfg, const struct pmd_port *ports, struct dp_snap *s,
		struct ctrl_err *e)
{
	struct dp_ipsec_sa *sa;
	struct dp_ipsec_spi *spi;
	struct dp_ipsec_local *loc;
	struct dp_ipsec *ip;
	uint32_t i, n_in = 0, n_loc = 0;
	uint16_t w;

	s->ipsec = NULL;
	if (run->n_sa == 0 && run->n_spd == 0)
		return 0;
	RTE_VERIFY(ic->n_use == run->n_sa);
	ip = rte_zmalloc("vsw_snap_ipsec", sizeof(*ip) + (run->n_sa + 1) * (sizeof(*sa) +
			sizeof(*spi) + sizeof(*loc)), RTE_CACHE_LINE_SIZE);
	if (ip == NULL)
		return ctrl_nomem(e, "$.ipsec", "out of memory for the snapshot's SAs");
	sa = (struct dp_ipsec_sa *)(ip + 1);
	spi = (struct dp_ipsec_spi *)(sa + run->n_sa + 1);
	loc = (struct dp_ipsec_local *)(spi + run->n_sa + 1);
	for (i = 0; i < run->n_sa; i++) {
		uint32_t g;

		snap_sa(ic, ic->use_sa[i], &run->sa[i], cfg, ports, s, &sa[i]);
		for (g = 0; g < i && !same_peer(&run->sa[g], &run->sa[i]); g++)
			;
		sa[i].group = (uint16_t)g;
		if (!sa[i].outbound && !sa[i].down)
			spi[n_in++] = (struct dp_ipsec_spi){ .spi = run->sa[i].spi,
				.uplink = sa[i].uplink, .sa = (uint16_t)i };
		if (!sa[i].outbound && !sa[i].down && sa[i].tunnel &&
				!dp_ipsec_is_local(&(struct dp_ipsec){ .n_local = n_loc,
				.local = loc }, sa[i].uplink, run->sa[i].tun_family,
				run->sa[i].local)) {
			loc[n_loc].uplink = sa[i].uplink;
			loc[n_loc].family = run->sa[i].tun_family;
			memcpy(loc[n_loc++].addr, run->sa[i].local, 16);
		}
	}
	qsort(spi, n_in, sizeof(*spi), spi_cmp);
	for (i = 0; i < run->n_spd; i++) {
		uint16_t p = run->spd[i].sel.port_idx;
		int d = run->spd[i].sel.dir == CFG_ACL_OUT ? DP_ACL_OUT : DP_ACL_IN;
		uint8_t *seen = d == DP_ACL_OUT ? &s->port[p].ipsec_out : &s->port[p].ipsec_check;

		if (p >= s->n_ports || !s->port[p].in_use)
			continue;
		/* The port's first entry of this direction decides alone when it selects all. */
		if (!*seen && sel_all(&run->spd[i].sel))
			s->port[p].ipsec_all[d] = (uint16_t)(i + 1);
		*seen = 1;
	}
	ip->n_sa = run->n_sa;
	ip->sa = sa;
	ip->n_in_spi = n_in;
	ip->in_spi = spi;
	ip->n_local = n_loc;
	ip->local = loc;
	ip->spd = ic->spd;
	for (w = 0; w < VSW_MAX_WORKERS; w++)
		ip->in_ring[w] = ic->ring[w];
	s->ipsec = ip;
	return 0;
}

void
ipsec_ctl_fini(struct ipsec_ctl *ic)
{
	struct rte_mbuf *m;
	uint16_t w;

	for (w = 0; w < VSW_MAX_WORKERS; w++) {
		if (ic->ring[w] == NULL)
			continue;
		while (rte_ring_dequeue(ic->ring[w], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(ic->ring[w]);
		ic->ring[w] = NULL;
	}
	spd_free(ic->spd);
	ic->spd = NULL;
	while (ic->n_dead > 0)
		ipsec_inline_free(ic->dead[--ic->n_dead]);
	free(ic->dead);
	ic->dead = NULL;
	ipsec_table_fini(&ic->t);
	ipsec_seq_close(&ic->seq);
	ic->use_sa = NULL;
	ic->n_use = 0;
}

void
ipsec_rsa_ctr_sum(const struct ipsec_rsa *r, struct dp_ipsec_ctr *sum)
{
	const uint64_t *a;
	uint64_t *o = (uint64_t *)sum;
	size_t k, n = offsetof(struct dp_ipsec_ctr, errors) / sizeof(uint64_t) + 1;
	uint16_t w;

	memset(sum, 0, sizeof(*sum));
	for (w = 0; w < VSW_MAX_WORKERS; w++) {
		a = (const uint64_t *)&r->ctr[w];
		for (k = 0; k < n; k++)
			o[k] += a[k];
	}
}

const char *
ipsec_sa_runs(const struct ipsec_ctl *ic, uint32_t k)
{
	return ic->t.sa[k]->esp.inl != NULL ? "inline" : "software";
}

const char *
ipsec_sa_why(const struct ipsec_ctl *ic, uint32_t k)
{
	return ipsec_why_text((enum ipsec_why)ic->t.sa[k]->why);
}
