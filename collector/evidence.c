/*
 * evidence.c - content-addressed raw bundles (evidence.h), written
 * atomically: temporary file, flush, link(2) into place, flush.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "plumb/error.h"
#include "common/hex.h"
#include "plumb/fssync.h"
#include "atomic.h"
#include "evidence.h"

/* A digest is exactly 64 lower-case hex digits (it becomes a name). */
static int
evidence_sha_valid(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

static int
evidence_mkdir(const char *path, struct plumb_err *err)
{
	if (mkdir(path, 0750) != 0 && errno != EEXIST)
		return plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
		    strerror(errno));
	return PLUMB_OK;
}

int
evidence_init(const char *dir, struct plumb_err *err)
{
	char tmp[EVIDENCE_PATH_MAX], f[EVIDENCE_PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc;

	if (snprintf(tmp, sizeof(tmp), "%s/tmp", dir) >= (int)sizeof(tmp))
		return plumb_err_set(err, PLUMB_ELIMIT, "%s: path too long",
		    dir);
	if ((rc = evidence_mkdir(dir, err)) != 0 ||
	    (rc = evidence_mkdir(tmp, err)) != 0)
		return rc;
	/* Left by a crash between write and commit: never evidence. */
	if ((d = opendir(tmp)) == NULL)
		return plumb_err_set(err, PLUMB_EIO, "%s: %s", tmp,
		    strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "in-", 3) != 0)
			continue;
		if (snprintf(f, sizeof(f), "%s/%s", tmp, de->d_name) <
		    (int)sizeof(f))
			unlink(f);
	}
	closedir(d);
	return PLUMB_OK;
}

int
evidence_write_tmp(const char *dir, const void *data, size_t len,
    char *tmp, char *sha256, struct plumb_err *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const unsigned char *p = data;
	int fd = -1, rc;

	tmp[0] = '\0';
	sha256[0] = '\0';
	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return plumb_err_set(err, PLUMB_EIO, "SHA-256 failed");
	hex_encode(md, mdlen, sha256);
	if (snprintf(tmp, EVIDENCE_PATH_MAX, "%s/tmp/in-XXXXXX", dir) >=
	    EVIDENCE_PATH_MAX) {
		tmp[0] = '\0';
		return plumb_err_set(err, PLUMB_ELIMIT, "%s: path too long",
		    dir);
	}
	if ((fd = mkstemp(tmp)) == -1) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", tmp,
		    strerror(errno));
		tmp[0] = '\0';
		return rc;
	}
	fchmod(fd, 0640);
	if (atomic_write_all(fd, p, len) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	return PLUMB_OK;
fail:
	if (fd != -1)
		close(fd);
	unlink(tmp);
	tmp[0] = '\0';
	return rc;
}

int
evidence_path(const char *dir, const char *sha256, char *out,
    struct plumb_err *err)
{
	out[0] = '\0';
	if (!evidence_sha_valid(sha256))
		return plumb_err_set(err, PLUMB_EINVAL,
		    "not a SHA-256 digest: %.80s", sha256);
	if (snprintf(out, EVIDENCE_PATH_MAX, "%s/%.2s/%s.p7m", dir, sha256,
	    sha256) >= EVIDENCE_PATH_MAX) {
		out[0] = '\0';
		return plumb_err_set(err, PLUMB_ELIMIT, "%s: path too long",
		    dir);
	}
	return PLUMB_OK;
}

/* link(2), not rename(2): an existing file (same digest, same bytes)
 * is never replaced, and two commits of one digest cannot race. */
int
evidence_commit(const char *dir, const char *tmp, const char *sha256,
    int *existed, struct plumb_err *err)
{
	char final[EVIDENCE_PATH_MAX], sub[EVIDENCE_PATH_MAX];
	int rc;

	*existed = 0;
	if ((rc = evidence_path(dir, sha256, final, err)) != 0)
		return rc;
	snprintf(sub, sizeof(sub), "%s/%.2s", dir, sha256);
	if ((rc = evidence_mkdir(sub, err)) != 0)
		return rc;
	if (link(tmp, final) != 0) {
		if (errno != EEXIST)
			return plumb_err_set(err, PLUMB_EIO, "%s: %s", final,
			    strerror(errno));
		*existed = 1;
	}
	unlink(tmp);
	return PLUMB_OK;
}

int
evidence_sync(const char *dir, struct plumb_err *err)
{
	return fssync(dir, err);
}

int
evidence_remove(const char *dir, const char *sha256, struct plumb_err *err)
{
	char path[EVIDENCE_PATH_MAX];
	int rc;

	if ((rc = evidence_path(dir, sha256, path, err)) != 0)
		return rc;
	if (unlink(path) != 0 && errno != ENOENT)
		return plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
		    strerror(errno));
	return PLUMB_OK;
}
