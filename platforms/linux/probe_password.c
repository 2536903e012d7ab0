/*
 * probe_password.c - password_object (unix): accounts of
 * ROOT/etc/passwd.  Lines that are not accounts (comments, NIS "+"/"-"
 * compat markers, a non-numeric uid or gid, fewer than seven fields)
 * are skipped.  last_login is not kept in passwd; it is reported as -1,
 * as the reference evaluator does.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/probe.h"
#include "hostfile.h"

#define PASSWD_LINE_MAX	8192

/* Is s a decimal number that fits a uid (0 .. 2^32-1)? */
static int
password_id(const char *s)
{
	unsigned long long v = 0;

	if (*s == '\0')
		return 0;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return 0;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > 0xffffffffULL)
			return 0;
	}
	return 1;
}

/* Split line in place into at most nf ':'-separated fields; count. */
static size_t
password_split(char *line, char **f, size_t nf)
{
	size_t n = 0;
	char *p = line, *c;

	while (n < nf) {
		f[n++] = p;
		if ((c = strchr(p, ':')) == NULL)
			break;
		*c = '\0';
		p = c + 1;
	}
	return n;
}

/* An item for one passwd line, if it is an account whose name matches. */
static int
password_line(const void *arg, char *line, struct probe_result *res)
{
	const struct probe_ent *ent = arg;
	struct oval_item *it;
	struct plumb_err err;
	char *f[8];
	int m;

	if (*line == '\0' || *line == '#' || *line == '+' || *line == '-')
		return PLUMB_OK;
	if (password_split(line, f, 8) != 7 || *f[0] == '\0' ||
	    !password_id(f[2]) || !password_id(f[3]))
		return PLUMB_OK;
	if ((m = probe_ent_match(ent, f[0], &err)) < 0)
		return probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
	if (!m)
		return PLUMB_OK;
	if ((it = oval_item_new(OVAL_NS_SC_UNIX, "password_item")) == NULL ||
	    oval_item_add(it, "username", OVAL_DT_STRING, f[0]) != 0 ||
	    oval_item_add(it, "password", OVAL_DT_STRING, f[1]) != 0 ||
	    oval_item_add(it, "user_id", OVAL_DT_INT, f[2]) != 0 ||
	    oval_item_add(it, "group_id", OVAL_DT_INT, f[3]) != 0 ||
	    oval_item_add(it, "gcos", OVAL_DT_STRING, f[4]) != 0 ||
	    oval_item_add(it, "home_dir", OVAL_DT_STRING, f[5]) != 0 ||
	    oval_item_add(it, "login_shell", OVAL_DT_STRING, f[6]) != 0 ||
	    oval_item_add(it, "last_login", OVAL_DT_INT, "-1") != 0) {
		oval_item_unref(it);
		return PLUMB_ENOMEM;
	}
	return probe_emit(res, it);
}

static int
password_collect(const struct probe_req *req, struct probe_result *res)
{
	return hostfile_lines(req, res, "/etc/passwd", PASSWD_LINE_MAX, password_line,
	    probe_req_ent(req, "username"));
}

const struct probe_ops probe_password_ops = {
	.type = "password_object",
	.family = "unix",
	.collect = password_collect,
};
