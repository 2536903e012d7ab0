/*
 * spool.c - the on-disk queue of signed bundles.
 *
 * Invariant: a name "<seq>-<uuid>.p7m" only ever refers to a complete,
 * fsync'ed file; partial data lives under ".tmp-XXXXXX" until renamed.
 * Writers (put, remove, the drop policy, the temporary-file sweep) take
 * an exclusive flock(2) on DIR/.lock, so a sweep never removes the
 * temporary file of a put in progress in another process.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plumb/error.h"
#include "atomic.h"
#include "spool.h"

#define SPOOL_SEQ_DIGITS	16
#define SPOOL_SUFFIX		".p7m"
#define SPOOL_TMP_PREFIX	".tmp-"
#define SPOOL_LOCK		".lock"
#define SPOOL_DROPPED		".dropped"
#define SPOOL_MAX_ENTRIES	1000000

struct spool {
	char dir[4096];
	int dirfd;
	int lockfd;
	dev_t dev;
	uint64_t max_bytes;
	uint64_t dropped;
	void (*warn)(void *, const char *);
	void *warn_arg;
};

static void
spool_default_warn(void *arg, const char *msg)
{
	fprintf(stderr, "plumb: warning: %s\n", msg);
}

void
spool_set_warn(struct spool *sp, void (*fn)(void *, const char *), void *arg)
{
	sp->warn = fn != NULL ? fn : spool_default_warn;
	sp->warn_arg = arg;
}

static void
spool_warn(struct spool *sp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
spool_warn(struct spool *sp, const char *fmt, ...)
{
	char buf[PLUMB_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sp->warn(sp->warn_arg, buf);
}

/* A bundle UUID as it may appear in a file name. */
static int
spool_uuid_valid(const char *u)
{
	size_t i, n = strlen(u);

	if (n == 0 || n >= sizeof(((struct spool_entry *)0)->uuid))
		return 0;
	for (i = 0; i < n; i++)
		if (!((u[i] >= '0' && u[i] <= '9') ||
		    (u[i] >= 'a' && u[i] <= 'z') ||
		    (u[i] >= 'A' && u[i] <= 'Z') || u[i] == '-'))
			return 0;
	return 1;
}

/* Parse "<16 digits>-<uuid>.p7m" into e (size left alone); 0 if not. */
static int
spool_parse_name(const char *name, struct spool_entry *e)
{
	size_t n = strlen(name), ulen, i;
	uint64_t seq = 0;

	if (n >= sizeof(e->name) ||
	    n < SPOOL_SEQ_DIGITS + 2 + sizeof(SPOOL_SUFFIX) - 1 ||
	    strcmp(name + n - (sizeof(SPOOL_SUFFIX) - 1), SPOOL_SUFFIX) != 0 ||
	    name[SPOOL_SEQ_DIGITS] != '-')
		return 0;
	for (i = 0; i < SPOOL_SEQ_DIGITS; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		seq = seq * 10 + (uint64_t)(name[i] - '0');
	}
	ulen = n - SPOOL_SEQ_DIGITS - 1 - (sizeof(SPOOL_SUFFIX) - 1);
	if (ulen >= sizeof(e->uuid))
		return 0;
	memcpy(e->uuid, name + SPOOL_SEQ_DIGITS + 1, ulen);
	e->uuid[ulen] = '\0';
	if (!spool_uuid_valid(e->uuid))
		return 0;
	memcpy(e->name, name, n + 1);
	e->seq = seq;
	return 1;
}

static int
spool_lock(struct spool *sp, struct plumb_err *err)
{
	while (flock(sp->lockfd, LOCK_EX) != 0) {
		if (errno != EINTR)
			return plumb_err_set(err, PLUMB_EIO,
			    "spool %s: lock: %s", sp->dir, strerror(errno));
	}
	return PLUMB_OK;
}

static void
spool_unlock(struct spool *sp)
{
	(void)flock(sp->lockfd, LOCK_UN);
}

/* The persistent count of dropped bundles; 0 when absent or bad. */
static uint64_t
spool_read_dropped(struct spool *sp)
{
	char buf[32];
	ssize_t n;
	uint64_t v = 0;
	int fd;
	size_t i;

	if ((fd = openat(sp->dirfd, SPOOL_DROPPED, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	for (i = 0; i < (size_t)n && buf[i] >= '0' && buf[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(buf[i] - '0');
	return v;
}

/* A new temporary file in the spool; its name (relative) into name. */
static int
spool_mktemp(struct spool *sp, char *name, size_t len)
{
	char path[sizeof(sp->dir) + 32];
	int fd;

	snprintf(path, sizeof(path), "%s/" SPOOL_TMP_PREFIX "XXXXXX", sp->dir);
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0)
		return -1;
	snprintf(name, len, "%s", strrchr(path, '/') + 1);
	return fd;
}

/* Replace the dropped counter (durably; best effort). */
static void
spool_write_dropped(struct spool *sp)
{
	char tmp[64], buf[32];
	int fd, n;

	if ((fd = spool_mktemp(sp, tmp, sizeof(tmp))) < 0)
		goto fail;
	n = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", sp->dropped);
	if (atomic_write_all(fd, buf, (size_t)n) != 0 || fsync(fd) != 0) {
		close(fd);
		unlinkat(sp->dirfd, tmp, 0);
		goto fail;
	}
	close(fd);
	if (renameat(sp->dirfd, tmp, sp->dirfd, SPOOL_DROPPED) != 0) {
		unlinkat(sp->dirfd, tmp, 0);
		goto fail;
	}
	return;
fail:
	spool_warn(sp, "spool %s: cannot record the dropped count: %s",
	    sp->dir, strerror(errno));
}

/* Remove temporary files a crashed writer left (caller holds the lock). */
static void
spool_sweep(struct spool *sp)
{
	struct dirent *de;
	DIR *d;
	int fd;

	if ((fd = dup(sp->dirfd)) < 0)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, SPOOL_TMP_PREFIX,
		    sizeof(SPOOL_TMP_PREFIX) - 1) != 0)
			continue;
		if (unlinkat(sp->dirfd, de->d_name, 0) == 0)
			spool_warn(sp, "spool %s: removed stale temporary "
			    "file %s", sp->dir, de->d_name);
	}
	closedir(d);
	(void)fsync(sp->dirfd);
}

int
spool_open(const char *dir, uint64_t max_bytes, struct spool **out,
    struct plumb_err *err)
{
	struct spool *sp;
	struct stat st;
	int rc;

	*out = NULL;
	if ((sp = calloc(1, sizeof(*sp))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	sp->dirfd = sp->lockfd = -1;
	sp->max_bytes = max_bytes;
	sp->warn = spool_default_warn;
	if ((size_t)snprintf(sp->dir, sizeof(sp->dir), "%s", dir) >=
	    sizeof(sp->dir) - 64) {
		rc = plumb_err_set(err, PLUMB_ELIMIT, "%s: path too long", dir);
		goto out;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		rc = plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "spool %s: cannot create: %s", dir,
		    strerror(errno));
		goto out;
	}
	if ((sp->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    fstat(sp->dirfd, &st) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "spool %s: %s", dir,
		    strerror(errno));
		goto out;
	}
	sp->dev = st.st_dev;
	/* Bundles are evidence of weaknesses: keep the queue private. */
	if ((st.st_mode & 077) != 0 && fchmod(sp->dirfd, 0700) != 0)
		spool_warn(sp, "spool %s: mode %04o and cannot chmod: %s", dir,
		    (unsigned)(st.st_mode & 07777), strerror(errno));
	if ((sp->lockfd = openat(sp->dirfd, SPOOL_LOCK,
	    O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "spool %s: lock file: %s",
		    dir, strerror(errno));
		goto out;
	}
	if ((rc = spool_lock(sp, err)) != PLUMB_OK)
		goto out;
	spool_sweep(sp);
	sp->dropped = spool_read_dropped(sp);
	spool_unlock(sp);
	*out = sp;
	return PLUMB_OK;
out:
	spool_close(sp);
	return rc;
}

void
spool_close(struct spool *sp)
{
	if (sp == NULL)
		return;
	if (sp->lockfd >= 0)
		close(sp->lockfd);
	if (sp->dirfd >= 0)
		close(sp->dirfd);
	free(sp);
}

uint64_t
spool_dropped(const struct spool *sp)
{
	return sp->dropped;
}

static int
spool_entry_cmp(const void *a, const void *b)
{
	const struct spool_entry *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return strcmp(x->name, y->name);
}

int
spool_list(struct spool *sp, struct spool_entry **out, size_t *n,
    struct plumb_err *err)
{
	struct spool_entry e, *v = NULL, *nv;
	struct dirent *de;
	struct stat st;
	size_t cap = 0;
	DIR *d = NULL;
	int fd, rc;

	*out = NULL;
	*n = 0;
	if ((fd = dup(sp->dirfd)) < 0 || (d = fdopendir(fd)) == NULL) {
		rc = plumb_err_set(err, PLUMB_EIO, "spool %s: %s", sp->dir,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	rewinddir(d);
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (!spool_parse_name(de->d_name, &e))
			continue;
		if (fstatat(sp->dirfd, de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
			continue;	/* removed meanwhile, or not ours */
		e.size = (uint64_t)st.st_size;
		if (*n == cap) {
			if (cap >= SPOOL_MAX_ENTRIES) {
				rc = plumb_err_set(err, PLUMB_ELIMIT,
				    "spool %s: more than %d entries", sp->dir,
				    SPOOL_MAX_ENTRIES);
				goto out;
			}
			cap = cap == 0 ? 32 : cap * 2;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				rc = plumb_err_set(err, PLUMB_ENOMEM,
				    "out of memory");
				goto out;
			}
			v = nv;
		}
		v[(*n)++] = e;
	}
	if (*n > 1)
		qsort(v, *n, sizeof(*v), spool_entry_cmp);
	*out = v;
	v = NULL;
	rc = PLUMB_OK;
out:
	if (rc != PLUMB_OK)
		*n = 0;
	free(v);
	closedir(d);
	return rc;
}

int
spool_path(struct spool *sp, const struct spool_entry *e, char *buf,
    size_t len)
{
	if (len == 0)
		return PLUMB_ELIMIT;
	if ((size_t)snprintf(buf, len, "%s/%s", sp->dir, e->name) >= len) {
		buf[0] = '\0';
		return PLUMB_ELIMIT;
	}
	return PLUMB_OK;
}

/* Remove an entry by name (caller holds the lock). */
static int
spool_unlink(struct spool *sp, const char *name, struct plumb_err *err)
{
	struct spool_entry chk;

	if (!spool_parse_name(name, &chk))
		return plumb_err_set(err, PLUMB_EINVAL,
		    "spool %s: \"%s\" is not a spool entry", sp->dir, name);
	if (unlinkat(sp->dirfd, name, 0) != 0 && errno != ENOENT)
		return plumb_err_set(err, PLUMB_EIO, "spool %s: remove %s: %s",
		    sp->dir, name, strerror(errno));
	return PLUMB_OK;
}

int
spool_remove(struct spool *sp, const struct spool_entry *e,
    struct plumb_err *err)
{
	int rc;

	if ((rc = spool_lock(sp, err)) != PLUMB_OK)
		return rc;
	if ((rc = spool_unlink(sp, e->name, err)) == PLUMB_OK)
		(void)fsync(sp->dirfd);
	spool_unlock(sp);
	return rc;
}

/* Drop the oldest entries until the spool fits max_bytes (locked). */
static void
spool_enforce(struct spool *sp)
{
	struct plumb_err err = { 0, "" };
	struct spool_entry *v = NULL;
	uint64_t total = 0;
	size_t n = 0, i;
	int dropped = 0;

	if (sp->max_bytes == 0)
		return;
	if (spool_list(sp, &v, &n, &err) != PLUMB_OK) {
		spool_warn(sp, "%s", err.msg);
		return;
	}
	for (i = 0; i < n; i++)
		total += v[i].size;
	/* Never the newest: the bundle just put stays. */
	for (i = 0; i + 1 < n && total > sp->max_bytes; i++) {
		if (spool_unlink(sp, v[i].name, &err) != PLUMB_OK) {
			spool_warn(sp, "%s", err.msg);
			break;
		}
		total -= v[i].size;
		sp->dropped++;
		dropped = 1;
		spool_warn(sp, "spool %s: dropped oldest bundle %s (%" PRIu64
		    " bytes) to stay within max_bytes %" PRIu64 " (%" PRIu64
		    " dropped so far)", sp->dir, v[i].name, v[i].size,
		    sp->max_bytes, sp->dropped);
	}
	if (dropped) {
		spool_write_dropped(sp);
		(void)fsync(sp->dirfd);
	}
	free(v);
}

/* Copy the open file sfd into a new temporary file of the spool. */
static int
spool_copy_in(struct spool *sp, int sfd, const char *src, char *tmp,
    size_t tmplen, struct plumb_err *err)
{
	char buf[65536];
	ssize_t r;
	int fd, rc;

	if ((fd = spool_mktemp(sp, tmp, tmplen)) < 0)
		return plumb_err_set(err, PLUMB_EIO,
		    "spool %s: cannot create a temporary file: %s", sp->dir,
		    strerror(errno));
	for (;;) {
		if ((r = read(sfd, buf, sizeof(buf))) < 0) {
			if (errno == EINTR)
				continue;
			rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", src,
			    strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		if (atomic_write_all(fd, buf, (size_t)r) != 0) {
			rc = plumb_err_set(err, PLUMB_EIO,
			    "spool %s: write: %s", sp->dir, strerror(errno));
			goto fail;
		}
	}
	if (fsync(fd) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "spool %s: fsync: %s",
		    sp->dir, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = plumb_err_set(err, PLUMB_EIO, "spool %s: close: %s",
		    sp->dir, strerror(errno));
		goto fail;
	}
	return PLUMB_OK;
fail:
	if (fd >= 0)
		close(fd);
	unlinkat(sp->dirfd, tmp, 0);
	tmp[0] = '\0';
	return rc;
}

int
spool_put(struct spool *sp, const char *src, const char *uuid,
    struct plumb_err *err)
{
	struct spool_entry *v = NULL;
	char final[128], tmp[64] = "";
	struct stat st;
	uint64_t seq = 1;
	size_t n = 0;
	int sfd = -1, rc, locked = 0;

	if (!spool_uuid_valid(uuid))
		return plumb_err_set(err, PLUMB_EINVAL,
		    "spool: bad bundle UUID \"%s\"", uuid);
	if ((sfd = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "%s: %s", src, strerror(errno));
	if (fstat(sfd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = plumb_err_set(err, PLUMB_EINVAL,
		    "%s: not a regular file", src);
		goto out;
	}
	if (sp->max_bytes != 0 && (uint64_t)st.st_size > sp->max_bytes) {
		rc = plumb_err_set(err, PLUMB_ELIMIT, "%s: %lld bytes exceed "
		    "the spool's max_bytes %" PRIu64, src,
		    (long long)st.st_size, sp->max_bytes);
		goto out;
	}
	if ((rc = spool_lock(sp, err)) != PLUMB_OK)
		goto out;
	locked = 1;
	if ((rc = spool_list(sp, &v, &n, err)) != PLUMB_OK)
		goto out;
	if (n > 0)
		seq = v[n - 1].seq + 1;
	snprintf(final, sizeof(final), "%0*" PRIu64 "-%s" SPOOL_SUFFIX,
	    SPOOL_SEQ_DIGITS, seq, uuid);
	if (st.st_dev == sp->dev) {
		/* Same file system: make the data durable, then rename. */
		if (fsync(sfd) != 0) {
			rc = plumb_err_set(err, PLUMB_EIO, "%s: fsync: %s",
			    src, strerror(errno));
			goto out;
		}
		if (renameat(AT_FDCWD, src, sp->dirfd, final) != 0) {
			rc = plumb_err_set(err, PLUMB_EIO,
			    "spool %s: rename %s: %s", sp->dir, src,
			    strerror(errno));
			goto out;
		}
	} else {
		if ((rc = spool_copy_in(sp, sfd, src, tmp, sizeof(tmp),
		    err)) != PLUMB_OK)
			goto out;
		if (renameat(sp->dirfd, tmp, sp->dirfd, final) != 0) {
			rc = plumb_err_set(err, PLUMB_EIO,
			    "spool %s: rename: %s", sp->dir, strerror(errno));
			unlinkat(sp->dirfd, tmp, 0);
			goto out;
		}
	}
	if (fsync(sp->dirfd) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "spool %s: fsync: %s",
		    sp->dir, strerror(errno));
		goto out;
	}
	/* The spool owns the bundle now; the source copy is redundant. */
	if (st.st_dev != sp->dev && unlink(src) != 0)
		spool_warn(sp, "%s: spooled, but cannot remove: %s", src,
		    strerror(errno));
	spool_enforce(sp);
	rc = PLUMB_OK;
out:
	if (locked)
		spool_unlock(sp);
	if (sfd >= 0)
		close(sfd);
	free(v);
	return rc;
}
