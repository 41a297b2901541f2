/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inline crypto on the uplink's NIC (RTE_SECURITY_ACTION_TYPE_INLINE_CRYPTO), as DPDK's
 * ipsec-secgw does it: an rte_security session on the port's security context, a second
 * rte_ipsec session on the same rte_ipsec SA (so sequence numbers and window are shared
 * with the software session, and moving an SA loses nothing), and for inbound SAs an
 * rte_flow rule (ETH / IP / ESP spi -> SECURITY) that has the NIC decrypt them.
 *
 * Outbound: rte_ipsec_pkt_process() on the inline session builds the ESP frame and marks it
 * for the NIC (RTE_MBUF_F_TX_SEC_OFFLOAD); the port has RTE_ETH_TX_OFFLOAD_SECURITY.
 * Inbound: frames the NIC decrypted carry RTE_MBUF_F_RX_SEC_OFFLOAD (and _FAILED when the
 * ICV did not match) and go through the inline session; others through the software one.
 *
 * Not run on hardware: no NIC here has inline IPsec (doc/ipsec.md). Selected only by the
 * port's capabilities (ipsec_caps_probe()).
 */
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_flow.h>
#include <rte_malloc.h>
#include <rte_security.h>

#include "esp.h"
#include "esp_inline.h"

/* Security session pools, one per ethdev, made with its first inline SA. */
static struct rte_mempool *sec_pool[RTE_MAX_ETHPORTS];

static struct rte_mempool *
pool_of(uint16_t eth_id, struct rte_security_ctx *ctx)
{
	char name[RTE_MEMPOOL_NAMESIZE];

	if (sec_pool[eth_id] != NULL)
		return sec_pool[eth_id];
	snprintf(name, sizeof(name), "vsw_sec_%u", eth_id);
	sec_pool[eth_id] = rte_mempool_create(name, 1024, rte_security_session_get_size(ctx),
			0, 0, NULL, NULL, NULL, NULL, rte_eth_dev_socket_id(eth_id), 0);
	return sec_pool[eth_id];
}

/* The inbound flow rule of @p inl: ESP with its SPI to its local endpoint -> SECURITY. */
static int
flow_in(struct esp_inline *inl, const struct esp_sa_spec *s, struct ctrl_err *e,
		const char *path)
{
	struct rte_flow_item_ipv4 v4 = { 0 }, v4m = { 0 };
	struct rte_flow_item_ipv6 v6 = { 0 }, v6m = { 0 };
	struct rte_flow_item_esp esp = { .hdr.spi = rte_cpu_to_be_32(s->spi) };
	struct rte_flow_item_esp espm = { .hdr.spi = RTE_BE32(0xffffffff) };
	struct rte_flow_action_security act = { .security_session = inl->ses };
	struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_item pat[4] = {
		{ .type = RTE_FLOW_ITEM_TYPE_ETH },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
		{ .type = RTE_FLOW_ITEM_TYPE_ESP, .spec = &esp, .mask = &espm },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	struct rte_flow_action acts[3] = {
		{ .type = RTE_FLOW_ACTION_TYPE_SECURITY, .conf = &act },
		{ .type = RTE_FLOW_ACTION_TYPE_PASSTHRU },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	struct rte_flow_error fe;

	if (s->tun_family == 6 || (!s->tunnel && s->family == 6)) {
		memcpy(v6.hdr.dst_addr, s->local, 16);
		memset(v6m.hdr.dst_addr, 0xff, 16);
		pat[1] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_IPV6, .spec = &v6,
			.mask = &v6m };
	} else {
		memcpy(&v4.hdr.dst_addr, s->local, 4);
		v4m.hdr.dst_addr = RTE_BE32(0xffffffff);
		pat[1] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_IPV4, .spec = &v4,
			.mask = &v4m };
	}
	if (!s->tunnel) { /* transport: any destination of the VM's */
		pat[1].spec = NULL;
		pat[1].mask = NULL;
	}
	inl->flow = rte_flow_create(inl->eth_id, &attr, pat, acts, &fe);
	if (inl->flow == NULL)
		return ctrl_errf(e, path, "the NIC refuses the inbound flow rule: %s",
				fe.message != NULL ? fe.message : "?");
	return 0;
}

/* The offload flags of @p ctx's capability for @p conf (e.g. TX metadata needed), or 0. */
static uint32_t
cap_ol_flags(struct rte_security_ctx *ctx, const struct rte_security_session_conf *conf)
{
	const struct rte_security_capability *cap = rte_security_capabilities_get(ctx);

	for (; cap != NULL && cap->action != RTE_SECURITY_ACTION_TYPE_NONE; cap++)
		if (cap->action == conf->action_type && cap->protocol == conf->protocol &&
				cap->ipsec.mode == conf->ipsec.mode &&
				cap->ipsec.direction == conf->ipsec.direction)
			return cap->ol_flags;
	return 0;
}

int
esp_inline_attach(struct esp_sa *sa, const struct esp_sa_spec *s, uint16_t eth_id,
		const char *path, struct ctrl_err *e)
{
	struct rte_security_session_conf conf = {
		.action_type = RTE_SECURITY_ACTION_TYPE_INLINE_CRYPTO,
		.protocol = RTE_SECURITY_PROTOCOL_IPSEC,
	};
	struct rte_crypto_sym_xform xf[2];
	struct rte_security_ctx *ctx = rte_eth_dev_get_sec_ctx(eth_id);
	struct esp_inline *inl;
	int rc;

	if (ctx == NULL || pool_of(eth_id, ctx) == NULL)
		return ctrl_errf(e, path, "the uplink has no security context");
	inl = rte_zmalloc("vsw_esp_inline", sizeof(*inl), RTE_CACHE_LINE_SIZE);
	if (inl == NULL)
		return ctrl_nomem(e, path, "out of memory");
	esp_sa_xforms(s, xf);
	conf.ipsec.spi = s->spi;
	memcpy(&conf.ipsec.salt, s->salt, sizeof(conf.ipsec.salt));
	conf.ipsec.direction = s->outbound ? RTE_SECURITY_IPSEC_SA_DIR_EGRESS :
		RTE_SECURITY_IPSEC_SA_DIR_INGRESS;
	conf.ipsec.proto = RTE_SECURITY_IPSEC_SA_PROTO_ESP;
	conf.ipsec.mode = s->tunnel ? RTE_SECURITY_IPSEC_SA_MODE_TUNNEL :
		RTE_SECURITY_IPSEC_SA_MODE_TRANSPORT;
	conf.ipsec.options.esn = s->esn;
	if (s->tunnel && s->tun_family == 4) {
		conf.ipsec.tunnel.type = RTE_SECURITY_IPSEC_TUNNEL_IPV4;
		memcpy(&conf.ipsec.tunnel.ipv4.src_ip, s->outbound ? s->local : s->remote, 4);
		memcpy(&conf.ipsec.tunnel.ipv4.dst_ip, s->outbound ? s->remote : s->local, 4);
	} else if (s->tunnel) {
		conf.ipsec.tunnel.type = RTE_SECURITY_IPSEC_TUNNEL_IPV6;
		memcpy(&conf.ipsec.tunnel.ipv6.src_addr, s->outbound ? s->local : s->remote, 16);
		memcpy(&conf.ipsec.tunnel.ipv6.dst_addr, s->outbound ? s->remote : s->local, 16);
	}
	conf.crypto_xform = &xf[0];
	inl->eth_id = eth_id;
	inl->ctx = ctx;
	inl->ses = rte_security_session_create(ctx, &conf, sec_pool[eth_id]);
	if (inl->ses == NULL) {
		rte_free(inl);
		return ctrl_errf(e, path, "the NIC refuses the inline session");
	}
	inl->ss.sa = sa->sa;
	inl->ss.type = RTE_SECURITY_ACTION_TYPE_INLINE_CRYPTO;
	inl->ss.security.ses = inl->ses;
	inl->ss.security.ctx = ctx;
	inl->ss.security.ol_flags = cap_ol_flags(ctx, &conf);
	rc = rte_ipsec_session_prepare(&inl->ss);
	if (rc == 0 && !s->outbound)
		rc = flow_in(inl, s, e, path);
	else if (rc != 0)
		ctrl_errf(e, path, "rte_ipsec refuses the inline session: %s", strerror(-rc));
	if (rc != 0) {
		rte_security_session_destroy(ctx, inl->ses);
		rte_free(inl);
		return rc;
	}
	sa->inl = inl;
	return 0;
}

void
ipsec_inline_free(struct esp_inline *inl)
{
	struct rte_flow_error fe;

	if (inl == NULL)
		return;
	if (inl->flow != NULL)
		rte_flow_destroy(inl->eth_id, inl->flow, &fe);
	rte_security_session_destroy(inl->ctx, inl->ses);
	rte_free(inl);
}

void
esp_inline_detach(struct esp_sa *sa)
{
	ipsec_inline_free(sa->inl);
	sa->inl = NULL;
}

uint16_t
esp_inline_process(struct esp_sa *sa, struct rte_mbuf **mb, uint16_t n)
{
	return rte_ipsec_pkt_process(&sa->inl->ss, mb, n);
}
