/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The JSON-RPC reader and the method dispatch (rpc_answer, then every method of api.c) on
 * arbitrary request lines, against a real switch (ctrl_init, two net_null ports, workers
 * not started). Each input is split into lines as the socket framing does. Requests that
 * could reach outside the process (device arguments, socket paths: net_pcap writes files,
 * vhost-user makes sockets, net_tap makes interfaces) are skipped; test_api_hostile.py
 * covers those. Checked: every request gets a JSON-RPC answer; no crash, leak or UB.
 */
#include <jansson.h>

#include "api.h"
#include "ctrl.h"
#include "fuzz_common.h"
#include "rpc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vsw_ctrl ctrl;
static struct vsw_api api;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *doc = "{\"dpdk\": {\"memory_mb\": 256}, \"ports\": ["
		"{\"name\": \"n0\", \"type\": \"dpdk\", \"devargs\": \"net_null0\"},"
		"{\"name\": \"n1\", \"type\": \"dpdk\", \"devargs\": \"net_null1\"}]}";
	struct ctrl_err e = { { 0 } };
	struct vsw_config cfg;
	json_error_t je;
	json_t *root;

	fuzz_eal_init("rpc", "0-1");
	root = json_loads(doc, 0, &je);
	memset(&cfg, 0, sizeof(cfg));
	if (root == NULL || cfg_parse(root, &cfg, &e) != 0 || cfg_check(&cfg, &e) != 0 ||
			ctrl_init(&ctrl, &cfg, &e) != 0 ||
			ctrl_config_apply(&ctrl, &cfg, false, NULL, &e) != 0) {
		fprintf(stderr, "fuzz_rpc set-up: %s: %s\n", e.path, e.msg);
		exit(1);
	}
	json_decref(root);
	cfg_free(&cfg);
	api.c = &ctrl;
	api.running[0] = '\0';
	return 0;
}

/* True when @p line asks for something that reaches outside this process. */
static bool
reaches_out(const char *line, size_t len)
{
	static const char *const words[] = { "devargs", "vhost", "path", "socket", "eal",
		"file_prefix", "lcores", "log" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (memmem(line, len, words[i], strlen(words[i])) != NULL)
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct rpc_peer peer = { .uid = 0, .pid = 1 };
	const char *s = (const char *)data, *end = s + size, *nl;

	while (s < end) {
		size_t len;
		json_t *ans;

		nl = memchr(s, '\n', (size_t)(end - s));
		len = (size_t)((nl != NULL ? nl : end) - s);
		if (len > 0 && len <= 65536 && !reaches_out(s, len)) {
			ans = rpc_answer(s, len, 32, api_handle, &api, &peer);
			/* A notification gets nothing; anything else an answer or an error. */
			FUZZ_CHECK(ans == NULL || json_object_get(ans, "result") != NULL ||
					json_object_get(ans, "error") != NULL);
			json_decref(ans);
		}
		s += len + 1;
	}
	return 0;
}
