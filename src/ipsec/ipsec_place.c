/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_security.h>

#include "ipsec_place.h"

static const char *const why_text[IPSEC_WHY_MAX] = {
	[IPSEC_WHY_INLINE] = "inline crypto on the uplink's NIC",
	[IPSEC_WHY_VM_OFF] = "its VM port's ipsec.offload_max_sa is 0",
	[IPSEC_WHY_NO_INLINE] = "its uplink offers no inline IPsec (rte_security)",
	[IPSEC_WHY_ALG] = "its uplink cannot do its algorithm, direction or mode inline",
	[IPSEC_WHY_VM_CAP] = "its VM port has ipsec.offload_max_sa SAs on the NIC already",
	[IPSEC_WHY_SLOTS] = "its uplink's ipsec.offload_slots are taken (higher priority first)",
	[IPSEC_WHY_REFUSED] = "the uplink's NIC refused the session or its flow rule",
};

const char *
ipsec_why_text(enum ipsec_why why)
{
	return why < IPSEC_WHY_MAX ? why_text[why] : "?";
}

/* Higher priority first, then the lower SA index (stable). */
struct cand {
	uint32_t prio;   /* its VM's priority */
	uint32_t idx;    /* the SA's index */
};

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->prio != y->prio)
		return x->prio > y->prio ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void
ipsec_place(const struct ipsec_place_sa *sa, uint32_t n, const struct ipsec_place_port *port,
		uint8_t *why)
{
	uint32_t used_vm[VSW_MAX_PORTS] = { 0 }, used_up[VSW_MAX_PORTS] = { 0 };
	struct cand *c = calloc(n + 1, sizeof(*c));
	uint32_t i, k = 0;

	for (i = 0; i < n; i++) {
		const struct ipsec_caps *cap = &port[sa[i].uplink].caps;

		if (port[sa[i].port].max_sa == 0)
			why[i] = IPSEC_WHY_VM_OFF;
		else if (!cap->inline_crypto)
			why[i] = IPSEC_WHY_NO_INLINE;
		else if (!((cap->algs[sa[i].outbound][sa[i].transport] >> sa[i].alg) & 1))
			why[i] = IPSEC_WHY_ALG;
		else if (c == NULL)
			why[i] = IPSEC_WHY_SLOTS; /* no memory to rank them: software is safe */
		else
			c[k++] = (struct cand){ .prio = port[sa[i].port].prio, .idx = i };
	}
	if (c == NULL)
		return;
	qsort(c, k, sizeof(*c), cand_cmp);
	for (i = 0; i < k; i++) {
		const struct ipsec_place_sa *s = &sa[c[i].idx];
		uint32_t slots = port[s->uplink].caps.slots;

		if (used_vm[s->port] >= port[s->port].max_sa) {
			why[c[i].idx] = IPSEC_WHY_VM_CAP;
		} else if (slots != 0 && used_up[s->uplink] >= slots) {
			why[c[i].idx] = IPSEC_WHY_SLOTS;
		} else {
			why[c[i].idx] = IPSEC_WHY_INLINE;
			used_vm[s->port]++;
			used_up[s->uplink]++;
		}
	}
	free(c);
}

/* The algorithms (bits of enum esp_alg) that crypto capability list @p cc offers. */
static uint32_t
caps_algs(const struct rte_cryptodev_capabilities *cc)
{
	bool cbc128 = false, cbc256 = false, sha256 = false;
	uint32_t m = 0;

	for (; cc != NULL && cc->op != RTE_CRYPTO_OP_TYPE_UNDEFINED; cc++) {
		const struct rte_cryptodev_symmetric_capability *s = &cc->sym;
		const struct rte_crypto_param_range *k;

		if (cc->op != RTE_CRYPTO_OP_TYPE_SYMMETRIC)
			continue;
		if (s->xform_type == RTE_CRYPTO_SYM_XFORM_AEAD &&
				s->aead.algo == RTE_CRYPTO_AEAD_AES_GCM) {
			k = &s->aead.key_size;
			m |= (k->min <= 16 && k->max >= 16) << ESP_AES_GCM_128;
			m |= (k->min <= 32 && k->max >= 32) << ESP_AES_GCM_256;
		} else if (s->xform_type == RTE_CRYPTO_SYM_XFORM_CIPHER &&
				s->cipher.algo == RTE_CRYPTO_CIPHER_AES_CBC) {
			k = &s->cipher.key_size;
			cbc128 |= k->min <= 16 && k->max >= 16;
			cbc256 |= k->min <= 32 && k->max >= 32;
		} else if (s->xform_type == RTE_CRYPTO_SYM_XFORM_AUTH &&
				s->auth.algo == RTE_CRYPTO_AUTH_SHA256_HMAC) {
			sha256 = true;
		}
	}
	if (sha256)
		m |= (uint32_t)cbc128 << ESP_AES_CBC_128_SHA256 |
			(uint32_t)cbc256 << ESP_AES_CBC_256_SHA256;
	return m;
}

void
ipsec_caps_probe(uint16_t eth_id, struct ipsec_caps *c)
{
	const struct rte_security_capability *cap;
	struct rte_eth_dev_info info;
	void *ctx;

	memset(c->algs, 0, sizeof(c->algs));
	c->inline_crypto = false;
	if (rte_eth_dev_info_get(eth_id, &info) != 0 ||
			!(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SECURITY) ||
			!(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_SECURITY))
		return;
	ctx = rte_eth_dev_get_sec_ctx(eth_id);
	cap = ctx != NULL ? rte_security_capabilities_get(ctx) : NULL;
	for (; cap != NULL && cap->action != RTE_SECURITY_ACTION_TYPE_NONE; cap++) {
		if (cap->action != RTE_SECURITY_ACTION_TYPE_INLINE_CRYPTO ||
				cap->protocol != RTE_SECURITY_PROTOCOL_IPSEC ||
				cap->ipsec.proto != RTE_SECURITY_IPSEC_SA_PROTO_ESP)
			continue;
		c->algs[cap->ipsec.direction == RTE_SECURITY_IPSEC_SA_DIR_EGRESS]
			[cap->ipsec.mode == RTE_SECURITY_IPSEC_SA_MODE_TRANSPORT] |=
			caps_algs(cap->crypto_capabilities);
		c->inline_crypto = true;
	}
}
