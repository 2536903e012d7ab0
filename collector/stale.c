/*
 * stale.c - expected scan intervals and the stale state of a host
 * (stale.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "plumb/error.h"
#include "collector_config.h"
#include "stale.h"
#include "store.h"

#define STALE_SEP	" \t,"

/*
 * Walk the entries of [stale] roles: fn gets each role (not
 * NUL-terminated, rlen bytes) and its seconds; fn returns non-zero to
 * stop.  -1 with *bad pointing at the first malformed entry.
 */
static int
stale_roles_walk(const char *roles, int (*fn)(void *, const char *, size_t,
    unsigned), void *arg, const char **bad)
{
	const char *p = roles, *eq;
	unsigned long long v;
	size_t n, count = 0;
	char num[16], *end;

	*bad = NULL;
	while (p != NULL && *p != '\0') {
		p += strspn(p, STALE_SEP);
		if (*p == '\0')
			break;
		n = strcspn(p, STALE_SEP);
		eq = memchr(p, '=', n);
		if (eq == NULL || eq == p || (size_t)(p + n - eq - 1) == 0 ||
		    (size_t)(p + n - eq - 1) >= sizeof(num) ||
		    ++count > STALE_ROLES_MAX)
			goto bad;
		memcpy(num, eq + 1, (size_t)(p + n - eq - 1));
		num[p + n - eq - 1] = '\0';
		errno = 0;
		v = strtoull(num, &end, 10);
		if (num[0] < '0' || num[0] > '9' || *end != '\0' ||
		    errno != 0 || v < 1 || v > 31536000)
			goto bad;
		if (fn != NULL && fn(arg, p, (size_t)(eq - p), (unsigned)v))
			return 0;
		p += n;
	}
	return 0;
bad:
	*bad = p;
	return -1;
}

int
stale_check_config(const struct collector_config *cfg, const char *path,
    struct plumb_err *err)
{
	const char *bad;

	if (stale_roles_walk(cfg->stale_roles, NULL, NULL, &bad) != 0)
		return plumb_err_set(err, PLUMB_EINVAL, "%s: [stale] roles: "
		    "bad entry at \"%.40s\" (want ROLE=SECONDS, 1..31536000, "
		    "at most %d)", path, bad, STALE_ROLES_MAX);
	return PLUMB_OK;
}

struct stale_find {
	const char *role;
	unsigned v;
};

static int
stale_find_cb(void *arg, const char *role, size_t rlen, unsigned v)
{
	struct stale_find *f = arg;

	if (strlen(f->role) != rlen || strncmp(f->role, role, rlen) != 0)
		return 0;
	f->v = v;
	return 1;
}

unsigned
stale_interval(const struct collector_config *cfg, const char *role)
{
	struct stale_find f;
	const char *bad;

	f.role = role != NULL ? role : "";
	f.v = 0;
	if (f.role[0] != '\0')
		(void)stale_roles_walk(cfg->stale_roles, stale_find_cb, &f,
		    &bad);
	return f.v != 0 ? f.v : cfg->stale_interval_s;
}

void
stale_eval(const struct collector_config *cfg, const struct store_host *h,
    time_t now, struct stale_state *st)
{
	memset(st, 0, sizeof(*st));
	st->interval_s = stale_interval(cfg, h->role);
	st->limit_s = (long long)((double)st->interval_s * cfg->stale_grace);
	if (h->last_seen == 0) {
		st->age_s = -1;
		return;
	}
	st->age_s = now > h->last_seen ? (long long)(now - h->last_seen) : 0;
	st->stale = st->age_s > st->limit_s;
}

int
stale_annotate(const struct collector_config *cfg,
    const struct store_host *h, time_t now, json_t *o)
{
	struct stale_state st;

	stale_eval(cfg, h, now, &st);
	if (json_object_set_new(o, "stale", json_boolean(st.stale)) != 0 ||
	    json_object_set_new(o, "last_scan_age_s", st.age_s < 0 ?
	    json_null() : json_integer((json_int_t)st.age_s)) != 0 ||
	    json_object_set_new(o, "expected_interval_s",
	    json_integer((json_int_t)st.interval_s)) != 0)
		return -1;
	return 0;
}
