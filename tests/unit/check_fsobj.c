/*
 * check_fsobj.c - the path side of file-based objects (fsobj): literal
 * prefix extraction from patterns, exact look-ups, pattern searches
 * (pruning, pseudo file systems), the FileBehaviors (max_depth,
 * recurse, recurse_direction), symlink loops, resolution within the
 * root, the match cap, the listing cache and the per-entry lstat and
 * ACL cache.
 *
 * Every walk runs on a small tree built under a temporary root; the
 * expected file lists are worked out by hand from that tree and the
 * unix-definitions-schema FileBehaviors annotations.
 */
#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plumb/probe.h"
#include "fsobj.h"

#define NROWS(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXF		64

static char root[256];

/* ---------------------------------------------------------------- tree */

static void
mk(const char *rel, const char *content)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s%s", root, rel);
	if (content == NULL) {
		ck_assert_int_eq(mkdir(p, 0755), 0);
		return;
	}
	ck_assert_ptr_nonnull(f = fopen(p, "w"));
	fputs(content, f);
	fclose(f);
}

static void
ln(const char *target, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s%s", root, rel);
	ck_assert_int_eq(symlink(target, p), 0);
}

/*
 * /etc/ssh/sshd_config
 * /etc/ssh/sshd_config.d/{a.conf,b.conf,c.txt}
 * /etc/sub/f  /etc/sub/deep/f  /etc/sub/deep/deeper/f
 * /etc/sub/lnk -> ../ssh          /etc/abs -> /etc/ssh (absolute)
 * /etc/l1 -> l2, /etc/l2 -> l1    /etc/dangling -> nowhere
 * /loop/x/self -> .   /loop/x/y/back -> ../..
 * /proc/1/f
 */
static void
tree_setup(void)
{
	char tmpl[] = "/tmp/check_fsobj.XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	snprintf(root, sizeof(root), "%s", tmpl);
	mk("/etc", NULL);
	mk("/etc/ssh", NULL);
	mk("/etc/ssh/sshd_config", "Port 22\n");
	mk("/etc/ssh/sshd_config.d", NULL);
	mk("/etc/ssh/sshd_config.d/a.conf", "a\n");
	mk("/etc/ssh/sshd_config.d/b.conf", "b\n");
	mk("/etc/ssh/sshd_config.d/c.txt", "c\n");
	mk("/etc/sub", NULL);
	mk("/etc/sub/f", "1\n");
	mk("/etc/sub/deep", NULL);
	mk("/etc/sub/deep/f", "2\n");
	mk("/etc/sub/deep/deeper", NULL);
	mk("/etc/sub/deep/deeper/f", "3\n");
	ln("../ssh", "/etc/sub/lnk");
	ln("/etc/ssh", "/etc/abs");
	ln("l2", "/etc/l1");
	ln("l1", "/etc/l2");
	ln("nowhere", "/etc/dangling");
	mk("/loop", NULL);
	mk("/loop/x", NULL);
	mk("/loop/x/y", NULL);
	ln(".", "/loop/x/self");
	ln("../..", "/loop/x/y/back");
	mk("/proc", NULL);
	mk("/proc/1", NULL);
	mk("/proc/1/f", "p\n");
	fsobj_cache_clear();
	fsobj_set_caps(0, 0);
}

static void
tree_teardown(void)
{
	char cmd[300];

	fsobj_cache_clear();
	fsobj_set_caps(0, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

/* ------------------------------------------------------------- request */

struct rq {
	struct probe_ent	 e[4];
	struct oval_values	 v[4];
	struct probe_behavior	 b[4];
	size_t			 ne, nb;
	struct probe_env	 env;
	struct probe_req	 req;
	struct probe_result	 res;
	char			*got[MAXF];
	size_t			 ngot;
};

static void
rq_init(struct rq *r)
{
	memset(r, 0, sizeof(*r));
	r->env.root = root;
	r->req.object_id = "oval:test:obj:1";
	r->req.type = "file_object";
	r->req.ents = r->e;
	r->req.behaviors = r->b;
	r->req.env = &r->env;
	r->res.flag = OVAL_FLAG_COMPLETE;
}

/* Add entity name with op and one or two values (v2 may be NULL). */
static void
rq_ent(struct rq *r, const char *name, enum oval_operation op,
    const char *v1, const char *v2)
{
	struct probe_ent *e = &r->e[r->ne];

	oval_values_init(&r->v[r->ne], OVAL_DT_STRING);
	e->name = name;
	e->dt = OVAL_DT_STRING;
	e->op = op;
	e->var_check = OVAL_CHECK_AT_LEAST_ONE;
	e->vals = &r->v[r->ne];
	if (v1 == NULL)
		e->nil = 1;
	else
		ck_assert_int_eq(oval_values_add(&r->v[r->ne], v1), 0);
	if (v2 != NULL)
		ck_assert_int_eq(oval_values_add(&r->v[r->ne], v2), 0);
	r->req.nents = ++r->ne;
}

static void
rq_beh(struct rq *r, const char *name, const char *value)
{
	r->b[r->nb].name = name;
	r->b[r->nb].value = value;
	r->req.nbehaviors = ++r->nb;
}

/* Record each file: its filepath, or "D:path" for a directory item. */
static int
rq_cb(const struct fsobj_file *f, void *arg)
{
	struct rq *r = arg;
	char buf[FSOBJ_PATH_MAX + 2];

	ck_assert_uint_lt(r->ngot, MAXF);
	if (f->filepath != NULL) {
		/* filepath, path and filename must agree. */
		snprintf(buf, sizeof(buf), "%s%s%s", f->path,
		    strcmp(f->path, "/") == 0 ? "" : "/", f->filename);
		ck_assert_str_eq(buf, f->filepath);
		snprintf(buf, sizeof(buf), "%s", f->filepath);
	} else {
		ck_assert_str_eq(f->filename, "");
		snprintf(buf, sizeof(buf), "D:%s", f->path);
	}
	ck_assert_ptr_nonnull(r->got[r->ngot++] = strdup(buf));
	return 0;
}

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walk and compare with the expected (sorted) list; NULL-terminated. */
static void
rq_expect(struct rq *r, enum oval_flag flag, const char *const *want)
{
	size_t i, n = 0;

	ck_assert_int_eq(fsobj_walk(&r->req, &r->res, rq_cb, r), 0);
	ck_assert_int_eq(r->res.flag, flag);
	qsort(r->got, r->ngot, sizeof(r->got[0]), strp_cmp);
	while (want[n] != NULL)
		n++;
	for (i = 0; i < r->ngot && i < n; i++)
		ck_assert_str_eq(r->got[i], want[i]);
	ck_assert_uint_eq(r->ngot, n);
}

static void
rq_free(struct rq *r)
{
	size_t i;

	for (i = 0; i < r->ne; i++)
		oval_values_clear(&r->v[i]);
	for (i = 0; i < r->ngot; i++)
		free(r->got[i]);
}

/* --------------------------------------------------------------- tests */

static const struct {
	const char	*re;
	int		 rc;
	const char	*dir;
} prefix_rows[] = {
	{ "^/etc/ssh/sshd_config\\.d/.*\\.conf$", 1,
	    "/etc/ssh/sshd_config.d" },
	{ "^/etc/ssh/sshd_config$", 1, "/etc/ssh" },
	{ "^/etc/passwd", 1, "/etc" },
	{ "^/etc/ssh/", 1, "/etc/ssh" },
	{ "\\A/etc/x", 1, "/etc" },
	{ "^/etc/(a|b)/x", 1, "/etc" },
	{ "^/usr/lib64?/foo", 1, "/usr" },		/* '4' optional */
	{ "^/usr/lib/x+", 1, "/usr/lib" },
	{ "^/var/log/[^/]+\\.log$", 1, "/var/log" },
	{ "^/opt/a\\/b/c", 1, "/opt/a/b" },		/* escaped slash */
	{ "^/opt/x.y", 1, "/opt" },
	{ "^/opt/x{2}/y", 1, "/opt" },
	{ "^/\\d+/x", 1, "/" },
	{ "/etc/passwd", 0, "/" },			/* unanchored */
	{ "^/etc/a|^/usr/b", 0, "/" },			/* top-level | */
	{ "^/etc/[|]/b", 1, "/etc" },			/* | in a class */
	{ "^(?i)/etc/x", 0, "/" },
	{ "^etc/x", 0, "/" },				/* relative */
	{ ".*", 0, "/" },
};

START_TEST(test_regex_root)
{
	char dir[FSOBJ_PATH_MAX];
	int rc;

	rc = fsobj_regex_root(prefix_rows[_i].re, dir, sizeof(dir));
	ck_assert_msg(rc == prefix_rows[_i].rc, "%s: rc %d",
	    prefix_rows[_i].re, rc);
	ck_assert_str_eq(dir, prefix_rows[_i].dir);
}
END_TEST

START_TEST(test_canonical)
{
	char out[FSOBJ_PATH_MAX];

	ck_assert_int_eq(fsobj_canonical(root, "/etc/abs/sshd_config", out,
	    sizeof(out)), 0);
	ck_assert_str_eq(out, "/etc/ssh/sshd_config");
	ck_assert_int_eq(fsobj_canonical(root, "/etc/sub/lnk", out,
	    sizeof(out)), 0);
	ck_assert_str_eq(out, "/etc/ssh");
	ck_assert_int_eq(fsobj_canonical(root, "/etc/sub/../ssh/./x/..",
	    out, sizeof(out)), PLUMB_ENOENT);	/* x does not exist */
	ck_assert_int_eq(fsobj_canonical(root, "/etc/sub/../ssh/.", out,
	    sizeof(out)), 0);
	ck_assert_str_eq(out, "/etc/ssh");
	ck_assert_int_eq(fsobj_canonical(root, "/loop/x/y/back/x/self/self",
	    out, sizeof(out)), 0);
	ck_assert_str_eq(out, "/loop/x");
	ck_assert_int_eq(fsobj_canonical(root, "/etc/dangling", out,
	    sizeof(out)), PLUMB_ENOENT);
	ck_assert_int_eq(fsobj_canonical(root, "/etc/l1", out, sizeof(out)),
	    PLUMB_ELIMIT);
	ck_assert_int_eq(fsobj_canonical(root, "/etc/ssh/sshd_config/x",
	    out, sizeof(out)), PLUMB_ENOENT);	/* not a directory */
	/* ".." never climbs above the root. */
	ck_assert_int_eq(fsobj_canonical(root, "/../../etc", out,
	    sizeof(out)), 0);
	ck_assert_str_eq(out, "/etc");
}
END_TEST

START_TEST(test_filepath_exact)
{
	static const char *const want[] = { "/etc/ssh/sshd_config", NULL };
	static const char *const none[] = { NULL };
	static const char *const link[] = { "/etc/abs", NULL };
	struct rq r;

	rq_init(&r);
	rq_ent(&r, "filepath", OVAL_OP_EQUALS, "/etc/ssh/sshd_config",
	    "/etc/missing");
	rq_expect(&r, OVAL_FLAG_COMPLETE, want);
	rq_free(&r);
	/* A directory is never a filepath. */
	rq_init(&r);
	rq_ent(&r, "filepath", OVAL_OP_EQUALS, "/etc/ssh", NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, none);
	rq_free(&r);
	/* A link to a directory is a file (lstat), found within root. */
	rq_init(&r);
	rq_ent(&r, "filepath", OVAL_OP_EQUALS, "/etc/abs", NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, link);
	rq_free(&r);
	/* Through an absolute link: resolved within the root. */
	rq_init(&r);
	rq_ent(&r, "filepath", OVAL_OP_EQUALS, "/etc/abs/sshd_config", NULL);
	{
		static const char *const w[] = { "/etc/abs/sshd_config",
		    NULL };
		rq_expect(&r, OVAL_FLAG_COMPLETE, w);
	}
	rq_free(&r);
}
END_TEST

START_TEST(test_filepath_pattern)
{
	static const char *const want[] = {
		"/etc/ssh/sshd_config.d/a.conf",
		"/etc/ssh/sshd_config.d/b.conf", NULL };
	struct fsobj_stats st;
	struct rq r;

	rq_init(&r);
	rq_ent(&r, "filepath", OVAL_OP_PATTERN_MATCH,
	    "^/etc/ssh/sshd_config\\.d/.*\\.conf$", NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, want);
	/* Started at the prefix: one directory read, nothing else. */
	fsobj_get_stats(&st);
	ck_assert_uint_eq(st.dir_reads, 1);
	ck_assert_uint_eq(st.cache_hits, 0);
	rq_free(&r);
	/* The same object again is served from the cache. */
	rq_init(&r);
	rq_ent(&r, "filepath", OVAL_OP_PATTERN_MATCH,
	    "^/etc/ssh/sshd_config\\.d/.*\\.conf$", NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, want);
	fsobj_get_stats(&st);
	ck_assert_uint_eq(st.dir_reads, 1);
	ck_assert_uint_eq(st.cache_hits, 1);
	rq_free(&r);
}
END_TEST

START_TEST(test_filepath_prune)
{
	static const char *const want[] = { "/etc/ssh/sshd_config", NULL };
	struct fsobj_stats st;
	struct rq r;

	/* [^/]* cannot reach into sshd_config.d: it is never read. */
	rq_init(&r);
	rq_ent(&r, "filepath", OVAL_OP_PATTERN_MATCH, "^/etc/ssh/[^/]*$",
	    NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, want);
	fsobj_get_stats(&st);
	ck_assert_uint_eq(st.dir_reads, 1);
	rq_free(&r);
}
END_TEST

START_TEST(test_pseudo)
{
	static const char *const want[] = { "/etc/sub/deep/deeper/f",
	    "/etc/sub/deep/f", "/etc/sub/f", NULL };
	static const char *const proc[] = { "/proc/1/f", NULL };
	struct rq r;

	/* A search from / skips /proc ... */
	rq_init(&r);
	rq_ent(&r, "filepath", OVAL_OP_PATTERN_MATCH, "/f$", NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, want);
	rq_free(&r);
	/* ... unless the pattern names it. */
	rq_init(&r);
	rq_ent(&r, "filepath", OVAL_OP_PATTERN_MATCH, "^/proc/.*/f$", NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, proc);
	rq_free(&r);
}
END_TEST

START_TEST(test_filename_ops)
{
	static const char *const one[] = { "/etc/ssh/sshd_config.d/a.conf",
	    NULL };
	static const char *const two[] = { "/etc/ssh/sshd_config.d/a.conf",
	    "/etc/ssh/sshd_config.d/b.conf", NULL };
	static const char *const ne[] = { "/etc/ssh/sshd_config.d/b.conf",
	    "/etc/ssh/sshd_config.d/c.txt", NULL };
	static const char *const dir[] = { "D:/etc/ssh/sshd_config.d", NULL };
	struct rq r;

	rq_init(&r);
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc/ssh/sshd_config.d", NULL);
	rq_ent(&r, "filename", OVAL_OP_EQUALS, "a.conf", "zzz");
	rq_expect(&r, OVAL_FLAG_COMPLETE, one);
	rq_free(&r);
	rq_init(&r);
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc/ssh/sshd_config.d", NULL);
	rq_ent(&r, "filename", OVAL_OP_PATTERN_MATCH, "\\.conf$", NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, two);
	rq_free(&r);
	rq_init(&r);
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc/ssh/sshd_config.d", NULL);
	rq_ent(&r, "filename", OVAL_OP_NOT_EQUAL, "a.conf", NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, ne);
	rq_free(&r);
	rq_init(&r);
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc/ssh/sshd_config.d", NULL);
	rq_ent(&r, "filename", OVAL_OP_EQUALS, NULL, NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, dir);
	rq_free(&r);
}
END_TEST

/* recurse_direction=down from /etc for filename f, by max_depth. */
static const struct {
	const char	*max_depth;
	const char	*want[4];
} depth_rows[] = {
	{ "0", { NULL } },
	{ "1", { "/etc/sub/f", NULL } },
	{ "2", { "/etc/sub/deep/f", "/etc/sub/f", NULL } },
	{ "-1", { "/etc/sub/deep/deeper/f", "/etc/sub/deep/f",
	    "/etc/sub/f", NULL } },
};

START_TEST(test_max_depth)
{
	struct rq r;

	rq_init(&r);
	rq_beh(&r, "recurse_direction", "down");
	rq_beh(&r, "max_depth", depth_rows[_i].max_depth);
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc", NULL);
	rq_ent(&r, "filename", OVAL_OP_EQUALS, "f", NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, depth_rows[_i].want);
	rq_free(&r);
}
END_TEST

/* Directories reached from /etc/sub (filename nil), by recurse. */
static const struct {
	const char	*recurse;
	const char	*want[6];
} recurse_rows[] = {
	{ "directories", { "D:/etc/sub", "D:/etc/sub/deep",
	    "D:/etc/sub/deep/deeper", NULL } },
	{ "symlinks", { "D:/etc/sub", "D:/etc/sub/lnk", NULL } },
	{ "symlinks and directories", { "D:/etc/sub", "D:/etc/sub/deep",
	    "D:/etc/sub/deep/deeper", "D:/etc/sub/lnk",
	    "D:/etc/sub/lnk/sshd_config.d", NULL } },
};

START_TEST(test_recurse)
{
	struct rq r;

	rq_init(&r);
	rq_beh(&r, "recurse_direction", "down");
	rq_beh(&r, "recurse", recurse_rows[_i].recurse);
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc/sub", NULL);
	rq_ent(&r, "filename", OVAL_OP_EQUALS, NULL, NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, recurse_rows[_i].want);
	rq_free(&r);
}
END_TEST

START_TEST(test_direction_none)
{
	static const char *const want[] = { "D:/etc/sub", NULL };
	struct rq r;

	/* max_depth alone does not recurse: direction defaults to none. */
	rq_init(&r);
	rq_beh(&r, "max_depth", "-1");
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc/sub", NULL);
	rq_ent(&r, "filename", OVAL_OP_EQUALS, NULL, NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, want);
	rq_free(&r);
}
END_TEST

START_TEST(test_loops)
{
	static const char *const want[] = { "D:/loop", "D:/loop/x",
	    "D:/loop/x/y", NULL };
	struct rq r;

	/* self -> . and back -> ../.. lead to directories on the path. */
	rq_init(&r);
	rq_beh(&r, "recurse_direction", "down");
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/loop", NULL);
	rq_ent(&r, "filename", OVAL_OP_EQUALS, NULL, NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, want);
	rq_free(&r);
}
END_TEST

START_TEST(test_up)
{
	static const char *const all[] = { "/etc/sub/deep/deeper/f",
	    "/etc/sub/deep/f", "/etc/sub/f", NULL };
	static const char *const one[] = { "/etc/sub/deep/deeper/f",
	    "/etc/sub/deep/f", NULL };
	static const char *const dirs[] = { "D:/", "D:/etc", "D:/etc/sub",
	    NULL };
	struct rq r;

	rq_init(&r);
	rq_beh(&r, "recurse_direction", "up");
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc/sub/deep/deeper", NULL);
	rq_ent(&r, "filename", OVAL_OP_EQUALS, "f", NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, all);
	rq_free(&r);
	rq_init(&r);
	rq_beh(&r, "recurse_direction", "up");
	rq_beh(&r, "max_depth", "1");
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc/sub/deep/deeper", NULL);
	rq_ent(&r, "filename", OVAL_OP_EQUALS, "f", NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, one);
	rq_free(&r);
	rq_init(&r);
	rq_beh(&r, "recurse_direction", "up");
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc/sub", NULL);
	rq_ent(&r, "filename", OVAL_OP_EQUALS, NULL, NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, dirs);
	rq_free(&r);
}
END_TEST

START_TEST(test_path_pattern)
{
	static const char *const want[] = { "/etc/sub/deep/deeper/f",
	    "/etc/sub/deep/f", "/etc/sub/f", NULL };
	static const char *const exact[] = { "/etc/sub/deep/f", NULL };
	struct rq r;

	/* Every directory the pattern matches; links are not followed. */
	rq_init(&r);
	rq_ent(&r, "path", OVAL_OP_PATTERN_MATCH, "^/etc/sub", NULL);
	rq_ent(&r, "filename", OVAL_OP_EQUALS, "f", NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, want);
	rq_free(&r);
	/* Behaviors only apply to equality on path. */
	rq_init(&r);
	rq_beh(&r, "recurse_direction", "down");
	rq_ent(&r, "path", OVAL_OP_PATTERN_MATCH, "^/etc/sub/deep$", NULL);
	rq_ent(&r, "filename", OVAL_OP_EQUALS, "f", NULL);
	rq_expect(&r, OVAL_FLAG_COMPLETE, exact);
	rq_free(&r);
}
END_TEST

START_TEST(test_match_cap)
{
	static const char *const two[] = { "/etc/sub/deep/deeper/f",
	    "/etc/sub/deep/f", NULL };
	struct rq r;

	/* Four files match (f, lnk, deep/f, deep/deeper/f).  Listings
	 * are sorted and the walk is depth-first, so "deep" (and within
	 * it "deeper") comes first: deeper/f, deep/f, then the cap. */
	fsobj_set_caps(2, 0);
	rq_init(&r);
	rq_ent(&r, "filepath", OVAL_OP_PATTERN_MATCH, "^/etc/sub/",
	    NULL);
	rq_expect(&r, OVAL_FLAG_INCOMPLETE, two);
	ck_assert_ptr_nonnull(strstr(r.res.msg, "more than 2"));
	rq_free(&r);
}
END_TEST

START_TEST(test_cache_cap)
{
	static const char *const want[] = { "/etc/ssh/sshd_config", NULL };
	struct fsobj_stats st;
	struct rq r;
	int k;

	fsobj_set_caps(0, 1);		/* nothing fits */
	for (k = 0; k < 2; k++) {
		rq_init(&r);
		rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc/ssh", NULL);
		rq_ent(&r, "filename", OVAL_OP_PATTERN_MATCH, "^sshd_config$",
		    NULL);
		rq_expect(&r, OVAL_FLAG_COMPLETE, want);
		rq_free(&r);
	}
	fsobj_get_stats(&st);
	ck_assert_uint_eq(st.dir_reads, 2);
	ck_assert_uint_eq(st.cache_hits, 0);
	ck_assert_uint_eq(st.cache_bytes, 0);
}
END_TEST

/* Check f's (possibly cached) lstat against the system's; ask its ACL. */
static int
stat_cb(const struct fsobj_file *f, void *arg)
{
	struct rq *r = arg;
	struct stat st;
	int acl;

	ck_assert_int_eq(lstat(f->hostpath, &st), 0);
	ck_assert_uint_eq(f->st->st_mode, st.st_mode);
	ck_assert_uint_eq(f->st->st_uid, st.st_uid);
	ck_assert_uint_eq(f->st->st_gid, st.st_gid);
	ck_assert_int_eq(f->st->st_size, st.st_size);
	ck_assert_int_eq(f->st->st_mtime, st.st_mtime);
	ck_assert_uint_eq(f->st->st_ino, st.st_ino);
	ck_assert_uint_eq(f->st->st_dev, st.st_dev);
	acl = fsobj_file_acl(f);
	if (S_ISLNK(st.st_mode))
		ck_assert_int_eq(acl, -1);
	else	/* the tree carries no ACLs; -1 where the fs has none */
		ck_assert_int_le(acl, 0);
	ck_assert_int_eq(fsobj_file_acl(f), acl);
	return rq_cb(f, arg) == 0 && r != NULL ? 0 : -1;
}

START_TEST(test_stat_cache)
{
	/* sshd_config.d matches the filename too, but is a directory:
	 * no filename item. */
	static const char *const want[] = { "/etc/ssh/sshd_config",
	    "/etc/ssh/sshd_config.d/a.conf", "/etc/ssh/sshd_config.d/b.conf",
	    "/etc/ssh/sshd_config.d/c.txt", NULL };
	static const char *const lnk[] = { "/etc/sub/lnk", NULL };
	struct fsobj_stats st;
	struct rq r;
	size_t i;
	int k;

	/*
	 * /etc/ssh holds 2 entries, sshd_config.d 3.  An unbounded walk
	 * keeps only its top listing, so its second run asks for the
	 * three below again; a bounded walk keeps every listing, so each
	 * entry is lstat'ed and asked for its ACL once however many runs
	 * (sshd_config.d is lstat'ed, but as a directory it is no item:
	 * no ACL asked).
	 */
	static const unsigned long calls[] = { 5, 8, 11, 11 };
	static const unsigned long acls[] = { 4, 7, 10, 10 };

	for (k = 0; k < 4; k++) {
		rq_init(&r);
		rq_beh(&r, "recurse_direction", "down");
		if (k >= 2)
			rq_beh(&r, "max_depth", "1");
		rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc/ssh", NULL);
		rq_ent(&r, "filename", OVAL_OP_PATTERN_MATCH, "\\.|^sshd",
		    NULL);
		ck_assert_int_eq(fsobj_walk(&r.req, &r.res, stat_cb, &r), 0);
		ck_assert_int_eq(r.res.flag, OVAL_FLAG_COMPLETE);
		qsort(r.got, r.ngot, sizeof(r.got[0]), strp_cmp);
		ck_assert_uint_eq(r.ngot, 4);
		for (i = 0; i < 4; i++)
			ck_assert_str_eq(r.got[i], want[i]);
		rq_free(&r);
		fsobj_get_stats(&st);
		ck_assert_uint_eq(st.stat_calls, calls[k]);
		ck_assert_uint_eq(st.acl_calls, acls[k]);
	}
	ck_assert_uint_gt(st.stat_hits, 0);
	/* A symbolic link has no ACL to ask for. */
	rq_init(&r);
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc/sub", NULL);
	rq_ent(&r, "filename", OVAL_OP_PATTERN_MATCH, "^lnk$", NULL);
	ck_assert_int_eq(fsobj_walk(&r.req, &r.res, stat_cb, &r), 0);
	ck_assert_uint_eq(r.ngot, 1);
	ck_assert_str_eq(r.got[0], lnk[0]);
	rq_free(&r);
	fsobj_get_stats(&st);
	ck_assert_uint_eq(st.acl_calls, 10);
}
END_TEST

/* Record each file into the rq of every request it is for. */
static int
shared_cb(const struct fsobj_file *f, void *arg)
{
	struct rq **rs = arg;
	size_t i;
	int rc = 0;

	ck_assert_uint_gt(f->nwho, 0);
	for (i = 0; i < f->nwho && rc == 0; i++)
		rc = rq_cb(f, rs[f->who[i]]);
	return rc;
}

/* Sorted got of r against want (NULL-terminated). */
static void
rq_same(struct rq *r, const char *const *want)
{
	size_t i, n = 0;

	qsort(r->got, r->ngot, sizeof(r->got[0]), strp_cmp);
	while (want[n] != NULL)
		n++;
	for (i = 0; i < r->ngot && i < n; i++)
		ck_assert_str_eq(r->got[i], want[i]);
	ck_assert_uint_eq(r->ngot, n);
}

START_TEST(test_shared_walk)
{
	static const char *const dirs[] = { "D:/etc/sub", "D:/etc/sub/deep",
	    "D:/etc/sub/deep/deeper", NULL };
	static const char *const fs[] = { "/etc/sub/deep/deeper/f",
	    "/etc/sub/deep/f", "/etc/sub/f", NULL };
	/* deep matches too, but a directory is never a filename item. */
	static const char *const dl[] = { "/etc/sub/lnk", NULL };
	static const char *const *const want[] = { dirs, fs, fs, dl };
	char k0[PROBE_KEY_MAX], k1[PROBE_KEY_MAX];
	const struct probe_req *reqs[4];
	struct probe_result *res[4];
	struct fsobj_stats st;
	struct rq r[4], *rs[4];
	size_t i;

	for (i = 0; i < 4; i++) {
		rq_init(&r[i]);
		rq_beh(&r[i], "recurse_direction", "down");
		rq_beh(&r[i], "recurse", "directories");
		rq_ent(&r[i], "path", OVAL_OP_EQUALS, "/etc/sub", NULL);
		reqs[i] = &r[i].req;
		res[i] = &r[i].res;
		rs[i] = &r[i];
	}
	rq_ent(&r[0], "filename", OVAL_OP_EQUALS, NULL, NULL);
	rq_ent(&r[1], "filename", OVAL_OP_PATTERN_MATCH, "^f$", NULL);
	rq_ent(&r[2], "filename", OVAL_OP_EQUALS, "f", NULL);
	rq_ent(&r[3], "filename", OVAL_OP_PATTERN_MATCH, "^(deep|lnk)$",
	    NULL);
	/* Same walk whatever the filename: one key. */
	ck_assert_int_eq(fsobj_walk_key(reqs[0], k0, sizeof(k0)), 1);
	for (i = 1; i < 4; i++) {
		ck_assert_int_eq(fsobj_walk_key(reqs[i], k1, sizeof(k1)), 1);
		ck_assert_str_eq(k0, k1);
	}
	ck_assert_int_eq(fsobj_walk_shared(reqs, res, 4, shared_cb, rs), 0);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(r[i].res.flag, OVAL_FLAG_COMPLETE);
		rq_same(&r[i], want[i]);
		rq_free(&r[i]);
	}
	/* One lstat per entry reached (f, deep, lnk; f, deeper; f) for
	 * all four requests together. */
	fsobj_get_stats(&st);
	ck_assert_uint_eq(st.stat_calls, 6);
}
END_TEST

START_TEST(test_walk_key)
{
	char k0[PROBE_KEY_MAX], k1[PROBE_KEY_MAX];
	struct rq r;

	/* Different depth, different key. */
	rq_init(&r);
	rq_beh(&r, "recurse_direction", "down");
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc", NULL);
	ck_assert_int_eq(fsobj_walk_key(&r.req, k0, sizeof(k0)), 1);
	rq_beh(&r, "max_depth", "2");
	ck_assert_int_eq(fsobj_walk_key(&r.req, k1, sizeof(k1)), 1);
	ck_assert_str_ne(k0, k1);
	rq_free(&r);
	/* No recursion, a path pattern, a filepath: nothing to share. */
	rq_init(&r);
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc", NULL);
	ck_assert_int_eq(fsobj_walk_key(&r.req, k0, sizeof(k0)), 0);
	rq_free(&r);
	rq_init(&r);
	rq_beh(&r, "recurse_direction", "down");
	rq_ent(&r, "path", OVAL_OP_PATTERN_MATCH, "^/etc", NULL);
	ck_assert_int_eq(fsobj_walk_key(&r.req, k0, sizeof(k0)), 0);
	rq_free(&r);
	rq_init(&r);
	rq_beh(&r, "recurse_direction", "down");
	rq_ent(&r, "filepath", OVAL_OP_EQUALS, "/etc/sub/f", NULL);
	ck_assert_int_eq(fsobj_walk_key(&r.req, k0, sizeof(k0)), 0);
	rq_free(&r);
}
END_TEST

/* A filter keeping /etc/sub/f alone; uses_acl says whether it looks
 * at has_extended_acl. */
static int uses_acl;

static int
keep_f(void *arg, const struct oval_item *it)
{
	size_t i;

	(void)arg;
	for (i = 0; i < it->nfields; i++)
		if (strcmp(it->fields[i].name, "filepath") == 0)
			return strcmp(it->fields[i].value, "/etc/sub/f") == 0;
	return 0;
}

static int
keep_uses(void *arg, const char *name)
{
	(void)arg;
	return uses_acl && strcmp(name, "has_extended_acl") == 0;
}

/*
 * The file probe asks for an ACL only for the items the filters keep,
 * unless a filter looks at it; kept items always carry the field.
 */
START_TEST(test_file_lazy_acl)
{
	const struct probe_ops *ops = probe_lookup("file_object");
	struct fsobj_stats st;
	struct rq r;
	size_t i, k, acl;

	ck_assert_ptr_nonnull(ops);
	uses_acl = _i;
	rq_init(&r);
	rq_beh(&r, "recurse_direction", "down");
	rq_beh(&r, "recurse", "directories");
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc/sub", NULL);
	rq_ent(&r, "filename", OVAL_OP_PATTERN_MATCH, ".", NULL);
	r.res.keep = keep_f;
	r.res.keep_uses = keep_uses;
	ck_assert_int_eq(ops->collect(&r.req, &r.res), 0);
	ck_assert_uint_eq(r.res.items.n, 1);
	for (i = 0; i < r.res.items.n; i++) {
		for (acl = k = 0; k < r.res.items.v[i]->nfields; k++)
			acl += strcmp(r.res.items.v[i]->fields[k].name,
			    "has_extended_acl") == 0;
		ck_assert_uint_eq(acl, 1);
	}
	/* f, lnk, f, f offered (directories are not filename items); lnk
	 * cannot have an ACL. */
	fsobj_get_stats(&st);
	ck_assert_uint_eq(st.acl_calls, uses_acl ? 3 : 1);
	oval_item_list_clear(&r.res.items);
	rq_free(&r);
}
END_TEST

/* Read the file f names into the rq's first got slot (its content). */
static int
read_cb(const struct fsobj_file *f, void *arg)
{
	struct rq *r = arg;
	struct plumb_err err;
	char *buf;
	size_t len;
	int trunc;

	ck_assert_int_eq(fsobj_read(root, f, 1024, &buf, &len, &trunc, &err),
	    0);
	ck_assert_int_eq(trunc, 0);
	ck_assert_uint_lt(r->ngot, MAXF);
	r->got[r->ngot++] = buf;
	return 0;
}

/* Read sshd_config through a walk; returns its content (caller frees). */
static char *
read_sshd(void)
{
	struct rq r;
	char *s;

	rq_init(&r);
	rq_ent(&r, "filepath", OVAL_OP_EQUALS, "/etc/ssh/sshd_config", NULL);
	ck_assert_int_eq(fsobj_walk(&r.req, &r.res, read_cb, &r), 0);
	ck_assert_uint_eq(r.ngot, 1);
	s = r.got[0];
	r.ngot = 0;
	rq_free(&r);
	return s;
}

/* A small file is read from disk once while it stays unchanged. */
START_TEST(test_text_cache)
{
	struct fsobj_stats st;
	char p[512], *s;
	FILE *f;

	s = read_sshd();
	ck_assert_str_eq(s, "Port 22\n");
	free(s);
	s = read_sshd();
	ck_assert_str_eq(s, "Port 22\n");
	free(s);
	fsobj_get_stats(&st);
	ck_assert_uint_eq(st.text_reads, 1);
	ck_assert_uint_eq(st.text_hits, 1);
	/* Same size, new content: read again. */
	snprintf(p, sizeof(p), "%s/etc/ssh/sshd_config", root);
	ck_assert_ptr_nonnull(f = fopen(p, "w"));
	fputs("Port 23\n", f);
	fclose(f);
	s = read_sshd();
	ck_assert_str_eq(s, "Port 23\n");
	free(s);
	fsobj_get_stats(&st);
	ck_assert_uint_eq(st.text_reads, 2);
}
END_TEST

START_TEST(test_bad_behavior)
{
	static const char *const none[] = { NULL };
	struct rq r;

	rq_init(&r);
	rq_beh(&r, "recurse_direction", "sideways");
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc", NULL);
	rq_ent(&r, "filename", OVAL_OP_EQUALS, "f", NULL);
	rq_expect(&r, OVAL_FLAG_ERROR, none);
	rq_free(&r);
	rq_init(&r);
	rq_beh(&r, "max_depth", "-2");
	rq_ent(&r, "path", OVAL_OP_EQUALS, "/etc", NULL);
	rq_ent(&r, "filename", OVAL_OP_EQUALS, "f", NULL);
	rq_expect(&r, OVAL_FLAG_ERROR, none);
	rq_free(&r);
}
END_TEST

static Suite *
fsobj_suite(void)
{
	Suite *s = suite_create("fsobj");
	TCase *tc;

	tc = tcase_create("prefix");
	tcase_add_loop_test(tc, test_regex_root, 0, (int)NROWS(prefix_rows));
	suite_add_tcase(s, tc);
	tc = tcase_create("walk");
	tcase_add_checked_fixture(tc, tree_setup, tree_teardown);
	tcase_add_test(tc, test_canonical);
	tcase_add_test(tc, test_filepath_exact);
	tcase_add_test(tc, test_filepath_pattern);
	tcase_add_test(tc, test_filepath_prune);
	tcase_add_test(tc, test_pseudo);
	tcase_add_test(tc, test_filename_ops);
	tcase_add_loop_test(tc, test_max_depth, 0, (int)NROWS(depth_rows));
	tcase_add_loop_test(tc, test_recurse, 0, (int)NROWS(recurse_rows));
	tcase_add_test(tc, test_direction_none);
	tcase_add_test(tc, test_loops);
	tcase_add_test(tc, test_up);
	tcase_add_test(tc, test_path_pattern);
	tcase_add_test(tc, test_match_cap);
	tcase_add_test(tc, test_cache_cap);
	tcase_add_test(tc, test_stat_cache);
	tcase_add_test(tc, test_shared_walk);
	tcase_add_test(tc, test_text_cache);
	tcase_add_test(tc, test_walk_key);
	tcase_add_loop_test(tc, test_file_lazy_acl, 0, 2);
	tcase_add_test(tc, test_bad_behavior);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(fsobj_suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
