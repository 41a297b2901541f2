/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_CTRL_ERR_H
#define VSW_CTRL_ERR_H

#include <stdarg.h>
#include <stdio.h>

/** An error for the operator: which field (JSON path) and why. */
struct ctrl_err {
	char path[256]; /**< JSON path of the offending field, "$" for the document */
	char msg[256];  /**< what is wrong with it */
};

/** Fills @p e (if not NULL) and returns -EINVAL, so callers can `return ctrl_errf(...)`. */
static inline int __attribute__((format(printf, 3, 4)))
ctrl_errf(struct ctrl_err *e, const char *path, const char *fmt, ...)
{
	va_list ap;

	if (e != NULL) {
		snprintf(e->path, sizeof(e->path), "%s", path);
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return -22; /* -EINVAL */
}

#endif
