/*
 * fsobj.c - resolve the files a file-based OVAL object names (see
 * fsobj.h): exact look-ups for "equals", a pruned walk from the literal
 * prefix for patterns, and the OVAL 5.11 FileBehaviors for path +
 * filename objects.
 */
/* O_PATH (a directory handle for fstatat that reads nothing) is GNU. */
#define _GNU_SOURCE 1

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/xattr.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "common/regex_limits.h"
#include "fsobj.h"

#define SYMLINK_MAX	40	/* links followed while resolving one path */
#define DEPTH_MAX	512	/* directory nesting we descend at most */
#define CACHE_BUCKETS	65536
#define FSOBJ_HELD_MAX	128	/* directories a walk holds open at once */

#define ACL_HDR		4	/* posix_acl_xattr_header */
#define ACL_ENTRY	8	/* posix_acl_xattr_entry */
#define ACL_MINIMAL	(ACL_HDR + 3 * ACL_ENTRY)	/* user, group, other */

/* fsobj_dent.stat */
#define DENT_STAT_NONE	0	/* not taken yet */
#define DENT_STAT_OK	1	/* in the listing's st[] */
#define DENT_STAT_GONE	2	/* lstat failed */

#define DENT_ACL_NONE	(-2)	/* fsobj_dent.acl not known yet */

/* One directory entry of a cached listing. */
struct fsobj_dent {
	char		*name;		/* in the listing's name block */
	unsigned char	 type;		/* DT_* from readdir */
	unsigned char	 stat;		/* DENT_STAT_* */
	signed char	 acl;		/* fsobj_file_acl(), or DENT_ACL_NONE */
};

/* The lstat() fields callers use, kept per entry of a listing. */
struct fsobj_lstat {
	uint64_t	dev;
	uint64_t	ino;
	int64_t		size;
	int64_t		atime;
	int64_t		mtime;
	int64_t		ctime;
	uint32_t	mode;
	uint32_t	uid;
	uint32_t	gid;
	uint32_t	nlink;
};

/* The sorted listing of one directory, keyed by its host path. */
struct fsobj_dir {
	char			*key;
	uint32_t		 hash;
	struct fsobj_dent	*v;
	struct fsobj_lstat	*st;		/* parallel to v, or NULL */
	char			*names;		/* every v[].name */
	size_t			 n;
	size_t			 bytes;
	int			 cached;	/* owned by the cache */
	DIR			*dp;		/* held open while walked, or NULL */
	struct fsobj_dir	*next;
};

static struct fsobj_dir *fsobj_cache[CACHE_BUCKETS];
static size_t fsobj_cache_bytes;
static size_t fsobj_cache_cap = FSOBJ_CACHE_CAP;
static size_t fsobj_match_cap = FSOBJ_MATCH_CAP;
static unsigned long fsobj_reads, fsobj_hits;
static unsigned long fsobj_stat_calls, fsobj_stat_hits, fsobj_acl_calls;
static unsigned long fsobj_text_reads, fsobj_text_hits;
static size_t fsobj_held;	/* listings holding their directory open */

static void fsobj_text_clear(void);

/* Where the walk is: system path (reported) and host path (opened). */
struct fsobj_frame {
	const char	*sys;
	const char	*host;
	const struct stat *st;		/* of host, a directory */
	struct fsobj_dent *dent;	/* host's entry in its parent, or NULL */
	dev_t		 dev;
	ino_t		 ino;
	struct fsobj_frame *up;
};

enum fsobj_dir_mode {
	FSOBJ_DIRS = 1,		/* follow real directories */
	FSOBJ_LINKS = 2		/* follow symlinks to directories */
};

enum fsobj_fs {
	FSOBJ_FS_ALL = 0,
	FSOBJ_FS_LOCAL,
	FSOBJ_FS_DEFINED
};

/* How a member of a walk names files within each directory reached. */
enum fsobj_name {
	FSOBJ_NAME_NIL = 0,	/* the directory itself */
	FSOBJ_NAME_EXACT,	/* look-ups of the names given */
	FSOBJ_NAME_MATCH	/* the listing's entries that match */
};

/* One object of a walk: several share one when their keys agree. */
struct fsobj_member {
	const struct probe_req	*req;
	struct probe_result	*res;
	const struct probe_ent	*filename;
	enum fsobj_name		 name;
	const char		*start;		/* its path, in a shared walk */
	int			 active;	/* the walk is within start */
	int			 reached;	/* the walk came to start */
	size_t			 nmatch;
	int			 stop;		/* cap reached / error flagged */
};

struct fsobj_ctx {
	struct fsobj_member	*m;		/* m[0] decides the walk */
	size_t			 nm;
	size_t			 nlive;		/* members not stopped */
	fsobj_fn		 fn;
	void			*arg;
	const char		*root;		/* "" for "/" */
	const struct probe_ent	*filepath;
	const struct probe_ent	*path;
	long			 max_depth;
	int			 follow;	/* FSOBJ_DIRS | FSOBJ_LINKS */
	int			 direction;	/* -1 up, 0 none, 1 down */
	enum fsobj_fs		 fs;
	dev_t			 start_dev;
	const char		*start;		/* system start directory */
	int			 search;	/* walking for a non-equals match */
	pcre2_code		**prune;	/* partial-match pruning, or NULL */
	size_t			 nprune;
	pcre2_match_context	*prune_mctx;	/* its match limits */
	int			 stop;		/* every member stopped */
	const size_t		*gidx;		/* member k is request gidx[k] */
};

void
fsobj_get_stats(struct fsobj_stats *st)
{
	st->dir_reads = fsobj_reads;
	st->cache_hits = fsobj_hits;
	st->stat_calls = fsobj_stat_calls;
	st->stat_hits = fsobj_stat_hits;
	st->acl_calls = fsobj_acl_calls;
	st->cache_bytes = fsobj_cache_bytes;
	st->text_reads = fsobj_text_reads;
	st->text_hits = fsobj_text_hits;
}

void
fsobj_set_caps(size_t match_cap, size_t cache_cap)
{
	fsobj_match_cap = match_cap != 0 ? match_cap : FSOBJ_MATCH_CAP;
	fsobj_cache_cap = cache_cap != 0 ? cache_cap : FSOBJ_CACHE_CAP;
}

static void
fsobj_dir_free(struct fsobj_dir *d)
{
	if (d == NULL)
		return;
	if (d->dp != NULL) {
		closedir(d->dp);
		fsobj_held--;
	}
	free(d->names);
	free(d->st);
	free(d->v);
	free(d->key);
	free(d);
}

/* Free a listing unless the cache owns it. */
static void
fsobj_dir_release(struct fsobj_dir *d)
{
	if (d != NULL && !d->cached)
		fsobj_dir_free(d);
}

void
fsobj_cache_clear(void)
{
	struct fsobj_dir *d, *next;
	size_t i;

	for (i = 0; i < CACHE_BUCKETS; i++) {
		for (d = fsobj_cache[i]; d != NULL; d = next) {
			next = d->next;
			fsobj_dir_free(d);
		}
		fsobj_cache[i] = NULL;
	}
	fsobj_cache_bytes = 0;
	fsobj_text_clear();
	fsobj_reads = fsobj_hits = 0;
	fsobj_stat_calls = fsobj_stat_hits = fsobj_acl_calls = 0;
}

static uint32_t
fsobj_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int
fsobj_dent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fsobj_dent *)a)->name,
	    ((const struct fsobj_dent *)b)->name);
}

/* Join a and b with one '/' into out; PLUMB_ELIMIT when too long. */
static int
fsobj_join(char *out, size_t len, const char *a, const char *b)
{
	size_t al = strlen(a), bl = strlen(b), sep;

	sep = al > 0 && a[al - 1] == '/' ? 0 : 1;
	if (al + sep + bl >= len)
		return PLUMB_ELIMIT;
	memcpy(out, a, al);
	if (sep)
		out[al] = '/';
	memcpy(out + al + sep, b, bl + 1);
	return PLUMB_OK;
}

/*
 * The listing of host directory host, from the cache or read now (and
 * cached when keep says it may be read again, while the cap allows).  *out is NULL when the directory cannot
 * be read.  Release with fsobj_dir_release().  Names go to one block
 * per listing: one allocation instead of one per entry.
 */
static int
fsobj_list(const char *host, int keep, struct fsobj_dir **out)
{
	struct fsobj_dir *d = NULL, *c;
	struct fsobj_dent *nv;
	struct dirent *de;
	size_t cap = 0, ncap = 0, nlen = 0, l, i;
	char *nb;
	uint32_t hash, h;
	DIR *dp = NULL;
	int rc = PLUMB_ENOMEM;

	*out = NULL;
	hash = fsobj_hash(host);
	h = hash % CACHE_BUCKETS;
	for (c = fsobj_cache[h]; c != NULL; c = c->next) {
		if (c->hash == hash && strcmp(c->key, host) == 0) {
			fsobj_hits++;
			*out = c;
			return PLUMB_OK;
		}
	}
	if ((dp = opendir(host)) == NULL)
		return PLUMB_OK;
	fsobj_reads++;
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->key = strdup(host)) == NULL)
		goto out;
	d->hash = hash;
	d->bytes = sizeof(*d) + strlen(host) + 1;
	while ((de = readdir(dp)) != NULL && d->n < FSOBJ_DIR_CAP) {
		if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
		    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
			continue;
		if (d->n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = reallocarray(d->v, cap, sizeof(*nv))) == NULL)
				goto out;
			d->v = nv;
		}
		l = strlen(de->d_name) + 1;
		if (nlen + l > ncap) {
			ncap = ncap ? ncap * 2 : 256;
			while (nlen + l > ncap)
				ncap *= 2;
			if ((nb = realloc(d->names, ncap)) == NULL)
				goto out;
			d->names = nb;
		}
		memcpy(d->names + nlen, de->d_name, l);
		/* An offset until the block stops moving. */
		d->v[d->n].name = (char *)(uintptr_t)nlen;
		d->v[d->n].type = de->d_type;
		d->v[d->n].stat = DENT_STAT_NONE;
		d->v[d->n].acl = DENT_ACL_NONE;
		nlen += l;
		d->n++;
	}
	for (i = 0; i < d->n; i++)
		d->v[i].name = d->names + (uintptr_t)d->v[i].name;
	d->bytes += d->n * sizeof(*d->v) + nlen;
	if (d->n > 0)
		qsort(d->v, d->n, sizeof(*d->v), fsobj_dent_cmp);
	if (keep && fsobj_cache_bytes + d->bytes <= fsobj_cache_cap) {
		d->cached = 1;
		d->next = fsobj_cache[h];
		fsobj_cache[h] = d;
		fsobj_cache_bytes += d->bytes;
	} else if (fsobj_held < FSOBJ_HELD_MAX) {
		/* Walked once and dropped: its entries are lstat'ed through
		 * this descriptor, so the directory is opened only once. */
		d->dp = dp;
		dp = NULL;
		fsobj_held++;
	}
	*out = d;
	d = NULL;
	rc = PLUMB_OK;
out:
	fsobj_dir_free(d);
	if (dp != NULL)
		closedir(dp);
	return rc;
}

/* Expand a kept lstat into st (fields not kept are zero). */
static void
fsobj_lstat_get(const struct fsobj_lstat *ls, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = (dev_t)ls->dev;
	st->st_ino = (ino_t)ls->ino;
	st->st_size = (off_t)ls->size;
	st->st_atime = (time_t)ls->atime;
	st->st_mtime = (time_t)ls->mtime;
	st->st_ctime = (time_t)ls->ctime;
	st->st_mode = (mode_t)ls->mode;
	st->st_uid = (uid_t)ls->uid;
	st->st_gid = (gid_t)ls->gid;
	st->st_nlink = (nlink_t)ls->nlink;
}

/* Keep the fields of st callers use. */
static void
fsobj_lstat_put(struct fsobj_lstat *ls, const struct stat *st)
{
	ls->dev = (uint64_t)st->st_dev;
	ls->ino = (uint64_t)st->st_ino;
	ls->size = (int64_t)st->st_size;
	ls->atime = (int64_t)st->st_atime;
	ls->mtime = (int64_t)st->st_mtime;
	ls->ctime = (int64_t)st->st_ctime;
	ls->mode = (uint32_t)st->st_mode;
	ls->uid = (uint32_t)st->st_uid;
	ls->gid = (uint32_t)st->st_gid;
	ls->nlink = (uint32_t)st->st_nlink;
}

/*
 * lstat() of entry i of listing d (in host directory host) into st: from
 * the listing when taken before, else relative to the directory the
 * listing holds open, or to one opened once per visit (*dfd, -1 until
 * needed; the caller closes it), and kept while the cache cap allows.
 * 0, or -1 when the entry is gone.
 */
static int
fsobj_dent_stat(struct fsobj_dir *d, size_t i, const char *host, int *dfd,
    struct stat *st)
{
	struct fsobj_dent *e = &d->v[i];
	char full[FSOBJ_PATH_MAX * 2];
	size_t sz;
	int r;

	if (e->stat == DENT_STAT_OK && d->st != NULL) {
		fsobj_stat_hits++;
		fsobj_lstat_get(&d->st[i], st);
		return 0;
	}
	if (e->stat == DENT_STAT_GONE) {
		fsobj_stat_hits++;
		return -1;
	}
	if (*dfd == -1 && d->dp == NULL)
		*dfd = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC);
	fsobj_stat_calls++;
	if (d->dp != NULL)
		r = fstatat(dirfd(d->dp), e->name, st, AT_SYMLINK_NOFOLLOW);
	else if (*dfd >= 0)
		r = fstatat(*dfd, e->name, st, AT_SYMLINK_NOFOLLOW);
	else {
		/* No descriptor left: the full path still works. */
		*dfd = -2;
		if (fsobj_join(full, sizeof(full), host, e->name) != 0)
			return -1;
		r = lstat(full, st);
	}
	if (d->st == NULL && d->cached) {
		sz = d->n * sizeof(*d->st);
		if (fsobj_cache_bytes + sz <= fsobj_cache_cap &&
		    (d->st = malloc(sz)) != NULL) {
			fsobj_cache_bytes += sz;
			d->bytes += sz;
		}
	}
	if (r != 0) {
		e->stat = DENT_STAT_GONE;
		return -1;
	}
	if (d->st == NULL)
		return 0;
	fsobj_lstat_put(&d->st[i], st);
	/* What a later caller gets back is the kept form. */
	fsobj_lstat_get(&d->st[i], st);
	e->stat = DENT_STAT_OK;
	return 0;
}

/* Close a directory descriptor fsobj_dent_stat() may have opened. */
static void
fsobj_dfd_close(int dfd)
{
	if (dfd >= 0)
		close(dfd);
}

/* Ask the system whether host (of mode m) has an extended ACL. */
static int
fsobj_acl(const char *host, mode_t m)
{
	ssize_t n;

	if (S_ISLNK(m))
		return -1;
	fsobj_acl_calls++;
	n = lgetxattr(host, "system.posix_acl_access", NULL, 0);
	if (n < 0 && (errno == ENOTSUP || errno == ENOSYS))
		return -1;
	if (n > ACL_MINIMAL)
		return 1;
	if (S_ISDIR(m) &&
	    lgetxattr(host, "system.posix_acl_default", NULL, 0) > 0)
		return 1;
	return 0;
}

int
fsobj_file_acl(const struct fsobj_file *f)
{
	int acl;

	if (f->dent != NULL && f->dent->acl != DENT_ACL_NONE)
		return f->dent->acl;
	acl = fsobj_acl(f->hostpath, f->st->st_mode);
	if (f->dent != NULL)
		f->dent->acl = (signed char)acl;
	return acl;
}

int
fsobj_canonical(const char *root, const char *syspath, char *out,
    size_t outlen)
{
	char rest[FSOBJ_PATH_MAX], tmp[FSOBJ_PATH_MAX], link[FSOBJ_PATH_MAX];
	char host[FSOBJ_PATH_MAX * 2], comp[NAME_MAX + 1];
	const char *p;
	struct stat st;
	size_t len, clen, base;
	ssize_t ll;
	int links = 0;

	if (outlen < 2)
		return PLUMB_ELIMIT;
	if (strcmp(root, "/") == 0)
		root = "";
	if (strlen(syspath) >= sizeof(rest))
		return PLUMB_ELIMIT;
	strcpy(rest, syspath);
	strcpy(out, "/");
	len = 1;
	for (;;) {
		p = rest;
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		clen = strcspn(p, "/");
		if (clen > NAME_MAX)
			return PLUMB_ENOENT;
		memcpy(comp, p, clen);
		comp[clen] = '\0';
		memmove(rest, p + clen, strlen(p + clen) + 1);
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			while (len > 1 && out[len - 1] != '/')
				len--;
			if (len > 1)
				len--;
			out[len] = '\0';
			continue;
		}
		if (len + 1 + clen >= outlen)
			return PLUMB_ELIMIT;
		base = len;
		if (len > 1)
			out[len++] = '/';
		memcpy(out + len, comp, clen + 1);
		if (snprintf(host, sizeof(host), "%s%s", root, out) >=
		    (int)sizeof(host))
			return PLUMB_ELIMIT;
		if (lstat(host, &st) != 0)
			return PLUMB_ENOENT;
		if (S_ISLNK(st.st_mode)) {
			if (++links > SYMLINK_MAX)
				return PLUMB_ELIMIT;
			ll = readlink(host, link, sizeof(link) - 1);
			if (ll < 0)
				return PLUMB_ENOENT;
			link[ll] = '\0';
			if (snprintf(tmp, sizeof(tmp), "%s/%s", link, rest) >=
			    (int)sizeof(tmp))
				return PLUMB_ELIMIT;
			strcpy(rest, tmp);
			/* Absolute targets restart at the root, relative
			 * ones at the link's directory. */
			len = link[0] == '/' ? 1 : base;
			out[len] = '\0';
			continue;
		}
		len += clen;
		if (!S_ISDIR(st.st_mode)) {
			for (p = rest; *p == '/'; p++)
				;
			if (*p != '\0')
				return PLUMB_ENOENT;
		}
	}
	out[len] = '\0';
	return PLUMB_OK;
}

int
fsobj_open(const char *root, const char *syspath)
{
	char canon[FSOBJ_PATH_MAX], host[FSOBJ_PATH_MAX * 2];
	int rc;

	if (strcmp(root, "/") == 0)
		return open(syspath, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if ((rc = fsobj_canonical(root, syspath, canon, sizeof(canon))) != 0) {
		errno = rc == PLUMB_ELIMIT ? ELOOP : ENOENT;
		return -1;
	}
	snprintf(host, sizeof(host), "%s%s", root, canon);
	return open(host, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
}

int
fsobj_open_regular(const char *root, const struct fsobj_file *f,
    struct plumb_err *err)
{
	char canon[FSOBJ_PATH_MAX], host[FSOBJ_PATH_MAX * 2];
	struct stat st;
	int fd;

	if (f->filepath == NULL)
		return PLUMB_ENOENT;
	if (S_ISLNK(f->st->st_mode)) {
		/* Look before opening: never open devices or FIFOs. */
		if (fsobj_canonical(root, f->filepath, canon,
		    sizeof(canon)) != 0)
			return PLUMB_ENOENT;
		snprintf(host, sizeof(host), "%s%s",
		    strcmp(root, "/") == 0 ? "" : root, canon);
		if (stat(host, &st) != 0 || !S_ISREG(st.st_mode))
			return PLUMB_ENOENT;
	} else if (!S_ISREG(f->st->st_mode))
		return PLUMB_ENOENT;
	if (S_ISLNK(f->st->st_mode))
		fd = open(host, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	else
		fd = open(f->hostpath, O_RDONLY | O_CLOEXEC | O_NOCTTY |
		    O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0)
		return plumb_err_set(err, PLUMB_EIO, "%s: %s", f->filepath,
		    strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return PLUMB_ENOENT;
	}
	return fd;
}

/*
 * Small files read once per process: many objects look at the same
 * configuration file (sysctl.conf, login.defs ...).  An entry is used
 * only while the open file's fstat() still matches it (device, inode,
 * size, modification and change times to the nanosecond).
 */
struct fsobj_text {
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	struct timespec	 ctime;
	char		*data;		/* size bytes */
};

static struct fsobj_text fsobj_texts[FSOBJ_TEXT_SLOTS];
static size_t fsobj_text_next;		/* slot replaced next */

static int
fsobj_text_same(const struct fsobj_text *t, const struct stat *st)
{
	return t->data != NULL && t->dev == st->st_dev &&
	    t->ino == st->st_ino && t->size == st->st_size &&
	    t->mtime.tv_sec == st->st_mtim.tv_sec &&
	    t->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	    t->ctime.tv_sec == st->st_ctim.tv_sec &&
	    t->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

/* The kept copy of the file st describes, or NULL. */
static const struct fsobj_text *
fsobj_text_find(const struct stat *st)
{
	size_t i;

	for (i = 0; i < FSOBJ_TEXT_SLOTS; i++)
		if (fsobj_text_same(&fsobj_texts[i], st))
			return &fsobj_texts[i];
	return NULL;
}

/* Keep a copy of a whole small file read now (best effort). */
static void
fsobj_text_keep(const struct stat *st, const char *data, size_t len)
{
	struct fsobj_text *t = &fsobj_texts[fsobj_text_next];
	char *copy;

	if (len != (size_t)st->st_size || len > FSOBJ_TEXT_MAX ||
	    (copy = malloc(len + 1)) == NULL)
		return;
	memcpy(copy, data, len);
	copy[len] = '\0';
	free(t->data);
	t->dev = st->st_dev;
	t->ino = st->st_ino;
	t->size = st->st_size;
	t->mtime = st->st_mtim;
	t->ctime = st->st_ctim;
	t->data = copy;
	fsobj_text_next = (fsobj_text_next + 1) % FSOBJ_TEXT_SLOTS;
}

/* Forget every kept file (with the listing cache). */
static void
fsobj_text_clear(void)
{
	size_t i;

	for (i = 0; i < FSOBJ_TEXT_SLOTS; i++) {
		free(fsobj_texts[i].data);
		fsobj_texts[i].data = NULL;
	}
	fsobj_text_next = 0;
	fsobj_text_reads = fsobj_text_hits = 0;
}

int
fsobj_read(const char *root, const struct fsobj_file *f, size_t cap,
    char **buf, size_t *len, int *truncated, struct plumb_err *err)
{
	const struct fsobj_text *t;
	struct stat st;
	char *b = NULL, *nb;
	size_t n = 0, alloc = 0;
	ssize_t r;
	int fd, rc = PLUMB_ENOMEM;

	*buf = NULL;
	*len = 0;
	*truncated = 0;
	if ((fd = fsobj_open_regular(root, f, err)) < 0)
		return fd;
	if (fstat(fd, &st) == 0 && (t = fsobj_text_find(&st)) != NULL) {
		fsobj_text_hits++;
		n = (size_t)t->size > cap ? cap : (size_t)t->size;
		*truncated = n < (size_t)t->size;
		if ((b = malloc(n + 1)) == NULL)
			goto out;
		memcpy(b, t->data, n);
		goto done;
	}
	fsobj_text_reads++;
	for (;;) {
		if (n == alloc) {
			if (alloc >= cap) {
				char c;

				/* Full: is there more? */
				if (read(fd, &c, 1) == 1)
					*truncated = 1;
				break;
			}
			alloc = alloc ? alloc * 2 : 64 * 1024;
			if (alloc > cap)
				alloc = cap;
			if ((nb = realloc(b, alloc + 1)) == NULL)
				goto out;
			b = nb;
		}
		r = read(fd, b + n, alloc - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = plumb_err_set(err, PLUMB_EIO, "%s: %s",
			    f->filepath, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (b == NULL && (b = malloc(1)) == NULL)
		goto out;
	if (!*truncated)
		fsobj_text_keep(&st, b, n);
done:
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
	rc = PLUMB_OK;
out:
	free(b);
	close(fd);
	return rc;
}

int
fsobj_read_content(const struct probe_req *req, struct probe_result *res,
    const struct fsobj_file *f, size_t cap, int partial_ok, char **buf,
    size_t *len)
{
	struct plumb_err err;
	int trunc, rc;

	err.msg[0] = '\0';
	rc = fsobj_read(req->env->root, f, cap, buf, len, &trunc, &err);
	if (rc == PLUMB_ENOENT)
		return 0;
	if (rc == PLUMB_EIO) {
		probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
		return 0;
	}
	if (rc != 0)
		return rc;
	if (!trunc)
		return 1;
	if (partial_ok) {
		if (res->flag == OVAL_FLAG_COMPLETE)
			probe_flag(res, OVAL_FLAG_INCOMPLETE, "%s: only the "
			    "first %zu bytes were searched", f->filepath, cap);
		return 1;
	}
	probe_flag(res, OVAL_FLAG_ERROR, "%s: larger than %zu bytes, not "
	    "parsed", f->filepath, cap);
	free(*buf);
	*buf = NULL;
	return 0;
}

/*
 * Host path of syspath without following its last component: the
 * parent is resolved within the root, the name appended as is.
 */
static int
fsobj_hostpath(const struct fsobj_ctx *c, const char *syspath, char *out,
    size_t len)
{
	char parent[FSOBJ_PATH_MAX], canon[FSOBJ_PATH_MAX];
	const char *slash;
	int rc;

	if (c->root[0] == '\0') {
		if (snprintf(out, len, "%s", syspath) >= (int)len)
			return PLUMB_ELIMIT;
		return PLUMB_OK;
	}
	slash = strrchr(syspath, '/');
	if (slash == NULL || (size_t)(slash - syspath) >= sizeof(parent))
		return PLUMB_ENOENT;
	memcpy(parent, syspath, (size_t)(slash - syspath));
	parent[slash - syspath] = '\0';
	if ((rc = fsobj_canonical(c->root, parent[0] ? parent : "/", canon,
	    sizeof(canon))) != 0)
		return rc;
	if (snprintf(out, len, "%s%s%s%s", c->root, canon,
	    strcmp(canon, "/") == 0 ? "" : "/", slash + 1) >= (int)len)
		return PLUMB_ELIMIT;
	return PLUMB_OK;
}

int
fsobj_regex_root(const char *re, char *dir, size_t dirlen)
{
	char lit[FSOBJ_PATH_MAX];
	const char *p;
	size_t n = 0;
	int depth = 0, inclass = 0;
	char *slash;

	snprintf(dir, dirlen, "/");
	/* An alternation at the top level defeats any prefix. */
	for (p = re; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (inclass) {
			if (*p == ']')
				inclass = 0;
			continue;
		}
		if (*p == '[') {
			inclass = 1;
			if (p[1] == ']' || (p[1] == '^' && p[2] == ']'))
				p += p[1] == ']' ? 1 : 2;
		} else if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		else if (*p == '|' && depth == 0)
			return 0;
	}
	if (re[0] == '^')
		p = re + 1;
	else if (re[0] == '\\' && re[1] == 'A')
		p = re + 2;
	else
		return 0;
	for (; *p != '\0' && n < sizeof(lit) - 1; p++) {
		if (strchr("*?{", *p) != NULL) {
			if (n > 0)
				n--;	/* the quantified char is optional */
			break;
		}
		if (strchr(".[()+|$^", *p) != NULL)
			break;
		if (*p == '\\') {
			if (p[1] == '\0' ||
			    (p[1] >= 'a' && p[1] <= 'z') ||
			    (p[1] >= 'A' && p[1] <= 'Z') ||
			    (p[1] >= '0' && p[1] <= '9'))
				break;
			p++;
		}
		lit[n++] = *p;
	}
	lit[n] = '\0';
	if (lit[0] != '/' || (slash = strrchr(lit, '/')) == NULL)
		return 0;
	if (slash == lit)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (snprintf(dir, dirlen, "%s", lit) >= (int)dirlen) {
		snprintf(dir, dirlen, "/");
		return 0;
	}
	return 1;
}

/* Compile entity e's patterns for partial-match pruning, when sound. */
static int
fsobj_prune_init(struct fsobj_ctx *c, const struct probe_ent *e)
{
	PCRE2_SIZE off;
	size_t i;
	int ec;

	if (e == NULL || e->nil || e->op != OVAL_OP_PATTERN_MATCH ||
	    e->vals->n == 0 || e->var_check == OVAL_CHECK_NONE_SATISFY ||
	    e->var_check == OVAL_CHECK_NONE_EXIST)
		return PLUMB_OK;
	/* The limits of oval_cmp's pattern match: a path that makes the
	 * pattern backtrack must cost no more here than in the match. */
	if ((c->prune_mctx = pcre2_match_context_create(NULL)) == NULL)
		return PLUMB_ENOMEM;
	regex_limits_apply(c->prune_mctx);
	if ((c->prune = calloc(e->vals->n, sizeof(*c->prune))) == NULL) {
		pcre2_match_context_free(c->prune_mctx);
		c->prune_mctx = NULL;
		return PLUMB_ENOMEM;
	}
	c->nprune = e->vals->n;
	for (i = 0; i < e->vals->n; i++) {
		c->prune[i] = pcre2_compile((PCRE2_SPTR)e->vals->v[i],
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
		    &ec, &off, NULL);
		if (c->prune[i] == NULL)
			c->prune[i] = pcre2_compile((PCRE2_SPTR)e->vals->v[i],
			    PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL);
		/* A pattern that does not compile is reported by the
		 * match itself; pruning just stays off. */
	}
	return PLUMB_OK;
}

static void
fsobj_prune_free(struct fsobj_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nprune; i++)
		pcre2_code_free(c->prune[i]);
	free(c->prune);
	c->prune = NULL;
	c->nprune = 0;
	pcre2_match_context_free(c->prune_mctx);
	c->prune_mctx = NULL;
}

/*
 * Could a string starting with s still match the pattern entity?  0
 * only when every pattern rejects s even as a partial subject.
 */
static int
fsobj_may_match(const struct fsobj_ctx *c, const char *s)
{
	pcre2_match_data *md;
	size_t i;
	int rc, any = 0;

	if (c->nprune == 0)
		return 1;
	for (i = 0; i < c->nprune; i++) {
		if (c->prune[i] == NULL)
			return 1;
		if ((md = pcre2_match_data_create(1, NULL)) == NULL)
			return 1;
		rc = pcre2_match(c->prune[i], (PCRE2_SPTR)s,
		    PCRE2_ZERO_TERMINATED, 0, PCRE2_PARTIAL_HARD, md,
		    c->prune_mctx);
		pcre2_match_data_free(md);
		if (rc != PCRE2_ERROR_NOMATCH)
			any = 1;
	}
	return any;
}

/* Is the file system of host one we never descend into on a search? */
static int
fsobj_fs_skip(const struct fsobj_ctx *c, const char *host, int crossed)
{
	struct statfs sf;
	unsigned long t;

	if (!crossed)
		return 0;
	if (c->fs == FSOBJ_FS_DEFINED)
		return 1;
	if (statfs(host, &sf) != 0)
		return 0;
	t = (unsigned long)sf.f_type;
	switch (t) {
	case 0x9fa0:		/* proc */
	case 0x62656572:	/* sysfs */
	case 0x1cd1:		/* devpts */
	case 0x27e0eb:		/* cgroup */
	case 0x63677270:	/* cgroup2 */
	case 0x64626720:	/* debugfs */
	case 0x73636673:	/* securityfs */
	case 0x74726163:	/* tracefs */
	case 0xcafe4a11:	/* bpf */
		return 1;
	case 0x6969:		/* nfs */
	case 0x517b:		/* smb */
	case 0xff534d42:	/* cifs */
	case 0xfe534d42:	/* smb2 */
	case 0x65735546:	/* fuse */
	case 0x73757245:	/* coda */
	case 0x5346414f:	/* afs */
	case 0x564c:		/* ncp */
	case 0x01021997:	/* 9p */
	case 0x00c36400:	/* ceph */
	case 0x0bd00bd0:	/* lustre */
		return c->fs == FSOBJ_FS_LOCAL || c->search;
	default:
		return 0;
	}
}

/* Is sys one of the pseudo trees a walk only enters when told to? */
static int
fsobj_pseudo(const struct fsobj_ctx *c, const char *sys)
{
	static const char *const pseudo[] = { "/proc", "/sys", "/dev",
	    "/run" };
	size_t i, l;

	for (i = 0; i < sizeof(pseudo) / sizeof(pseudo[0]); i++) {
		if (strcmp(sys, pseudo[i]) != 0)
			continue;
		/* Named by the object's literal prefix: allowed. */
		l = strlen(sys);
		if (strncmp(c->start, sys, l) == 0 &&
		    (c->start[l] == '\0' || c->start[l] == '/'))
			return 0;
		return 1;
	}
	return 0;
}

/* Stop member k (the walk ends when no member is left). */
static void
fsobj_stop(struct fsobj_ctx *c, size_t k)
{
	if (c->m[k].stop)
		return;
	c->m[k].stop = 1;
	if (--c->nlive == 0)
		c->stop = 1;
}

/* Hand one file to the probe for the members in who, minding each
 * member's cap. */
static int
fsobj_emit(struct fsobj_ctx *c, const size_t *who, size_t nwho,
    const char *filepath, const char *path, const char *filename,
    const char *host, const struct stat *st, struct fsobj_dent *dent)
{
	size_t ok[FSOBJ_GROUP_MAX], nok = 0, i;
	struct fsobj_member *mb;
	struct fsobj_file f;
	int rc;

	for (i = 0; i < nwho; i++) {
		mb = &c->m[who[i]];
		if (mb->nmatch >= fsobj_match_cap) {
			probe_flag(mb->res, OVAL_FLAG_INCOMPLETE,
			    "%s: more than %zu files match; collection "
			    "stopped", mb->req->object_id, fsobj_match_cap);
			fsobj_stop(c, who[i]);
			continue;
		}
		mb->nmatch++;
		/* f.who names the caller's requests, not the group's. */
		ok[nok++] = c->gidx != NULL ? c->gidx[who[i]] : who[i];
	}
	if (nok == 0)
		return PLUMB_OK;
	f.filepath = filepath;
	f.path = path;
	f.filename = filename;
	f.hostpath = host;
	f.st = st;
	f.dent = dent;
	f.who = ok;
	f.nwho = nok;
	rc = c->fn(&f, c->arg);
	if (rc > 0) {
		c->stop = 1;
		rc = PLUMB_OK;
	}
	return rc;
}

/* Does candidate match e of member k?  Flags it on a bad pattern. */
static int
fsobj_match(struct fsobj_ctx *c, size_t k, const struct probe_ent *e,
    const char *candidate)
{
	struct plumb_err err;
	int m;

	err.msg[0] = '\0';
	if ((m = probe_ent_match(e, candidate, &err)) < 0) {
		probe_flag(c->m[k].res, OVAL_FLAG_ERROR, "%s", err.msg);
		fsobj_stop(c, k);
		return 0;
	}
	return m;
}

/* The files member k names exactly within the directory fr. */
static int
fsobj_exact_files(struct fsobj_ctx *c, size_t k, const struct fsobj_frame *fr)
{
	const struct oval_values *exact;
	char fsys[FSOBJ_PATH_MAX], fhost[FSOBJ_PATH_MAX * 2];
	struct stat st;
	size_t i;
	int rc = PLUMB_OK;

	(void)probe_ent_exact(c->m[k].filename, &exact);
	for (i = 0; i < exact->n && !c->m[k].stop && rc == 0; i++) {
		if (strchr(exact->v[i], '/') != NULL ||
		    exact->v[i][0] == '\0' ||
		    strcmp(exact->v[i], ".") == 0 ||
		    strcmp(exact->v[i], "..") == 0)
			continue;
		if (fsobj_join(fsys, sizeof(fsys), fr->sys, exact->v[i]) != 0 ||
		    fsobj_join(fhost, sizeof(fhost), fr->host,
		    exact->v[i]) != 0 || lstat(fhost, &st) != 0 ||
		    S_ISDIR(st.st_mode))
			continue;
		rc = fsobj_emit(c, &k, 1, fsys, fr->sys, exact->v[i], fhost,
		    &st, NULL);
	}
	return rc;
}

/*
 * The files the members name within the directory fr (its host path
 * resolved, so its stat is its lstat too): the directory itself (nil
 * filename), or the entries named exactly or matching, except
 * directories: a filename names a file in the directory, as a filepath
 * never names a directory.  The listing is *dp, read here when NULL and
 * left for the caller to release.  *dfd: see fsobj_dent_stat().
 */
static int
fsobj_dir_files(struct fsobj_ctx *c, const struct fsobj_frame *fr, int *dfd,
    int keep, struct fsobj_dir **dp)
{
	char fsys[FSOBJ_PATH_MAX], fhost[FSOBJ_PATH_MAX * 2];
	size_t who[FSOBJ_GROUP_MAX], nwho = 0, i, k;
	struct fsobj_dir *d;
	struct stat st;
	int rc = PLUMB_OK, any = 0;

	for (k = 0; k < c->nm && rc == 0; k++) {
		if (c->m[k].stop || !c->m[k].active)
			continue;
		if (c->m[k].name == FSOBJ_NAME_NIL)
			who[nwho++] = k;
		else if (c->m[k].name == FSOBJ_NAME_EXACT)
			rc = fsobj_exact_files(c, k, fr);
		else
			any = 1;
	}
	if (rc == 0 && nwho > 0)
		rc = fsobj_emit(c, who, nwho, NULL, fr->sys, "", fr->host,
		    fr->st, fr->dent);
	if (rc != 0 || !any || c->stop)
		return rc;
	if (*dp == NULL && (rc = fsobj_list(fr->host, keep, dp)) != 0)
		return rc;
	if ((d = *dp) == NULL)
		return PLUMB_OK;
	for (i = 0; i < d->n && !c->stop && rc == 0; i++) {
		if (d->v[i].type == DT_DIR)
			continue;
		for (nwho = k = 0; k < c->nm; k++)
			if (!c->m[k].stop && c->m[k].active &&
			    c->m[k].name == FSOBJ_NAME_MATCH &&
			    fsobj_match(c, k, c->m[k].filename, d->v[i].name))
				who[nwho++] = k;
		if (nwho == 0 ||
		    fsobj_join(fsys, sizeof(fsys), fr->sys, d->v[i].name) != 0 ||
		    fsobj_join(fhost, sizeof(fhost), fr->host,
		    d->v[i].name) != 0 ||
		    fsobj_dent_stat(d, i, fr->host, dfd, &st) != 0 ||
		    S_ISDIR(st.st_mode))
			continue;
		rc = fsobj_emit(c, who, nwho, fsys, fr->sys, d->v[i].name,
		    fhost, &st, &d->v[i]);
	}
	return rc;
}

/* Is (dev, ino) a directory already on the current path? */
static int
fsobj_loop(const struct fsobj_frame *f, dev_t dev, ino_t ino)
{
	for (; f != NULL; f = f->up)
		if (f->dev == dev && f->ino == ino)
			return 1;
	return 0;
}

/*
 * Walk the directory frame fr at depth: report it (path + filename
 * objects) or its non-directory entries (filepath objects), then
 * descend as the behaviors or the search allow.
 */
static int
fsobj_descend(struct fsobj_ctx *c, struct fsobj_frame *fr, long depth)
{
	char csys[FSOBJ_PATH_MAX], chost[FSOBJ_PATH_MAX * 2];
	char canon[FSOBJ_PATH_MAX], probe[FSOBJ_PATH_MAX + 1];
	struct fsobj_frame child;
	struct fsobj_dir *d = NULL;
	struct stat st;
	size_t i, k = 0, on[FSOBJ_GROUP_MAX], non = 0;
	int rc = PLUMB_OK, isdir, islink, dfd = -1, keep;

	if (c->stop)
		return PLUMB_OK;
	/* Members of a shared walk that start here join in below. */
	for (i = 1; i < c->nm; i++) {
		if (!c->m[i].active && !c->m[i].reached &&
		    strcmp(c->m[i].start, fr->sys) == 0) {
			c->m[i].active = c->m[i].reached = 1;
			on[non++] = i;
		}
	}
	/* A deep walk reads most directories once: keep only the top. */
	keep = depth == 0 || c->max_depth >= 0 || c->direction != 1;
	if (c->filepath == NULL) {
		/* path + filename: searches report matching directories,
		 * recursion reports every directory it reaches. */
		if (!c->search || fsobj_match(c, 0, c->path, fr->sys))
			if ((rc = fsobj_dir_files(c, fr, &dfd, keep, &d)) != 0)
				goto out;
		if (c->stop)
			goto out;
		if (!c->search && (c->direction != 1 ||
		    (c->max_depth >= 0 && depth >= c->max_depth)))
			goto out;
	}
	if (depth >= DEPTH_MAX)
		goto out;
	if (d == NULL && (rc = fsobj_list(fr->host, keep, &d)) != 0)
		goto out;
	if (d == NULL)
		goto out;
	for (i = 0; i < d->n && !c->stop && rc == 0; i++) {
		if (fsobj_join(csys, sizeof(csys), fr->sys, d->v[i].name) != 0 ||
		    fsobj_join(chost, sizeof(chost), fr->host,
		    d->v[i].name) != 0)
			continue;
		isdir = d->v[i].type == DT_DIR;
		islink = d->v[i].type == DT_LNK;
		if (d->v[i].type == DT_UNKNOWN) {
			if (fsobj_dent_stat(d, i, fr->host, &dfd, &st) != 0)
				continue;
			isdir = S_ISDIR(st.st_mode);
			islink = S_ISLNK(st.st_mode);
		}
		if (c->filepath != NULL && !isdir) {
			if (!fsobj_match(c, 0, c->filepath, csys) ||
			    fsobj_dent_stat(d, i, fr->host, &dfd, &st) != 0)
				continue;
			rc = fsobj_emit(c, &k, 1, csys, fr->sys, d->v[i].name,
			    chost, &st, &d->v[i]);
			continue;
		}
		/* Directories (or links to them) to descend into. */
		if (c->search) {
			if (!isdir)
				continue;	/* searches never follow links */
		} else if (!((isdir && (c->follow & FSOBJ_DIRS)) ||
		    (islink && (c->follow & FSOBJ_LINKS))))
			continue;
		if (fsobj_pseudo(c, csys))
			continue;
		if (c->search) {
			snprintf(probe, sizeof(probe), "%s%s", csys,
			    c->filepath != NULL ? "/" : "");
			if (!fsobj_may_match(c, probe))
				continue;
		}
		child.sys = csys;
		child.host = chost;
		child.st = &st;
		child.dent = NULL;
		if (islink) {
			if (fsobj_canonical(c->root[0] ? c->root : "/", csys,
			    canon, sizeof(canon)) != 0)
				continue;
			snprintf(chost, sizeof(chost), "%s%s", c->root, canon);
			if (stat(chost, &st) != 0)
				continue;
		} else {
			/* A real directory: its lstat is its stat. */
			if (fsobj_dent_stat(d, i, fr->host, &dfd, &st) != 0)
				continue;
			child.dent = &d->v[i];
		}
		if (!S_ISDIR(st.st_mode))
			continue;
		if (fsobj_loop(fr, st.st_dev, st.st_ino))
			continue;
		if (fsobj_fs_skip(c, chost, st.st_dev != fr->dev) ||
		    (c->fs == FSOBJ_FS_DEFINED && st.st_dev != c->start_dev))
			continue;
		child.dev = st.st_dev;
		child.ino = st.st_ino;
		child.up = fr;
		rc = fsobj_descend(c, &child, depth + 1);
	}
out:
	for (i = 0; i < non; i++)
		c->m[on[i]].active = 0;
	fsobj_dfd_close(dfd);
	fsobj_dir_release(d);
	return rc;
}

/* Start a walk at system directory sys (following it if a link). */
static int
fsobj_start(struct fsobj_ctx *c, const char *sys)
{
	char canon[FSOBJ_PATH_MAX], host[FSOBJ_PATH_MAX * 2];
	struct fsobj_frame fr;
	struct stat st;

	if (fsobj_canonical(c->root[0] ? c->root : "/", sys, canon,
	    sizeof(canon)) != 0)
		return PLUMB_OK;
	snprintf(host, sizeof(host), "%s%s", c->root, canon);
	if (stat(host, &st) != 0 || !S_ISDIR(st.st_mode))
		return PLUMB_OK;
	fr.sys = sys;
	fr.host = host;
	fr.st = &st;
	fr.dent = NULL;
	fr.dev = st.st_dev;
	fr.ino = st.st_ino;
	fr.up = NULL;
	c->start = sys;
	c->start_dev = st.st_dev;
	return fsobj_descend(c, &fr, 0);
}

/* recurse_direction="up": the directory and its ancestors. */
static int
fsobj_up(struct fsobj_ctx *c, const char *sys)
{
	char cur[FSOBJ_PATH_MAX], canon[FSOBJ_PATH_MAX];
	char host[FSOBJ_PATH_MAX * 2];
	struct fsobj_frame fr;
	struct fsobj_dir *d;
	struct stat st;
	char *slash;
	long depth;
	int rc = PLUMB_OK, dfd;

	if (snprintf(cur, sizeof(cur), "%s", sys) >= (int)sizeof(cur))
		return PLUMB_OK;
	for (depth = 0; !c->stop && rc == 0; depth++) {
		if (c->max_depth >= 0 && depth > c->max_depth)
			break;
		if (fsobj_canonical(c->root[0] ? c->root : "/", cur, canon,
		    sizeof(canon)) == 0) {
			snprintf(host, sizeof(host), "%s%s", c->root, canon);
			if (stat(host, &st) == 0 && S_ISDIR(st.st_mode)) {
				memset(&fr, 0, sizeof(fr));
				fr.sys = cur;
				fr.host = host;
				fr.st = &st;
				dfd = -1;
				d = NULL;
				rc = fsobj_dir_files(c, &fr, &dfd, 1, &d);
				fsobj_dfd_close(dfd);
				fsobj_dir_release(d);
			}
		}
		if (strcmp(cur, "/") == 0)
			break;
		if ((slash = strrchr(cur, '/')) == NULL)
			break;
		if (slash == cur)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	return rc;
}

/* Parse the FileBehaviors of req into c; 0, or -1 with res flagged. */
static int
fsobj_behaviors(struct fsobj_ctx *c)
{
	const char *v;
	char *end;

	v = probe_req_behavior(c->m[0].req, "max_depth", "-1");
	errno = 0;
	c->max_depth = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || c->max_depth < -1) {
		probe_flag(c->m[0].res, OVAL_FLAG_ERROR,
		    "invalid max_depth behavior '%s'", v);
		return -1;
	}
	v = probe_req_behavior(c->m[0].req, "recurse", "symlinks and directories");
	if (strcmp(v, "symlinks and directories") == 0)
		c->follow = FSOBJ_DIRS | FSOBJ_LINKS;
	else if (strcmp(v, "directories") == 0 ||
	    strcmp(v, "files and directories") == 0)
		c->follow = FSOBJ_DIRS;
	else if (strcmp(v, "symlinks") == 0)
		c->follow = FSOBJ_LINKS;
	else if (strcmp(v, "files") == 0 || strcmp(v, "none") == 0)
		c->follow = 0;
	else {
		probe_flag(c->m[0].res, OVAL_FLAG_ERROR,
		    "invalid recurse behavior '%s'", v);
		return -1;
	}
	v = probe_req_behavior(c->m[0].req, "recurse_direction", "none");
	if (strcmp(v, "none") == 0)
		c->direction = 0;
	else if (strcmp(v, "down") == 0)
		c->direction = 1;
	else if (strcmp(v, "up") == 0)
		c->direction = -1;
	else {
		probe_flag(c->m[0].res, OVAL_FLAG_ERROR,
		    "invalid recurse_direction behavior '%s'", v);
		return -1;
	}
	v = probe_req_behavior(c->m[0].req, "recurse_file_system", "all");
	if (strcmp(v, "all") == 0)
		c->fs = FSOBJ_FS_ALL;
	else if (strcmp(v, "local") == 0)
		c->fs = FSOBJ_FS_LOCAL;
	else if (strcmp(v, "defined") == 0)
		c->fs = FSOBJ_FS_DEFINED;
	else {
		probe_flag(c->m[0].res, OVAL_FLAG_ERROR,
		    "invalid recurse_file_system behavior '%s'", v);
		return -1;
	}
	if (c->max_depth == 0)
		c->direction = 0;
	return 0;
}

/* filepath entity: exact look-ups or a search from the prefix. */
static int
fsobj_filepaths(struct fsobj_ctx *c)
{
	const struct oval_values *exact;
	char dir[FSOBJ_PATH_MAX], host[FSOBJ_PATH_MAX * 2];
	const char *v, *slash;
	struct stat st;
	size_t i, k = 0;
	int rc = PLUMB_OK;

	if (probe_ent_exact(c->filepath, &exact)) {
		for (i = 0; i < exact->n && !c->stop && rc == 0; i++) {
			v = exact->v[i];
			slash = strrchr(v, '/');
			if (v[0] != '/' || slash == NULL || slash[1] == '\0' ||
			    (size_t)(slash - v) >= sizeof(dir))
				continue;
			if (fsobj_hostpath(c, v, host, sizeof(host)) != 0 ||
			    lstat(host, &st) != 0 || S_ISDIR(st.st_mode))
				continue;	/* a filepath is never a dir */
			memcpy(dir, v, (size_t)(slash - v));
			dir[slash == v ? 1 : slash - v] = '\0';
			if (slash == v)
				dir[0] = '/';
			rc = fsobj_emit(c, &k, 1, v, dir, slash + 1, host, &st,
			    NULL);
		}
		return rc;
	}
	c->search = 1;
	if ((rc = fsobj_prune_init(c, c->filepath)) != 0)
		return rc;
	dir[0] = '\0';
	if (c->filepath->op == OVAL_OP_PATTERN_MATCH) {
		/* Every value must share the start; else start at "/". */
		for (i = 0; i < c->filepath->vals->n; i++) {
			char d2[FSOBJ_PATH_MAX];

			fsobj_regex_root(c->filepath->vals->v[i], d2,
			    sizeof(d2));
			if (i == 0)
				snprintf(dir, sizeof(dir), "%s", d2);
			else if (strcmp(dir, d2) != 0)
				snprintf(dir, sizeof(dir), "/");
		}
	}
	if (dir[0] == '\0')
		snprintf(dir, sizeof(dir), "/");
	rc = fsobj_start(c, dir);
	fsobj_prune_free(c);
	return rc;
}

/* path + filename entities. */
static int
fsobj_paths(struct fsobj_ctx *c)
{
	const struct oval_values *exact;
	char dir[FSOBJ_PATH_MAX], d2[FSOBJ_PATH_MAX];
	size_t i;
	int rc = PLUMB_OK;

	if (probe_ent_exact(c->path, &exact)) {
		for (i = 0; i < exact->n && !c->stop && rc == 0; i++) {
			if (exact->v[i][0] != '/')
				continue;
			if (c->direction < 0)
				rc = fsobj_up(c, exact->v[i]);
			else
				rc = fsobj_start(c, exact->v[i]);
		}
		return rc;
	}
	/* Behaviors apply to equality only: search for the directories. */
	c->search = 1;
	if ((rc = fsobj_prune_init(c, c->path)) != 0)
		return rc;
	snprintf(dir, sizeof(dir), "/");
	if (c->path->op == OVAL_OP_PATTERN_MATCH) {
		for (i = 0; i < c->path->vals->n; i++) {
			fsobj_regex_root(c->path->vals->v[i], d2, sizeof(d2));
			if (i == 0)
				snprintf(dir, sizeof(dir), "%s", d2);
			else if (strcmp(dir, d2) != 0)
				snprintf(dir, sizeof(dir), "/");
		}
	}
	rc = fsobj_start(c, dir);
	fsobj_prune_free(c);
	return rc;
}

/* Member k of c for (req, res). */
static void
fsobj_member_init(struct fsobj_ctx *c, size_t k, const struct probe_req *req,
    struct probe_result *res)
{
	const struct oval_values *exact;
	struct fsobj_member *mb = &c->m[k];

	memset(mb, 0, sizeof(*mb));
	mb->req = req;
	mb->res = res;
	mb->active = mb->reached = 1;
	mb->filename = probe_req_ent(req, "filename");
	if (mb->filename == NULL || mb->filename->nil)
		mb->name = FSOBJ_NAME_NIL;
	else if (probe_ent_exact(mb->filename, &exact))
		mb->name = FSOBJ_NAME_EXACT;
	else
		mb->name = FSOBJ_NAME_MATCH;
}

/* Set up c for the n requests (n >= 1); -1 when the first one's
 * behaviors are invalid (it is flagged). */
static int
fsobj_ctx_init(struct fsobj_ctx *c, struct fsobj_member *m,
    const struct probe_req *const *reqs, struct probe_result *const *res,
    size_t n, fsobj_fn fn, void *arg)
{
	size_t k;

	memset(c, 0, sizeof(*c));
	c->m = m;
	c->nm = c->nlive = n;
	for (k = 0; k < n; k++)
		fsobj_member_init(c, k, reqs[k], res[k]);
	c->fn = fn;
	c->arg = arg;
	c->root = strcmp(reqs[0]->env->root, "/") == 0 ? "" :
	    reqs[0]->env->root;
	c->start = "/";
	c->filepath = probe_req_ent(reqs[0], "filepath");
	c->path = probe_req_ent(reqs[0], "path");
	return fsobj_behaviors(c);
}

int
fsobj_walk(const struct probe_req *req, struct probe_result *res,
    fsobj_fn fn, void *arg)
{
	return fsobj_walk_shared(&req, &res, 1, fn, arg);
}

/*
 * Where req's walk starts when it may join a walk of an ancestor
 * directory: the path, when it is unbounded and names its directory
 * without a symbolic link (so the ancestor's walk reaches it under the
 * same name) and outside the trees walks skip.  NULL otherwise.
 */
static const char *
fsobj_subtree(const struct fsobj_ctx *c)
{
	static const char *const pseudo[] = { "/proc", "/sys", "/dev",
	    "/run" };
	const struct oval_values *exact;
	char canon[FSOBJ_PATH_MAX];
	const char *p;
	size_t i, l;

	if (c->max_depth != -1 || c->fs == FSOBJ_FS_DEFINED ||
	    !probe_ent_exact(c->path, &exact))
		return NULL;
	p = exact->v[0];
	for (i = 0; i < sizeof(pseudo) / sizeof(pseudo[0]); i++) {
		l = strlen(pseudo[i]);
		if (strncmp(p, pseudo[i], l) == 0 &&
		    (p[l] == '\0' || p[l] == '/'))
			return NULL;
	}
	if (fsobj_canonical(c->root[0] ? c->root : "/", p, canon,
	    sizeof(canon)) != 0 || strcmp(canon, p) != 0)
		return NULL;
	return p;
}

int
fsobj_walk_key(const struct probe_req *req, char *key, size_t keylen)
{
	const struct oval_values *exact;
	struct probe_result scratch;
	struct fsobj_member m;
	struct fsobj_ctx c;
	int n;

	memset(&scratch, 0, sizeof(scratch));
	if (fsobj_ctx_init(&c, &m, &req, (struct probe_result *const[]){
	    &scratch }, 1, NULL, NULL) != 0)
		return 0;
	if ((c.filepath != NULL && !c.filepath->nil) || c.path == NULL ||
	    c.path->nil || !probe_ent_exact(c.path, &exact) ||
	    exact->n != 1 || c.direction != 1)
		return 0;
	/* Unbounded walks of nested trees share too: no path in the key. */
	n = snprintf(key, keylen, "%ld %d %d %s", c.max_depth, c.follow,
	    (int)c.fs, fsobj_subtree(&c) != NULL ? "*" : exact->v[0]);
	return n > 0 && (size_t)n < keylen;
}

/* Is directory a the same as b or an ancestor of it? */
static int
fsobj_within(const char *a, const char *b)
{
	size_t l = strlen(a);

	if (strcmp(a, "/") == 0)
		return b[0] == '/';
	return strncmp(a, b, l) == 0 && (b[l] == '\0' || b[l] == '/');
}

/* Walk the requests reqs[idx[0..n-1]] from the first one's directory,
 * the others joining where their own directories are reached. */
static int
fsobj_group(const struct probe_req *const *reqs,
    struct probe_result *const *res, const size_t *idx, size_t n,
    fsobj_fn fn, void *arg)
{
	const struct probe_req *gr[FSOBJ_GROUP_MAX] = { NULL };
	struct probe_result *gs[FSOBJ_GROUP_MAX] = { NULL };
	struct fsobj_member m[FSOBJ_GROUP_MAX];
	const struct oval_values *exact;
	struct fsobj_ctx c;
	size_t i;
	int rc;

	if (n == 0 || n > FSOBJ_GROUP_MAX)
		return PLUMB_EINVAL;
	for (i = 0; i < n; i++) {
		gr[i] = reqs[idx[i]];
		gs[i] = res[idx[i]];
	}
	if (fsobj_ctx_init(&c, m, gr, gs, n, fn, arg) != 0) {
		/* Equal keys: every member's behaviors are bad. */
		for (i = 1; i < n; i++)
			probe_flag(gs[i], gs[0]->flag, "%s", gs[0]->msg);
		return PLUMB_OK;
	}
	c.gidx = idx;
	/* Only a request alone may name a filepath (see the key). */
	if (c.filepath != NULL && !c.filepath->nil)
		return fsobj_filepaths(&c);
	c.filepath = NULL;
	if (c.path == NULL || c.path->nil)
		return probe_flag(gs[0], OVAL_FLAG_ERROR,
		    "%s: neither filepath nor path given", gr[0]->object_id);
	for (i = 1; i < n; i++) {
		(void)probe_ent_exact(probe_req_ent(gr[i], "path"), &exact);
		m[i].start = exact->v[0];
		m[i].active = m[i].reached = 0;
	}
	if ((rc = fsobj_paths(&c)) != 0)
		return rc;
	/* A directory the shared walk did not come to: walk it alone. */
	for (i = 1; i < n && rc == 0; i++)
		if (!m[i].reached && !m[i].stop)
			rc = fsobj_group(reqs, res, &idx[i], 1, fn, arg);
	return rc;
}

/* A request's start directory, to sort them. */
struct fsobj_start {
	const char *dir;	/* NULL once grouped */
	size_t i;
};

static int
fsobj_start_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fsobj_start *)a)->dir,
	    ((const struct fsobj_start *)b)->dir);
}

int
fsobj_walk_shared(const struct probe_req *const *reqs,
    struct probe_result *const *res, size_t n, fsobj_fn fn, void *arg)
{
	const struct oval_values *exact;
	struct fsobj_start *sv;
	size_t idx[FSOBJ_GROUP_MAX], i, j, k;
	int rc = PLUMB_OK;

	if (n == 1)
		return fsobj_group(reqs, res, (size_t[]){ 0 }, 1, fn, arg);
	/* Equal keys: each names one directory by path equals. */
	if ((sv = calloc(n, sizeof(*sv))) == NULL)
		return PLUMB_ENOMEM;
	for (i = 0; i < n; i++) {
		(void)probe_ent_exact(probe_req_ent(reqs[i], "path"), &exact);
		sv[i].dir = exact->v[0];
		sv[i].i = i;
	}
	/* Sorted, an ancestor comes before what lies within it: each
	 * group walks from its first directory. */
	qsort(sv, n, sizeof(*sv), fsobj_start_cmp);
	for (i = 0; i < n && rc == 0; i++) {
		if (sv[i].dir == NULL)
			continue;
		k = 0;
		idx[k++] = sv[i].i;
		for (j = i + 1; j < n && k < FSOBJ_GROUP_MAX; j++) {
			if (sv[j].dir == NULL ||
			    !fsobj_within(sv[i].dir, sv[j].dir))
				continue;
			idx[k++] = sv[j].i;
			sv[j].dir = NULL;
		}
		rc = fsobj_group(reqs, res, idx, k, fn, arg);
	}
	free(sv);
	return rc;
}
