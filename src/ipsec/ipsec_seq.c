/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <rte_common.h>
#include <rte_jhash.h>

#include "esp.h"
#include "ipsec_seq.h"
#include "persist.h"

uint64_t
ipsec_seq_key_id(const uint8_t *key, uint32_t key_len, const uint8_t *salt)
{
	uint8_t b[ESP_KEY_MAX + 4];

	key_len = RTE_MIN(key_len, (uint32_t)ESP_KEY_MAX);
	memcpy(b, key, key_len);
	memcpy(b + key_len, salt, 4);
	return (uint64_t)rte_jhash(b, key_len + 4, 0x9e3779b9) << 32 |
		rte_jhash(b, key_len + 4, 0x7f4a7c15);
}

/* Loads the records of the file (absent: none). @return 0, or -1 with q->why set. */
static int
seq_load(struct ipsec_seq *q)
{
	json_error_t je;
	json_t *doc, *arr, *r;
	size_t i;

	if (access(q->path, F_OK) != 0)
		return 0;
	doc = json_load_file(q->path, 0, &je);
	if (doc == NULL) {
		snprintf(q->why, sizeof(q->why), "%.120s: %.120s", q->path, je.text);
		return -1;
	}
	arr = json_object_get(doc, "sa");
	if (!json_is_array(arr) || json_array_size(arr) > IPSEC_SEQ_MAX_REC) {
		snprintf(q->why, sizeof(q->why), "%.160s: no \"sa\" array of at most %d records",
				q->path, IPSEC_SEQ_MAX_REC);
		json_decref(doc);
		return -1;
	}
	json_array_foreach(arr, i, r) {
		struct ipsec_seq_rec *x = &q->rec[q->n];
		const char *kid = json_string_value(json_object_get(r, "key_id"));
		json_t *spi = json_object_get(r, "spi"), *mark = json_object_get(r, "mark");

		if (kid == NULL || sscanf(kid, "%16" SCNx64, &x->key_id) != 1 ||
				!json_is_integer(spi) || !json_is_integer(mark) ||
				json_integer_value(mark) < 0) {
			snprintf(q->why, sizeof(q->why), "%.160s: record %zu is malformed", q->path, i);
			json_decref(doc);
			q->n = 0;
			return -1;
		}
		x->spi = (uint32_t)json_integer_value(spi);
		x->mark = (uint64_t)json_integer_value(mark);
		x->stamp = (uint64_t)json_integer_value(json_object_get(r, "stamp"));
		q->stamp = RTE_MAX(q->stamp, x->stamp);
		q->n++;
	}
	json_decref(doc);
	return 0;
}

int
ipsec_seq_open(struct ipsec_seq *q, const char *path)
{
	memset(q, 0, sizeof(*q));
	if (path == NULL || path[0] == '\0')
		return 0;
	q->rec = calloc(IPSEC_SEQ_MAX_REC, sizeof(*q->rec));
	if (q->rec == NULL)
		return -ENOMEM;
	snprintf(q->path, sizeof(q->path), "%s", path);
	q->broken = seq_load(q) != 0;
	return 0;
}

/* The record of (@p spi, @p key_id), or NULL. */
static struct ipsec_seq_rec *
seq_find(const struct ipsec_seq *q, uint32_t spi, uint64_t key_id)
{
	uint32_t i;

	for (i = 0; i < q->n; i++)
		if (q->rec[i].spi == spi && q->rec[i].key_id == key_id)
			return &q->rec[i];
	return NULL;
}

/* Why outbound SAs are refused, or NULL. */
static const char *
seq_refusal(const struct ipsec_seq *q)
{
	if (q == NULL || q->path[0] == '\0')
		return "vswd runs without a running config (--no-persist), so nothing keeps an "
			"outbound SA's sequence numbers from repeating after a restart";
	if (q->broken)
		return q->why;
	return NULL;
}

int
ipsec_seq_first(const struct ipsec_seq *q, uint32_t spi, uint64_t key_id, uint64_t *first,
		const char *path, struct ctrl_err *e)
{
	const struct ipsec_seq_rec *r;
	const char *no = seq_refusal(q);

	if (no != NULL)
		return ctrl_errf(e, path, "outbound SA refused: %s", no);
	r = seq_find(q, spi, key_id);
	*first = r != NULL ? r->mark + 1 : 1;
	return 0;
}

/* Writes every record to the file. */
static int
seq_save(const struct ipsec_seq *q, const char *path, struct ctrl_err *e)
{
	json_t *doc = json_pack("{s:i, s:[]}", "version", 1, "sa"), *arr;
	char id[17], msg[300];
	uint32_t i;
	int rc;

	if (doc == NULL)
		return ctrl_nomem(e, path, "out of memory");
	arr = json_object_get(doc, "sa");
	for (i = 0; i < q->n; i++) {
		snprintf(id, sizeof(id), "%016" PRIx64, q->rec[i].key_id);
		json_array_append_new(arr, json_pack("{s:I, s:s, s:I, s:I}", "spi",
				(json_int_t)q->rec[i].spi, "key_id", id,
				"mark", (json_int_t)q->rec[i].mark,
				"stamp", (json_int_t)q->rec[i].stamp));
	}
	rc = persist_save(q->path, doc, msg, sizeof(msg));
	json_decref(doc);
	if (rc != 0)
		return ctrl_errf(e, path, "cannot save the sequence reserve: %s", msg);
	return 0;
}

int
ipsec_seq_reserve(struct ipsec_seq *q, uint32_t spi, uint64_t key_id, uint64_t mark,
		const char *path, struct ctrl_err *e)
{
	struct ipsec_seq_rec *r, old;
	const char *no = seq_refusal(q);
	uint32_t i, o;
	int rc;

	if (no != NULL)
		return ctrl_errf(e, path, "outbound SA refused: %s", no);
	r = seq_find(q, spi, key_id);
	if (r == NULL) {
		if (q->n == IPSEC_SEQ_MAX_REC) {
			/* Full: the record updated longest ago goes (a long-deleted SA's). */
			for (i = 1, o = 0; i < q->n; i++)
				if (q->rec[i].stamp < q->rec[o].stamp)
					o = i;
			q->rec[o] = q->rec[--q->n];
		}
		r = &q->rec[q->n++];
		*r = (struct ipsec_seq_rec){ .spi = spi, .key_id = key_id };
	}
	old = *r;
	r->mark = RTE_MAX(r->mark, mark);
	r->stamp = ++q->stamp;
	rc = seq_save(q, path, e);
	if (rc != 0)
		*r = old; /* as on disk (a new record stays with mark 0: harmless) */
	return rc;
}

void
ipsec_seq_restore(struct ipsec_seq *q, uint32_t spi, uint64_t key_id, uint64_t mark)
{
	struct ipsec_seq_rec *r = q != NULL && q->rec != NULL ? seq_find(q, spi, key_id) : NULL;
	struct ctrl_err e;

	if (r == NULL)
		return;
	if (mark == 0)
		*r = q->rec[--q->n];
	else
		r->mark = mark;
	seq_save(q, "$", &e);
}

void
ipsec_seq_close(struct ipsec_seq *q)
{
	free(q->rec);
	memset(q, 0, sizeof(*q));
}
