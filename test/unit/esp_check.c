/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esp_check: vswd's ESP engine (src/ipsec/esp.c) on frames from standard input, so a test can
 * hold it against an implementation nobody here wrote (scapy's SecurityAssociation).
 *   esp_check out|in tunnel|transport gcm128|gcm256|cbc128|cbc256 SPI KEY SALT AUTHKEY
 *             FAMILY [TUN_FAMILY LOCAL REMOTE] [esn] [window=N] [lookaside] [sqn=N]
 *             [bench=N]
 * KEY, SALT, AUTHKEY are hex ("-" for none); LOCAL and REMOTE are IP addresses. Each input
 * line is one Ethernet frame in hex; each output line is the processed frame in hex, or
 * "drop". With bench=N (outbound only), the first input frame is encrypted N times in bursts
 * of 32 copies and the rate is printed instead ("Mpps cycles/packet"). Exit status 2: bad
 * arguments or no crypto device.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "esp.h"
#include "ut.h"

/* Hex @p s into @p out (at most @p max bytes). @return bytes or -1. */
static int
hex(const char *s, uint8_t *out, size_t max)
{
	size_t n = strlen(s), i;
	unsigned int b;

	if (strcmp(s, "-") == 0)
		return 0;
	if (n % 2 != 0 || n / 2 > max)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = (uint8_t)b;
	}
	return (int)(n / 2);
}

/* Encrypts @p n copies of frame @p f (@p len bytes) through @p sa in bursts of 32, timed. */
static int
bench(struct esp_sa *sa, const uint8_t *f, uint32_t len, uint64_t n)
{
	struct rte_mbuf *m[32];
	uint64_t done = 0, t0, t, cyc = 0;
	unsigned int i;

	while (done < n) {
		for (i = 0; i < RTE_DIM(m); i++)
			m[i] = ut_raw(f, len);
		t0 = rte_rdtsc_precise();
		if (esp_sa_process(sa, m, RTE_DIM(m), NULL) != RTE_DIM(m))
			return 1;
		t = rte_rdtsc_precise();
		cyc += t - t0;
		rte_pktmbuf_free_bulk(m, RTE_DIM(m));
		done += RTE_DIM(m);
	}
	/* Only the engine is timed: making and freeing the frames is not. */
	printf("%.3f %.1f\n", (double)done / ((double)cyc / (double)rte_get_tsc_hz()) / 1e6,
			(double)cyc / (double)done);
	return 0;
}

static int
usage(void)
{
	fprintf(stderr, "usage: esp_check out|in tunnel|transport gcm128|gcm256|cbc128|cbc256 "
			"SPI KEY SALT AUTHKEY FAMILY [TUN_FAMILY LOCAL REMOTE] [esn] [window=N] [lookaside] "
			"[sqn=N]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	static const char *const algs[] = { "gcm128", "gcm256", "cbc128", "cbc256" };
	struct esp_sa_spec s = { 0 };
	struct ctrl_err e = { { 0 } };
	struct esp_crypto cr;
	struct esp_sa sa;
	uint64_t bench_n = 0;
	static char line[65536];
	static uint8_t buf[16384];
	int i, a = 10, n;

	if (argc < 9)
		return usage();
	s.outbound = strcmp(argv[1], "out") == 0;
	s.tunnel = strcmp(argv[2], "tunnel") == 0;
	for (i = 0; i < 4 && strcmp(argv[3], algs[i]) != 0; i++)
		;
	if (i == 4)
		return usage();
	s.alg = (enum esp_alg)i;
	s.spi = (uint32_t)strtoul(argv[4], NULL, 0);
	if (hex(argv[5], s.key, sizeof(s.key)) != esp_alg_key_len(s.alg) ||
			hex(argv[6], s.salt, sizeof(s.salt)) < 0 ||
			hex(argv[7], s.auth_key, sizeof(s.auth_key)) < 0)
		return usage();
	s.family = (uint8_t)atoi(argv[8]);
	if (s.tunnel) {
		if (argc < 12)
			return usage();
		s.tun_family = (uint8_t)atoi(argv[9]);
		if (inet_pton(s.tun_family == 4 ? AF_INET : AF_INET6, argv[10], s.local) != 1 ||
				inet_pton(s.tun_family == 4 ? AF_INET : AF_INET6, argv[11],
					s.remote) != 1)
			return usage();
		a = 12;
	} else {
		a = 9;
	}
	for (; a < argc; a++) {
		if (strcmp(argv[a], "esn") == 0)
			s.esn = true;
		else if (strncmp(argv[a], "window=", 7) == 0)
			s.replay_win = (uint32_t)atoi(argv[a] + 7);
		else if (strcmp(argv[a], "lookaside") == 0)
			s.lookaside = true;
		else if (strncmp(argv[a], "sqn=", 4) == 0)
			s.sqn_next = strtoull(argv[a] + 4, NULL, 0);
		else if (strncmp(argv[a], "bench=", 6) == 0 && s.outbound)
			bench_n = strtoull(argv[a] + 6, NULL, 0);
		else
			return usage();
	}
	/* The outer / inner Ethernet header: fixed addresses the test knows. */
	memcpy(s.l2.dst_addr.addr_bytes, "\x02\x00\x00\x00\x00\xbb", 6);
	memcpy(s.l2.src_addr.addr_bytes, "\x02\x00\x00\x00\x00\xaa", 6);
	ut_eal_init("esp");
	if (esp_crypto_init(&cr, 4, SOCKET_ID_ANY, &e) != 0 ||
			esp_sa_create(&cr, &s, &sa, "$", &e) != 0) {
		fprintf(stderr, "esp_check: %s: %s\n", e.path, e.msg);
		esp_crypto_fini(&cr);
		return 2;
	}
	while (fgets(line, sizeof(line), stdin) != NULL) {
		struct rte_mbuf *m;

		line[strcspn(line, "\r\n")] = '\0';
		n = hex(line, buf, sizeof(buf));
		if (bench_n > 0) {
			a = n > 0 ? bench(&sa, buf, (uint32_t)n, bench_n) : 1;
			esp_sa_free(&sa);
			esp_crypto_fini(&cr);
			return a;
		}
		if (n <= 0) {
			printf("drop\n");
			continue;
		}
		m = ut_raw(buf, (uint32_t)n);
		if (esp_sa_process(&sa, &m, 1, NULL) == 1) {
			const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
			uint32_t k;

			for (k = 0; k < rte_pktmbuf_data_len(m); k++)
				printf("%02x", p[k]);
			printf("\n");
		} else {
			printf("drop\n");
		}
		fflush(stdout);
		rte_pktmbuf_free(m);
	}
	esp_sa_free(&sa);
	esp_crypto_fini(&cr);
	return 0;
}
