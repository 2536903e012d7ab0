/*
 * ini_util.c - values and messages of the INI configuration readers
 * (ini_util.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plumb/error.h"
#include "common/ini_util.h"

/* Digits only to an unsigned long long; *end points past them. */
static int
ini_number(const char *v, unsigned long long *out, const char **end)
{
	unsigned long long n = 0;
	const char *p = v;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (~0ULL - 9) / 10)
			return -1;
		n = n * 10 + (unsigned long long)(*p - '0');
	}
	*out = n;
	*end = p;
	return 0;
}

int
ini_uint(const char *v, unsigned long long *out)
{
	const char *e;

	return ini_number(v, out, &e) != 0 || *e != '\0' ? -1 : 0;
}

int
ini_bytes(const char *v, unsigned long long *out)
{
	unsigned long long n, mul = 1;
	const char *e;

	if (ini_number(v, &n, &e) != 0)
		return -1;
	if (strcasecmp(e, "") == 0)
		mul = 1;
	else if (strcasecmp(e, "K") == 0 || strcasecmp(e, "KiB") == 0)
		mul = 1ULL << 10;
	else if (strcasecmp(e, "M") == 0 || strcasecmp(e, "MiB") == 0)
		mul = 1ULL << 20;
	else if (strcasecmp(e, "G") == 0 || strcasecmp(e, "GiB") == 0)
		mul = 1ULL << 30;
	else
		return -1;
	if (n > ~0ULL / mul)
		return -1;
	*out = n * mul;
	return 0;
}

int
ini_set_str(char **slot, const char *v)
{
	char *s = NULL;

	if (v != NULL && (s = strdup(v)) == NULL)
		return -1;
	free(*slot);
	*slot = s;
	return 0;
}

void
ini_verror(struct plumb_err *err, const char *path, unsigned line,
    const char *sec, const char *key, const char *fmt, va_list ap)
{
	char reason[PLUMB_ERR_MSG_MAX];

	vsnprintf(reason, sizeof(reason), fmt, ap);
	plumb_err_set(err, PLUMB_EPARSE, "%s:%u: [%s] %s: %s", path, line,
	    sec, key, reason);
}
