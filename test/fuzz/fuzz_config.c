/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The config document parser and checker (cfg_parse, cfg_check) on arbitrary bytes: a
 * document is refused with a path and a message, or accepted; never a crash, a leak or
 * undefined behaviour. No EAL: the parser needs none.
 */
#include <jansson.h>

#include "cfg.h"
#include "ctrl_err.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctrl_err e = { { 0 } };
	struct vsw_config c;
	json_error_t je;
	json_t *root;
	int rc;

	root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return 0;
	memset(&c, 0, sizeof(c));
	rc = cfg_parse(root, &c, &e);
	if (rc == 0)
		rc = cfg_check(&c, &e);
	/* A refusal names a field and says why. */
	FUZZ_CHECK(rc == 0 || (e.path[0] == '$' && e.msg[0] != '\0'));
	if (rc == 0) {
		/* What was accepted emits a document that parses back to the same config. */
		json_t *out = cfg_emit(&c);
		struct vsw_config c2;

		FUZZ_CHECK(out != NULL);
		memset(&c2, 0, sizeof(c2));
		FUZZ_CHECK(cfg_parse(out, &c2, &e) == 0);
		cfg_free(&c2);
		json_decref(out);
	}
	cfg_free(&c);
	json_decref(root);
	return 0;
}
