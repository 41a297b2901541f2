/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswctl: the command-line client of vswd's JSON-RPC socket. Commands mirror the methods
 * ("port add" is port.add); the parameters and their types come from the server's own
 * method table (the help method), so vswctl knows no method by heart.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "vsw_version.h"

/* Exit codes. */
#define EX_OK 0       /* done */
#define EX_REFUSED 1  /* vswd answered with an error */
#define EX_USAGE 2    /* bad command line */
#define EX_NOCONN 3   /* vswd could not be reached, or the answer was garbled */

#define DEFAULT_SOCKET "/run/vswd/vswd.sock"
#define RTE_DIM_(a) (sizeof(a) / sizeof((a)[0]))

static const char *sock_path = DEFAULT_SOCKET;
static int timeout_ms = 30000;
static int conn_fd = -1;
static int next_id = 1;

static void
usage(FILE *f)
{
	fprintf(f, "Usage: vswctl [-s SOCKET] [--json] [-t SECONDS] COMMAND [ARG...]\n\n"
		"COMMAND is a method of vswd with the dot as a space (\"port add\" = port.add);\n"
		"\"vswctl help\" lists them, \"vswctl help port.add\" shows one. ARGs are key=value\n"
		"(value as JSON when it parses, else a string) or, in order, the method's\n"
		"parameters; a parameter taking a document reads it from a file (- = stdin).\n\n"
		"Examples:\n"
		"  vswctl port list\n"
		"  vswctl port add name=vm3 type=vhost-user path=/run/vswd/vm3.sock \\\n"
		"         'vlan={\"mode\":\"access\",\"vlan\":10}'\n"
		"  vswctl port set vm3 admin=down\n"
		"  vswctl config apply /etc/vswd/vswd.json\n"
		"  vswctl stats reset\n\n"
		"Options:\n"
		"  -s, --socket PATH  vswd's socket (default %s, or $VSWCTL_SOCKET)\n"
		"  -j, --json         print the result as JSON (for scripts)\n"
		"  -t, --timeout S    seconds to wait for an answer (default 30)\n"
		"      --commands     print the command words of every method (completion)\n"
		"  -V, --version      print the version\n\n"
		"Exit codes: 0 done, 1 vswd refused the request, 2 bad command line,\n"
		"3 vswd could not be reached.\n", DEFAULT_SOCKET);
}

/* Connects once. @return 0 or EX_NOCONN. */
static int
connect_once(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	if (conn_fd >= 0)
		return 0;
	if (strlen(sock_path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "vswctl: %s: path too long\n", sock_path);
		return EX_NOCONN;
	}
	strcpy(a.sun_path, sock_path);
	conn_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (conn_fd < 0 || connect(conn_fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		fprintf(stderr, "vswctl: cannot reach vswd at %s: %s\n", sock_path, strerror(errno));
		return EX_NOCONN;
	}
	return 0;
}

/* Sends one request and reads its answer line. @return the answer, or NULL (reported). */
static json_t *
call(const char *method, json_t *params)
{
	json_t *req;
	char *line, *buf = NULL;
	size_t len = 0, cap = 0, off = 0;
	struct timespec t0, t1;
	json_error_t je;
	json_t *ans;

	if (connect_once() != 0)
		return NULL;
	req = json_pack("{s:s, s:s, s:i}", "jsonrpc", "2.0", "method", method, "id", next_id++);
	if (params != NULL)
		json_object_set(req, "params", params);
	line = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (line == NULL)
		return NULL;
	len = strlen(line);
	while (off < len) {
		ssize_t r = send(conn_fd, line + off, len - off, MSG_NOSIGNAL);

		if (r <= 0) {
			fprintf(stderr, "vswctl: sending to vswd: %s\n", strerror(errno));
			free(line);
			return NULL;
		}
		off += (size_t)r;
	}
	free(line);
	if (send(conn_fd, "\n", 1, MSG_NOSIGNAL) != 1)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	len = 0;
	for (;;) {
		struct pollfd p = { .fd = conn_fd, .events = POLLIN };
		int left;
		ssize_t r;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = timeout_ms - (int)((t1.tv_sec - t0.tv_sec) * 1000 +
				(t1.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || poll(&p, 1, left) <= 0) {
			fprintf(stderr, "vswctl: no answer from vswd within %d s\n", timeout_ms / 1000);
			free(buf);
			return NULL;
		}
		if (cap - len < 65536) {
			cap = len + 65536 * 4;
			buf = realloc(buf, cap);
			if (buf == NULL)
				return NULL;
		}
		r = recv(conn_fd, buf + len, cap - len, 0);
		if (r <= 0) {
			fprintf(stderr, "vswctl: vswd closed the connection\n");
			free(buf);
			return NULL;
		}
		len += (size_t)r;
		if (buf[len - 1] == '\n')
			break;
	}
	ans = json_loadb(buf, len, 0, &je);
	free(buf);
	if (ans == NULL)
		fprintf(stderr, "vswctl: garbled answer from vswd: %s\n", je.text);
	return ans;
}

/** The method table of the server (help), fetched once. */
static json_t *method_table;

/* The method table of the server (help): an array of method objects. */
static json_t *
methods(void)
{
	json_t *ans, **m = &method_table;

	if (*m != NULL)
		return *m;
	ans = call("help", NULL);
	if (ans != NULL)
		*m = json_incref(json_object_get(ans, "result"));
	json_decref(ans);
	return *m;
}

static json_t *
method_find(json_t *ms, const char *name)
{
	json_t *m;
	size_t i;

	json_array_foreach(ms, i, m)
		if (strcmp(json_string_value(json_object_get(m, "method")), name) == 0)
			return m;
	return NULL;
}

/* Resolves the command words of argv into a method: the longest dotted prefix that is one,
 * or that prefix + ".get", ".show" or ".list" ("stats" = stats.get, "port" = port.list).
 * Sets *used to the words taken. */
static json_t *
resolve(json_t *ms, int argc, char **argv, int *used)
{
	static const char *const dflt[] = { "get", "list", "show" };
	char name[256] = "", try[300];
	json_t *best = NULL, *m;
	size_t k;
	int i;

	for (i = 0; i < argc && i < 4 && strchr(argv[i], '=') == NULL; i++) {
		if (strlen(name) + strlen(argv[i]) + 2 >= sizeof(name))
			break;
		if (i > 0)
			strcat(name, ".");
		strcat(name, argv[i]);
		m = method_find(ms, name);
		for (k = 0; m == NULL && k < RTE_DIM_(dflt); k++) {
			snprintf(try, sizeof(try), "%s.%s", name, dflt[k]);
			m = method_find(ms, try);
		}
		if (m != NULL) {
			best = m;
			*used = i + 1;
		}
	}
	return best;
}

/* Reads a JSON document from @p path ("-" = stdin). */
static json_t *
read_doc(const char *path)
{
	json_error_t je;
	json_t *d;

	if (strcmp(path, "-") == 0)
		d = json_loadf(stdin, JSON_REJECT_DUPLICATES, &je);
	else
		d = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (d == NULL)
		fprintf(stderr, "vswctl: %s:%d:%d: %s\n", path, je.line, je.column, je.text);
	return d;
}

/* The value of argument @p s for a parameter of type @p type (NULL: unknown param). */
static json_t *
arg_value(const char *s, const char *type)
{
	json_t *v;

	if (type != NULL && strcmp(type, "string") == 0)
		return json_string(s);
	if (type != NULL && strcmp(type, "object") == 0 && s[0] != '{')
		return read_doc(s);
	v = json_loads(s, JSON_DECODE_ANY, NULL);
	return v != NULL ? v : json_string(s);
}

/* Type of parameter @p name of method @p m, or NULL. */
static const char *
param_type(json_t *m, const char *name)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(m, "params"), i, p)
		if (strcmp(json_string_value(json_object_get(p, "name")), name) == 0)
			return json_string_value(json_object_get(p, "type"));
	return NULL;
}

/* Builds params from the arguments. @return the object, or NULL (reported). */
static json_t *
build_params(json_t *m, int argc, char **argv)
{
	json_t *params = json_object(), *plist = json_object_get(m, "params"), *v;
	size_t next_pos = 0;
	int i;

	for (i = 0; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		char key[128];

		if (eq != NULL && eq != argv[i] && (size_t)(eq - argv[i]) < sizeof(key)) {
			snprintf(key, sizeof(key), "%.*s", (int)(eq - argv[i]), argv[i]);
			v = arg_value(eq + 1, param_type(m, key));
		} else {
			json_t *p;
			const char *type;

			/* A boolean parameter named by itself is true ("stats reset"). */
			if (param_type(m, argv[i]) != NULL &&
					strcmp(param_type(m, argv[i]), "boolean") == 0) {
				json_object_set_new(params, argv[i], json_true());
				continue;
			}
			while ((p = json_array_get(plist, next_pos)) != NULL &&
					json_object_get(params, json_string_value(
					json_object_get(p, "name"))) != NULL)
				next_pos++;
			if (p == NULL) {
				fprintf(stderr, "vswctl: %s takes no more positional arguments: \"%s\" "
						"(use key=value)\n", json_string_value(
						json_object_get(m, "method")), argv[i]);
				json_decref(params);
				return NULL;
			}
			snprintf(key, sizeof(key), "%s", json_string_value(json_object_get(p, "name")));
			type = json_string_value(json_object_get(p, "type"));
			v = arg_value(argv[i], type);
			next_pos++;
		}
		if (v == NULL) {
			json_decref(params);
			return NULL;
		}
		json_object_set_new(params, key, v);
	}
	return params;
}

/* A scalar (or a compact rendering of anything else) as text, in @p buf. */
static const char *
cell(json_t *v, char *buf, size_t len)
{
	char *s;

	if (json_is_string(v))
		return json_string_value(v);
	if (v == NULL || json_is_null(v))
		return "-";
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	snprintf(buf, len, "%s", s != NULL ? s : "?");
	if (s != NULL && strlen(s) >= len && len > 4)
		strcpy(buf + len - 4, "...");
	free(s);
	return buf;
}

static bool is_table(json_t *v);

/* Index of @p key in @p keys[0..n), or n. */
static size_t
key_index(const char **keys, size_t n, const char *key)
{
	size_t k;

	for (k = 0; k < n && strcmp(keys[k], key) != 0; k++)
		;
	return k;
}

/*
 * An array of objects as a table: a column for every scalar key of any row, in the order
 * first seen; a row's own tables (arrays of objects) follow it, indented.
 */
static void
print_table(json_t *rows, const char *indent)
{
	const char *keys[64], *key;
	size_t w[64], n = 0, i, k;
	char buf[48], sub[64];
	json_t *r, *v;

	json_array_foreach(rows, i, r) {
		json_object_foreach(r, key, v) {
			if (json_is_array(v) || json_is_object(v) || n == RTE_DIM_(keys) ||
					key_index(keys, n, key) < n)
				continue;
			keys[n] = key;
			w[n++] = strlen(key);
		}
	}
	json_array_foreach(rows, i, r) {
		for (k = 0; k < n; k++) {
			size_t l = strlen(cell(json_object_get(r, keys[k]), buf, sizeof(buf)));

			w[k] = w[k] > l ? w[k] : l;
		}
	}
	printf("%s", indent);
	for (k = 0; k < n; k++)
		printf("%-*s%s", (int)w[k], keys[k], k + 1 < n ? "  " : "\n");
	snprintf(sub, sizeof(sub), "%s    ", indent);
	json_array_foreach(rows, i, r) {
		printf("%s", indent);
		for (k = 0; k < n; k++)
			printf("%-*s%s", (int)w[k], cell(json_object_get(r, keys[k]), buf,
					sizeof(buf)), k + 1 < n ? "  " : "\n");
		json_object_foreach(r, key, v)
			if (is_table(v))
				print_table(v, sub);
	}
}

static bool
is_table(json_t *v)
{
	return json_is_array(v) && json_array_size(v) > 0 && json_is_object(json_array_get(v, 0));
}

/* Human rendering: scalars as "key: value", arrays of objects as tables, objects nested. */
static void
print_human(json_t *v, const char *prefix)
{
	char buf[4096], sub[256];
	const char *k;
	json_t *x;
	size_t i;

	if (is_table(v)) {
		print_table(v, "");
		return;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			printf("%s\n", cell(x, buf, sizeof(buf)));
		return;
	}
	if (!json_is_object(v)) {
		printf("%s\n", cell(v, buf, sizeof(buf)));
		return;
	}
	json_object_foreach(v, k, x) {
		snprintf(sub, sizeof(sub), "%s%s", prefix, k);
		if (is_table(x)) {
			printf("%s:\n", sub);
			print_table(x, "  ");
		} else if (json_is_object(x)) {
			strncat(sub, ".", sizeof(sub) - strlen(sub) - 1);
			print_human(x, sub);
		} else {
			printf("%s: %s\n", sub, cell(x, buf, sizeof(buf)));
		}
	}
}

static int run(int argc, char **argv);

int
main(int argc, char **argv)
{
	int rc = run(argc, argv);

	json_decref(method_table);
	if (conn_fd >= 0)
		close(conn_fd);
	return rc;
}

static int
run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "commands", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	bool as_json = false, commands = false;
	json_t *ms, *m, *params, *ans, *err;
	int opt, used = 0, rc;
	const char *name;
	size_t i;

	if (getenv("VSWCTL_SOCKET") != NULL)
		sock_path = getenv("VSWCTL_SOCKET");
	while ((opt = getopt_long(argc, argv, "+s:jt:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			sock_path = optarg;
			break;
		case 'j':
			as_json = true;
			break;
		case 't':
			timeout_ms = atoi(optarg) * 1000;
			if (timeout_ms <= 0) {
				fprintf(stderr, "vswctl: --timeout: expected seconds > 0\n");
				return EX_USAGE;
			}
			break;
		case 'C':
			commands = true;
			break;
		case 'h':
			usage(stdout);
			return EX_OK;
		case 'V':
			printf("vswctl %s\n", VSW_VERSION);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 && !commands) {
		usage(stderr);
		return EX_USAGE;
	}
	ms = methods();
	if (ms == NULL)
		return EX_NOCONN;
	if (commands) {
		json_array_foreach(ms, i, m) {
			char w[128], *d;

			snprintf(w, sizeof(w), "%s", json_string_value(json_object_get(m, "method")));
			for (d = w; (d = strchr(d, '.')) != NULL;)
				*d = ' ';
			printf("%s\n", w);
		}
		return EX_OK;
	}
	m = resolve(ms, argc, argv, &used);
	if (m == NULL) {
		fprintf(stderr, "vswctl: unknown command \"%s\" (vswctl help lists them)\n", argv[0]);
		return EX_USAGE;
	}
	name = json_string_value(json_object_get(m, "method"));
	params = build_params(m, argc - used, argv + used);
	if (params == NULL)
		return EX_USAGE;
	ans = call(name, params);
	json_decref(params);
	if (ans == NULL)
		return EX_NOCONN;
	err = json_object_get(ans, "error");
	if (err != NULL) {
		json_t *path = json_object_get(json_object_get(err, "data"), "path");

		if (as_json)
			json_dumpf(err, stdout, JSON_INDENT(2)), printf("\n");
		fprintf(stderr, "vswctl: %s: %s%s%s (code %" JSON_INTEGER_FORMAT ")\n", name,
				json_string_value(json_object_get(err, "message")),
				path != NULL ? " at " : "", path != NULL ? json_string_value(path) : "",
				json_integer_value(json_object_get(err, "code")));
		rc = EX_REFUSED;
	} else if (as_json || json_is_true(json_object_get(m, "document"))) {
		json_dumpf(json_object_get(ans, "result"), stdout, JSON_INDENT(2) | JSON_ENCODE_ANY);
		printf("\n");
		rc = EX_OK;
	} else {
		print_human(json_object_get(ans, "result"), "");
		rc = EX_OK;
	}
	json_decref(ans);
	return rc;
}
