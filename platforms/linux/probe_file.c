/*
 * probe_file.c - file_object (unix): the metadata of files, directories
 * and other file types, as lstat() sees them.  The path side (filepath,
 * path + filename, FileBehaviors) is resolved by fsobj.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>

#include "plumb/probe.h"
#include "fsobj.h"

/* The file_item spelling of a file type. */
static const char *
file_type(mode_t m)
{
	if (S_ISREG(m))
		return "regular";
	if (S_ISDIR(m))
		return "directory";
	if (S_ISLNK(m))
		return "symbolic link";
	if (S_ISFIFO(m))
		return "fifo";
	if (S_ISSOCK(m))
		return "socket";
	if (S_ISBLK(m))
		return "block special";
	if (S_ISCHR(m))
		return "character special";
	return "unknown";
}

static int
file_bool(struct oval_item *it, const char *name, int v)
{
	return oval_item_add(it, name, OVAL_DT_BOOLEAN, v ? "true" : "false");
}

/* has_extended_acl; "does not exist" where no ACL can be. */
static int
file_acl(struct oval_item *it, const struct fsobj_file *f)
{
	int acl = fsobj_file_acl(f);

	if (acl < 0)
		return oval_item_add_status(it, "has_extended_acl",
		    OVAL_DT_BOOLEAN, OVAL_ST_DOES_NOT_EXIST);
	return file_bool(it, "has_extended_acl", acl);
}

/* Decimal v without printf: called for six fields of every file. */
static int
file_int(struct oval_item *it, const char *name, long long v)
{
	char buf[32], *p = buf + sizeof(buf) - 1;
	unsigned long long u;

	u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	*p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	return oval_item_add(it, name, OVAL_DT_INT, p);
}

/*
 * The file_item for f, fields in unix-system-characteristics order,
 * has_extended_acl last and only when acl is set (asking costs a system
 * call per file).
 */
static struct oval_item *
file_item(const struct fsobj_file *f, int acl)
{
	const struct stat *st = f->st;
	mode_t m = st->st_mode;
	struct oval_item *it;

	if ((it = oval_item_new(OVAL_NS_SC_UNIX, "file_item")) == NULL)
		return NULL;
	if ((f->filepath != NULL &&
	    oval_item_add(it, "filepath", OVAL_DT_STRING, f->filepath) != 0) ||
	    oval_item_add(it, "path", OVAL_DT_STRING, f->path) != 0 ||
	    oval_item_add(it, "filename", OVAL_DT_STRING, f->filename) != 0 ||
	    oval_item_add(it, "type", OVAL_DT_STRING, file_type(m)) != 0 ||
	    file_int(it, "group_id", (long long)st->st_gid) != 0 ||
	    file_int(it, "user_id", (long long)st->st_uid) != 0 ||
	    file_int(it, "a_time", (long long)st->st_atime) != 0 ||
	    file_int(it, "c_time", (long long)st->st_ctime) != 0 ||
	    file_int(it, "m_time", (long long)st->st_mtime) != 0 ||
	    file_int(it, "size", (long long)st->st_size) != 0 ||
	    file_bool(it, "suid", m & S_ISUID) != 0 ||
	    file_bool(it, "sgid", m & S_ISGID) != 0 ||
	    file_bool(it, "sticky", m & S_ISVTX) != 0 ||
	    file_bool(it, "uread", m & S_IRUSR) != 0 ||
	    file_bool(it, "uwrite", m & S_IWUSR) != 0 ||
	    file_bool(it, "uexec", m & S_IXUSR) != 0 ||
	    file_bool(it, "gread", m & S_IRGRP) != 0 ||
	    file_bool(it, "gwrite", m & S_IWGRP) != 0 ||
	    file_bool(it, "gexec", m & S_IXGRP) != 0 ||
	    file_bool(it, "oread", m & S_IROTH) != 0 ||
	    file_bool(it, "owrite", m & S_IWOTH) != 0 ||
	    file_bool(it, "oexec", m & S_IXOTH) != 0 ||
	    (acl && file_acl(it, f) != 0)) {
		oval_item_unref(it);
		return NULL;
	}
	return it;
}

/* The requests of one walk, for the callback. */
struct file_walk {
	struct probe_result *const *res;
	unsigned char *acl;	/* per request: its filters look at the ACL */
};

/*
 * Offer the file to every request f->who lists.  One item serves them
 * all; the ACL field is added when a filter looks at it or once the
 * item is kept, so files the filters drop cost no ACL look-up.
 */
static int
file_items(const struct fsobj_file *f, void *arg)
{
	struct file_walk *w = arg;
	struct probe_result *res;
	struct oval_item *it;
	int acl = 0, rc = PLUMB_OK;
	size_t i;

	for (i = 0; i < f->nwho && !acl; i++)
		acl = w->acl[f->who[i]];
	if ((it = file_item(f, acl)) == NULL)
		return PLUMB_ENOMEM;
	for (i = 0; i < f->nwho && rc == 0; i++) {
		res = w->res[f->who[i]];
		if (!probe_keep(res, it))
			continue;
		if (!acl && (rc = file_acl(it, f)) != 0)
			break;
		acl = 1;
		rc = probe_take(res, oval_item_ref(it));
	}
	oval_item_unref(it);
	return rc;
}

static int
file_collect_batch(const struct probe_req *const *reqs,
    struct probe_result *const *res, size_t n)
{
	struct file_walk w;
	size_t i;
	int rc;

	w.res = res;
	if ((w.acl = calloc(n, 1)) == NULL)
		return PLUMB_ENOMEM;
	for (i = 0; i < n; i++)
		w.acl[i] = probe_keep_uses(res[i], "has_extended_acl") != 0;
	rc = fsobj_walk_shared(reqs, res, n, file_items, &w);
	free(w.acl);
	return rc;
}

static int
file_collect(const struct probe_req *req, struct probe_result *res)
{
	return file_collect_batch(&req, &res, 1);
}

const struct probe_ops probe_file_ops = {
	.type = "file_object",
	.family = "unix",
	.collect = file_collect,
	.batch_key = fsobj_walk_key,
	.collect_batch = file_collect_batch,
};
