/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPsec security policy databases (spd.c, rte_acl) against a linear first-match
 * reference on random entry sets and frames; the ESP engine itself is held against scapy
 * and tshark in test/integration/test_ipsec_engine.py.
 */
#include <stdlib.h>
#include <string.h>

#include "l34.h"
#include "spd.h"
#include "ut.h"
#include "ut_acl.h"

#define N_SETS 12
#define N_ENTRIES 200
#define N_FRAMES 1500

/* The deciding entry (index + 1, 0: none) by the documented order: the first that matches. */
static uint32_t
ref_spd(const struct spd_entry *e, uint32_t n, const struct dp_acl_key *k, int dir)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (ut_acl_match(&e[i].sel, k, dir))
			return i + 1;
	return 0;
}

static void
test_spd_differential(void **state)
{
	struct spd_entry *e = calloc(N_ENTRIES, sizeof(*e));
	struct dp_acl_key keys[DP_BURST];
	struct rte_mbuf *pkts[DP_BURST];
	uint32_t res[DP_BURST], set, f, i, n, mism = 0, matched = 0, none = 0, frames = 0;
	struct ctrl_err err;

	(void)state;
	assert_non_null(e);
	srandom(11);
	for (set = 0; set < N_SETS; set++) {
		struct ipsec_spd *spd;

		/* Half the sets small, so that some frames match no entry. */
		n = 1 + ut_acl_rnd(set % 2 ? N_ENTRIES : 8);
		for (i = 0; i < n; i++) {
			/* The ACL vocabulary's random selectors; the weight means nothing here. */
			ut_acl_rand_rule(&e[i].sel);
			e[i].action = (uint8_t)ut_acl_rnd(3);
			e[i].sa = (uint16_t)ut_acl_rnd(100);
		}
		spd = spd_build(e, n, &err);
		assert_non_null(spd);
		for (f = 0; f < N_FRAMES; f += DP_BURST) {
			int dir = (int)ut_acl_rnd(2);
			uint16_t port = (uint16_t)ut_acl_rnd(2);
			struct dp_l34 l;

			for (i = 0; i < DP_BURST; i++) {
				pkts[i] = ut_acl_rand_frame();
				dp_l34_parse(pkts[i], &l);
				dp_acl_key_make(&keys[i], pkts[i], &l, port, dir);
			}
			spd_classify(spd, dir, keys, DP_BURST, res);
			for (i = 0; i < DP_BURST; i++) {
				uint32_t want = ref_spd(e, n, &keys[i], dir);

				mism += res[i] != want;
				frames++;
				none += want == 0;
				if (want != 0) {
					matched++;
					mism += spd->res[want - 1].action != e[want - 1].action ||
						spd->res[want - 1].sa != e[want - 1].sa;
				}
			}
			ut_free(pkts, DP_BURST);
		}
		spd_free(spd);
	}
	print_message("%u sets, %u frames, %u matched an entry, %u none, %u mismatches\n",
			N_SETS, frames, matched, none, mism);
	assert_int_equal(mism, 0);
	assert_true(matched > frames / 10 && none > frames / 20);
	free(e);
}

static void
test_spd_limits(void **state)
{
	struct spd_entry e = { 0 };
	struct ipsec_spd *spd;
	struct ctrl_err err = { { 0 } };
	struct dp_acl_key k;
	uint32_t r;

	(void)state;
	/* Too many entries: refused, naming the list. */
	assert_null(spd_build(&e, SPD_MAX_ENTRIES + 1, &err));
	assert_string_equal(err.path, "$.ipsec.spd");
	assert_int_equal(err.rc, -22);
	/* An empty set decides nothing: bypass. */
	spd = spd_build(NULL, 0, &err);
	assert_non_null(spd);
	memset(&k, 0, sizeof(k));
	spd_classify(spd, DP_ACL_OUT, &k, 1, &r);
	assert_int_equal(r, 0);
	spd_free(spd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spd_differential),
		cmocka_unit_test(test_spd_limits),
	};

	ut_eal_init("ut_ipsec");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
