/* SPDX-License-Identifier: BSD-3-Clause */
#include <stddef.h>
#include <string.h>

#include "repr_plan.h"

bool
repr_offload_ok(const struct repr_port *p, const char **why)
{
	static const struct {
		size_t off;          /* the flag in struct repr_port */
		const char *why;     /* what it needs */
	} needs[] = {
		{ offsetof(struct repr_port, acl), "ACL rules need the software path" },
		{ offsetof(struct repr_port, mac_guard), "MAC-spoofing control needs the software path" },
		{ offsetof(struct repr_port, dhcp_guard), "DHCP guard needs the software path" },
		{ offsetof(struct repr_port, router_guard), "router guard needs the software path" },
		{ offsetof(struct repr_port, storm), "a storm limit needs the software path" },
		{ offsetof(struct repr_port, mirror), "mirroring needs the software path" },
		{ offsetof(struct repr_port, pvlan), "a private VLAN role needs the software path" },
		{ offsetof(struct repr_port, ipsec), "IPsec needs the software path" },
		{ offsetof(struct repr_port, qos), "QoS needs the software path" },
		{ offsetof(struct repr_port, extension), "an extension needs the software path" },
	};
	size_t i;

	if (!p->transfer_ok) {
		*why = "the device takes no rte_flow transfer rule (REPRESENTED_PORT)";
		return false;
	}
	if (!p->admin_up) {
		*why = "the port is down";
		return false;
	}
	if (!p->access) {
		*why = "a trunk port: VLAN tags stay the switch's job";
		return false;
	}
	for (i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		if (*((const bool *)((const char *)p + needs[i].off))) {
			*why = needs[i].why;
			return false;
		}
	}
	*why = "no policy needs the software path: L2 forwarding between VFs is on the NIC";
	return true;
}

uint32_t
repr_plan(const struct repr_port *ports, uint32_t n, const struct repr_mac *macs,
		uint32_t n_mac, struct repr_rule *out)
{
	const char *why;
	uint32_t i, j, k, n_out = 0;

	for (k = 0; k < n_mac; k++) {
		const struct repr_port *dst = NULL;

		for (j = 0; j < n; j++)
			if (ports[j].port == macs[k].port)
				dst = &ports[j];
		if (dst == NULL || !repr_offload_ok(dst, &why))
			continue;
		for (i = 0; i < n; i++) {
			const struct repr_port *src = &ports[i];

			if (src == dst || !repr_offload_ok(src, &why) || src->vlan != dst->vlan)
				continue;
			if (n_out == REPR_MAX_RULES)
				return n_out;
			out[n_out].src = src->port;
			out[n_out].dst = dst->port;
			memcpy(out[n_out].mac, macs[k].mac, 6);
			n_out++;
		}
	}
	return n_out;
}
