/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_CTRL_ERR_H
#define VSW_CTRL_ERR_H

#include <stdarg.h>
#include <stdio.h>

/** An error for the operator: which field (JSON path), why, and its cause. */
struct ctrl_err {
	char path[256]; /**< JSON path of the offending field, "$" for the document */
	char msg[256];  /**< what is wrong with it */
	int rc;         /**< its cause as a negative errno: -EINVAL (the input), -ENOMEM (out of
			 *   memory: the input may be fine); 0 before an error is recorded */
};

/* Fills @p e (if not NULL) with cause @p rc; @return @p rc. */
static inline int
ctrl_err_set(struct ctrl_err *e, int rc, const char *path, const char *fmt, va_list ap)
{
	if (e != NULL) {
		snprintf(e->path, sizeof(e->path), "%s", path);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		e->rc = rc;
	}
	return rc;
}

/** Fills @p e (if not NULL) and returns -EINVAL, so callers can `return ctrl_errf(...)`. */
static inline int __attribute__((format(printf, 3, 4)))
ctrl_errf(struct ctrl_err *e, const char *path, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ctrl_err_set(e, -22 /* -EINVAL */, path, fmt, ap);
	va_end(ap);
	return rc;
}

/** As ctrl_errf() for an allocation that failed: the cause is -ENOMEM, returned. */
static inline int __attribute__((format(printf, 3, 4)))
ctrl_nomem(struct ctrl_err *e, const char *path, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ctrl_err_set(e, -12 /* -ENOMEM */, path, fmt, ap);
	va_end(ap);
	return rc;
}

/** The cause recorded in @p e, or @p dflt when none was. */
static inline int
ctrl_err_rc(const struct ctrl_err *e, int dflt)
{
	return e != NULL && e->rc != 0 ? e->rc : dflt;
}

#endif
