/* atomic.c - crash-safe replacement of a file. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plumb/error.h"
#include "atomic.h"

int
atomic_open(struct atomic_file *af, const char *path, struct plumb_err *err)
{
	mode_t mask;

	mask = umask(0);
	umask(mask);
	return atomic_open_mode(af, path, 0666 & ~mask, err);
}

int
atomic_open_mode(struct atomic_file *af, const char *path, mode_t mode,
    struct plumb_err *err)
{
	af->fd = -1;
	if ((size_t)snprintf(af->path, sizeof(af->path), "%s", path) >=
	    sizeof(af->path) ||
	    (size_t)snprintf(af->tmp, sizeof(af->tmp), "%s.tmp.XXXXXX",
	    path) >= sizeof(af->tmp))
		return plumb_err_set(err, PLUMB_ELIMIT, "%s: path too long",
		    path);
	if ((af->fd = mkstemp(af->tmp)) < 0)
		return plumb_err_set(err, PLUMB_EIO, "%s: cannot create: %s",
		    path, strerror(errno));
	/* mkstemp makes 0600; narrowed or widened to mode only now. */
	if ((mode & 07777) != 0600 && fchmod(af->fd, mode & 07777) != 0) {
		int rc = plumb_err_set(err, PLUMB_EIO, "%s: chmod: %s",
		    af->tmp, strerror(errno));

		atomic_abort(af);
		return rc;
	}
	return PLUMB_OK;
}

int
atomic_write_file(const char *path, const void *data, size_t len,
    mode_t mode, struct plumb_err *err)
{
	struct atomic_file af;
	int rc;

	if ((rc = atomic_open_mode(&af, path, mode, err)) != PLUMB_OK)
		return rc;
	if (atomic_write_all(af.fd, data, len) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: write: %s", path,
		    strerror(errno));
		atomic_abort(&af);
		return rc;
	}
	return atomic_commit(&af, err);
}

int
atomic_write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	ssize_t w;

	while (len > 0) {
		if ((w = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int
atomic_read_all(int fd, void *buf, size_t len)
{
	unsigned char *p = buf;
	ssize_t r;

	while (len > 0) {
		if ((r = read(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0) {
			errno = 0;
			return -1;
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* fsync the directory holding path so the rename itself is durable. */
static int
sync_dir(const char *path)
{
	char buf[4096];
	int fd, rc;

	snprintf(buf, sizeof(buf), "%s", path);
	if ((fd = open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
atomic_commit(struct atomic_file *af, struct plumb_err *err)
{
	int fd = af->fd;

	af->fd = -1;
	if (fsync(fd) != 0) {
		plumb_err_set(err, PLUMB_EIO, "%s: %s", af->path,
		    strerror(errno));
		close(fd);
		goto fail;
	}
	if (close(fd) != 0) {
		plumb_err_set(err, PLUMB_EIO, "%s: %s", af->path,
		    strerror(errno));
		goto fail;
	}
	if (rename(af->tmp, af->path) != 0) {
		plumb_err_set(err, PLUMB_EIO, "%s: cannot rename into place: "
		    "%s", af->path, strerror(errno));
		goto fail;
	}
	if (sync_dir(af->path) != 0)
		return plumb_err_set(err, PLUMB_EIO, "%s: directory sync: %s",
		    af->path, strerror(errno));
	return PLUMB_OK;
fail:
	unlink(af->tmp);
	return PLUMB_EIO;
}

void
atomic_abort(struct atomic_file *af)
{
	if (af->fd >= 0)
		close(af->fd);
	af->fd = -1;
	unlink(af->tmp);
}

void
atomic_out_flush(struct atomic_out *o)
{
	size_t off = 0;
	ssize_t w;

	while (off < o->n && o->err == 0) {
		w = write(o->fd, o->buf + off, o->n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			o->err = w < 0 ? errno : EIO;
			break;
		}
		off += (size_t)w;
	}
	o->n = 0;
}

void
atomic_out_put(struct atomic_out *o, const char *s, size_t len)
{
	size_t k;

	while (len > 0) {
		if (o->n == sizeof(o->buf))
			atomic_out_flush(o);
		k = sizeof(o->buf) - o->n;
		if (k > len)
			k = len;
		memcpy(o->buf + o->n, s, k);
		o->n += k;
		s += k;
		len -= k;
	}
}

int
atomic_out_write(const char *path,
    int (*fill)(struct atomic_out *o, void *arg, struct plumb_err *err),
    void *arg, struct plumb_err *err)
{
	struct atomic_file af;
	struct atomic_out *o;
	int rc;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	if ((rc = atomic_open(&af, path, err)) != PLUMB_OK)
		goto out;
	o->fd = af.fd;
	if ((rc = fill(o, arg, err)) != PLUMB_OK) {
		atomic_abort(&af);
		goto out;
	}
	atomic_out_flush(o);
	if (o->err != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
		    strerror(o->err));
		atomic_abort(&af);
		goto out;
	}
	rc = atomic_commit(&af, err);
out:
	free(o);
	return rc;
}
