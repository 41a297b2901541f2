/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vsw_log.h"

int vsw_logtype = RTE_LOGTYPE_USER1;

/** The sink's line being assembled (only the control thread and EAL threads log). */
static __thread char sink_line[1024];
static __thread size_t sink_len;
/** stderr is a terminal: a person reads it, no priority prefixes. */
static int sink_tty;

/* Emits the assembled line to stderr with the journald priority prefix "<N>". */
static void
sink_flush(void)
{
	char out[sizeof(sink_line) + 8];
	int lvl = rte_log_cur_msg_loglevel(), n;

	/* RTE_LOG_EMERG (1) .. RTE_LOG_DEBUG (8) are syslog priorities 0 .. 7. */
	if (lvl < 1 || lvl > 8)
		lvl = RTE_LOG_INFO;
	n = sink_tty ? snprintf(out, sizeof(out), "%.*s\n", (int)sink_len, sink_line) :
		snprintf(out, sizeof(out), "<%d>%.*s\n", lvl - 1, (int)sink_len, sink_line);
	if (n > 0) /* a failed write has nowhere left to be reported */
		(void)!write(STDERR_FILENO, out, (size_t)RTE_MIN(n, (int)sizeof(out) - 1));
	sink_len = 0;
}

/* fopencookie write: splits into lines, one write(2) per line, so lines never interleave. */
static ssize_t
sink_write(void *cookie, const char *buf, size_t size)
{
	size_t i;

	RTE_SET_USED(cookie);
	for (i = 0; i < size; i++) {
		if (buf[i] == '\n') {
			sink_flush();
			continue;
		}
		if (sink_len < sizeof(sink_line))
			sink_line[sink_len++] = buf[i];
	}
	return (ssize_t)size;
}

int
vsw_log_sink_open(void)
{
	static cookie_io_functions_t io = { .write = sink_write };
	FILE *f = fopencookie(NULL, "w", io);

	if (f == NULL)
		return -1;
	sink_tty = isatty(STDERR_FILENO);
	setvbuf(f, NULL, _IONBF, 0);
	return rte_openlog_stream(f);
}

void
vsw_log_init(uint32_t level)
{
	int t = rte_log_register_type_and_pick_level("vswd", level);

	if (t >= 0)
		vsw_logtype = t;
	rte_log_set_level(vsw_logtype, level);
}

/* Names of RTE_LOG_EMERG (1) .. RTE_LOG_DEBUG (8), as in the config and the API. */
static const char *const level_names[] = { "", "emergency", "alert", "critical", "error",
	"warning", "notice", "info", "debug" };

int
vsw_log_level_from_name(const char *name)
{
	uint32_t i;

	for (i = 1; i < RTE_DIM(level_names); i++)
		if (strcmp(level_names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
vsw_log_level_name(uint32_t level)
{
	return level >= 1 && level < RTE_DIM(level_names) ? level_names[level] : "?";
}
