/*
 * ini_util.h - what the agent's agent.conf and the collector's
 * plumb-collector.conf readers share around inih: the value syntax of
 * numbers and sizes, string slots, and the one error message format
 * "FILE:LINE: [section] key: reason".
 */
#ifndef PLUMB_INI_UTIL_H
#define PLUMB_INI_UTIL_H

#include <stdarg.h>

#include "plumb/error.h"

/* Digits only (no sign, no spaces): 0, or -1 for anything else or an
 * overflow of unsigned long long. */
int ini_uint(const char *v, unsigned long long *out);

/* Digits with an optional K/KiB, M/MiB, G/GiB (binary, any case)
 * suffix, in bytes: 0, or -1 for anything else or an overflow. */
int ini_bytes(const char *v, unsigned long long *out);

/* Replace the string at *slot with a copy of v (NULL: unset, freeing
 * the old one): 0, or -1 out of memory (*slot kept). */
int ini_set_str(char **slot, const char *v);

/* Set err to PLUMB_EPARSE "PATH:LINE: [SEC] KEY: reason". */
void ini_verror(struct plumb_err *err, const char *path, unsigned line,
    const char *sec, const char *key, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

#endif /* PLUMB_INI_UTIL_H */
