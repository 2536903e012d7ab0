/*
 * probe_shadow.c - shadow_object (unix): accounts of ROOT/etc/shadow.
 *
 * Empty numeric fields are -1 (shadow(5): the feature is disabled).  A
 * line whose numeric fields are not numbers is not an account and is
 * skipped.  An empty flag field is reported as the unsigned long -1
 * ("18446744073709551615"), which is what the reference evaluator
 * reports, so that content written against it compares equal.
 * encrypt_method follows the hash prefix as the schema lists it; a
 * prefix outside that list (yescrypt "$y$", bcrypt "$2b$" ...) leaves
 * the entity out.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/probe.h"
#include "hostfile.h"

#define SHADOW_LINE_MAX	8192
#define SHADOW_NOFLAG	"18446744073709551615"

static const struct {
	const char *prefix;
	const char *method;
} shadow_methods[] = {
	{ "$1$", "MD5" },
	{ "$2$", "Blowfish" },
	{ "$2a$", "Blowfish" },
	{ "$md5$", "Sun MD5" },
	{ "$5$", "SHA-256" },
	{ "$6$", "SHA-512" },
	{ "_", "BSDi" },
};

/* The encrypt_method for a password field, or NULL for none. */
static const char *
shadow_method(const char *pw)
{
	size_t i;

	for (i = 0; i < sizeof(shadow_methods) / sizeof(shadow_methods[0]);
	    i++)
		if (strncmp(pw, shadow_methods[i].prefix,
		    strlen(shadow_methods[i].prefix)) == 0)
			return shadow_methods[i].method;
	if (*pw == '$')
		return NULL;
	return "DES";
}

/* Is s empty or an optionally negative decimal number? */
static int
shadow_num(const char *s)
{
	if (*s == '-')
		s++;
	else if (*s == '\0')
		return 1;
	if (*s == '\0' || strlen(s) > 18)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* An item for one shadow line, if it is an account whose name matches. */
static int
shadow_line(const void *arg, char *line, struct probe_result *res)
{
	const struct probe_ent *ent = arg;
	static const char *const num[] = { "chg_lst", "chg_allow", "chg_req",
	    "exp_warn", "exp_inact", "exp_date" };
	struct oval_item *it = NULL;
	struct plumb_err err;
	const char *method;
	char *f[10], *c, *p = line;
	size_t n = 0, i;
	int m;

	if (*line == '\0' || *line == '#' || *line == '+' || *line == '-')
		return PLUMB_OK;
	while (n < 10) {
		f[n++] = p;
		if ((c = strchr(p, ':')) == NULL)
			break;
		*c = '\0';
		p = c + 1;
	}
	if (n < 2 || n > 9 || *f[0] == '\0')
		return PLUMB_OK;
	for (i = n; i < 9; i++)
		f[i] = "";
	for (i = 2; i < 9; i++)
		if (!shadow_num(f[i]))
			return PLUMB_OK;
	if (*f[8] == '-')
		return PLUMB_OK;
	if ((m = probe_ent_match(ent, f[0], &err)) < 0)
		return probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
	if (!m)
		return PLUMB_OK;
	if ((it = oval_item_new(OVAL_NS_SC_UNIX, "shadow_item")) == NULL ||
	    oval_item_add(it, "username", OVAL_DT_STRING, f[0]) != 0 ||
	    oval_item_add(it, "password", OVAL_DT_STRING, f[1]) != 0)
		goto nomem;
	for (i = 0; i < 6; i++)
		if (oval_item_add(it, num[i], OVAL_DT_INT,
		    *f[i + 2] ? f[i + 2] : "-1") != 0)
			goto nomem;
	if (oval_item_add(it, "flag", OVAL_DT_STRING,
	    *f[8] ? f[8] : SHADOW_NOFLAG) != 0)
		goto nomem;
	if ((method = shadow_method(f[1])) != NULL &&
	    oval_item_add(it, "encrypt_method", OVAL_DT_STRING, method) != 0)
		goto nomem;
	return probe_emit(res, it);
nomem:
	oval_item_unref(it);
	return PLUMB_ENOMEM;
}

static int
shadow_collect(const struct probe_req *req, struct probe_result *res)
{
	return hostfile_lines(req, res, "/etc/shadow", SHADOW_LINE_MAX, shadow_line,
	    probe_req_ent(req, "username"));
}

const struct probe_ops probe_shadow_ops = {
	.type = "shadow_object",
	.family = "unix",
	.collect = shadow_collect,
};
