/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VSW_PERSIST_H
#define VSW_PERSIST_H

/**
 * @file
 * The running configuration on disk. A save is atomic: the document goes to a temporary file
 * in the same directory, which is fsync'ed and renamed over the old one, and the directory is
 * fsync'ed; a crash at any point leaves the old file or the new one, never a torn one.
 */

#include <stddef.h>

#include <jansson.h>

/**
 * Writes @p doc to @p path atomically (creating its directory, mode 0755, if missing).
 * @return 0, or a negative errno with a message in @p errbuf.
 */
int persist_save(const char *path, const json_t *doc, char *errbuf, size_t errlen);

#endif
