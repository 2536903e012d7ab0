/*
 * probe_dpkginfo.c - dpkginfo_object (linux): installed Debian packages
 * read from ROOT/var/lib/dpkg/status.
 *
 * The status file is parsed once per process into an index sorted by
 * package name; it is parsed again only when the root or the file
 * (device, inode, size, mtime) changes.  A package counts as installed
 * when its Status is "install ok installed" or "hold ok installed" (a
 * held package is installed; only its upgrades are blocked).
 *
 * Version strings are split as deb-version(5) defines them: the epoch
 * is what precedes the first ':' ("0" when there is none, which is what
 * the reference evaluator reports), the revision what follows the last
 * '-' (empty when there is none) and evr is always EPOCH:UPSTREAM[-REV].
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plumb/probe.h"
#include "common/grow.h"

#define DPKG_STATUS	"/var/lib/dpkg/status"
#define DPKG_MAX	(256 * 1024 * 1024)	/* cap on the status file */
#define DPKG_PATH_MAX	4096

struct dpkg_pkg {
	char *name;
	char *arch;
	char *version;
};

/* The one cached index, keyed by the file it came from. */
struct dpkg_index {
	char path[DPKG_PATH_MAX];
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct dpkg_pkg *v;
	size_t n;
	size_t cap;
	int valid;
};

static struct dpkg_index dpkg_cache;

static void
dpkg_index_clear(struct dpkg_index *ix)
{
	size_t i;

	for (i = 0; i < ix->n; i++) {
		free(ix->v[i].name);
		free(ix->v[i].arch);
		free(ix->v[i].version);
	}
	free(ix->v);
	memset(ix, 0, sizeof(*ix));
}

static int
dpkg_pkg_cmp(const void *a, const void *b)
{
	const struct dpkg_pkg *pa = a, *pb = b;

	return strcmp(pa->name, pb->name);
}

/* Copy the value of a "Field: value" line, trimmed; NULL on ENOMEM. */
static char *
dpkg_value(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		end--;
	return strndup(p, (size_t)(end - p));
}

/* Is a Status value one of an installed package? */
static int
dpkg_installed(const char *status)
{
	return strcmp(status, "install ok installed") == 0 ||
	    strcmp(status, "hold ok installed") == 0;
}

/* Append the paragraph's package if it is installed; takes the strings. */
static int
dpkg_index_add(struct dpkg_index *ix, char **name, char **arch,
    char **version, char **status)
{
	int rc = PLUMB_OK;

	if (*name == NULL || *version == NULL || *status == NULL ||
	    !dpkg_installed(*status))
		goto out;
	if (grow_array(&ix->v, ix->n, &ix->cap, sizeof(*ix->v), 256) != 0) {
		rc = PLUMB_ENOMEM;
		goto out;
	}
	if (*arch == NULL && (*arch = strdup("")) == NULL) {
		rc = PLUMB_ENOMEM;
		goto out;
	}
	ix->v[ix->n].name = *name;
	ix->v[ix->n].arch = *arch;
	ix->v[ix->n].version = *version;
	ix->n++;
	*name = *arch = *version = NULL;
out:
	free(*name);
	free(*arch);
	free(*version);
	free(*status);
	*name = *arch = *version = *status = NULL;
	return rc;
}

/* Parse a whole status file held in buf (len bytes) into ix. */
static int
dpkg_parse(struct dpkg_index *ix, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *eol, *colon;
	char *name = NULL, *arch = NULL, *version = NULL, *status = NULL;
	char **slot;
	int rc;

	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if (eol == p || (eol == p + 1 && *p == '\r')) {
			/* A blank line ends a paragraph. */
			if ((rc = dpkg_index_add(ix, &name, &arch, &version,
			    &status)) != 0)
				return rc;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '#')
			continue;	/* continuation or comment */
		if ((colon = memchr(p, ':', (size_t)(eol - p))) == NULL)
			continue;
		slot = NULL;
		if ((size_t)(colon - p) == 7 && strncmp(p, "Package", 7) == 0)
			slot = &name;
		else if ((size_t)(colon - p) == 12 &&
		    strncmp(p, "Architecture", 12) == 0)
			slot = &arch;
		else if ((size_t)(colon - p) == 7 &&
		    strncmp(p, "Version", 7) == 0)
			slot = &version;
		else if ((size_t)(colon - p) == 6 &&
		    strncmp(p, "Status", 6) == 0)
			slot = &status;
		if (slot == NULL)
			continue;
		free(*slot);
		if ((*slot = dpkg_value(colon + 1, eol)) == NULL) {
			dpkg_index_add(ix, &name, &arch, &version, &status);
			return PLUMB_ENOMEM;
		}
	}
	if ((rc = dpkg_index_add(ix, &name, &arch, &version, &status)) != 0)
		return rc;
	if (ix->n > 1)
		qsort(ix->v, ix->n, sizeof(*ix->v), dpkg_pkg_cmp);
	return PLUMB_OK;
}

/*
 * Make dpkg_cache describe the status file under root.  Returns 0 with
 * *found 0 when there is no status file, a negative PLUMB_E* otherwise
 * (with msg set for host conditions).
 */
static int
dpkg_load(const char *root, int *found, char *msg, size_t msglen)
{
	struct dpkg_index ix;
	struct stat st;
	char path[DPKG_PATH_MAX], *buf = NULL;
	size_t len = 0;
	ssize_t r;
	int fd = -1, rc;

	*found = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s%s",
	    strcmp(root, "/") == 0 ? "" : root, DPKG_STATUS) >= sizeof(path)) {
		snprintf(msg, msglen, "probe root too long");
		return PLUMB_ELIMIT;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return PLUMB_OK;
		snprintf(msg, msglen, "%.300s: %s", path, strerror(errno));
		return PLUMB_EIO;
	}
	*found = 1;
	if (fstat(fd, &st) != 0) {
		snprintf(msg, msglen, "%.300s: %s", path, strerror(errno));
		rc = PLUMB_EIO;
		goto out;
	}
	if (dpkg_cache.valid && strcmp(dpkg_cache.path, path) == 0 &&
	    dpkg_cache.dev == st.st_dev && dpkg_cache.ino == st.st_ino &&
	    dpkg_cache.size == st.st_size &&
	    dpkg_cache.mtime.tv_sec == st.st_mtim.tv_sec &&
	    dpkg_cache.mtime.tv_nsec == st.st_mtim.tv_nsec) {
		rc = PLUMB_OK;
		goto out;
	}
	if (st.st_size > DPKG_MAX) {
		snprintf(msg, msglen, "%.300s: larger than %d bytes", path,
		    DPKG_MAX);
		rc = PLUMB_ELIMIT;
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		rc = PLUMB_ENOMEM;
		goto out;
	}
	while (len < (size_t)st.st_size &&
	    (r = read(fd, buf + len, (size_t)st.st_size - len)) > 0)
		len += (size_t)r;
	memset(&ix, 0, sizeof(ix));
	if ((rc = dpkg_parse(&ix, buf, len)) != 0) {
		dpkg_index_clear(&ix);
		goto out;
	}
	dpkg_index_clear(&dpkg_cache);
	dpkg_cache = ix;
	snprintf(dpkg_cache.path, sizeof(dpkg_cache.path), "%s", path);
	dpkg_cache.dev = st.st_dev;
	dpkg_cache.ino = st.st_ino;
	dpkg_cache.size = st.st_size;
	dpkg_cache.mtime = st.st_mtim;
	dpkg_cache.valid = 1;
	rc = PLUMB_OK;
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* One dpkginfo_item for pkg. */
static int
dpkg_item(const struct dpkg_pkg *pkg, struct probe_result *res)
{
	struct oval_item *it = NULL;
	const char *v = pkg->version, *colon, *dash;
	char *epoch = NULL, *upstream = NULL, *evr = NULL;
	const char *rev;
	size_t evrlen;
	int rc = PLUMB_ENOMEM;

	if ((colon = strchr(v, ':')) != NULL) {
		epoch = strndup(v, (size_t)(colon - v));
		v = colon + 1;
	} else
		epoch = strdup("0");
	if ((dash = strrchr(v, '-')) != NULL) {
		upstream = strndup(v, (size_t)(dash - v));
		rev = dash + 1;
	} else {
		upstream = strdup(v);
		rev = "";
	}
	if (epoch == NULL || upstream == NULL)
		goto out;
	evrlen = strlen(epoch) + strlen(upstream) + strlen(rev) + 3;
	if ((evr = malloc(evrlen)) == NULL)
		goto out;
	snprintf(evr, evrlen, "%s:%s%s%s", epoch, upstream, *rev ? "-" : "",
	    rev);
	if ((it = oval_item_new(OVAL_NS_SC_LINUX, "dpkginfo_item")) == NULL ||
	    oval_item_add(it, "name", OVAL_DT_STRING, pkg->name) != 0 ||
	    oval_item_add(it, "arch", OVAL_DT_STRING, pkg->arch) != 0 ||
	    oval_item_add(it, "epoch", OVAL_DT_STRING, epoch) != 0 ||
	    oval_item_add(it, "release", OVAL_DT_STRING, rev) != 0 ||
	    oval_item_add(it, "version", OVAL_DT_STRING, upstream) != 0 ||
	    oval_item_add(it, "evr", OVAL_DT_DEBIAN_EVR_STRING, evr) != 0)
		goto out;
	rc = probe_emit(res, it);
	it = NULL;
out:
	oval_item_unref(it);
	free(epoch);
	free(upstream);
	free(evr);
	return rc;
}

/* Items for every package called name (one per architecture). */
static int
dpkg_lookup(const char *name, struct probe_result *res)
{
	struct dpkg_pkg key, *hit;
	size_t lo, hi;
	int rc;

	if (dpkg_cache.n == 0)
		return PLUMB_OK;
	key.name = (char *)name;
	if ((hit = bsearch(&key, dpkg_cache.v, dpkg_cache.n,
	    sizeof(*dpkg_cache.v), dpkg_pkg_cmp)) == NULL)
		return PLUMB_OK;
	lo = hi = (size_t)(hit - dpkg_cache.v);
	while (lo > 0 && strcmp(dpkg_cache.v[lo - 1].name, name) == 0)
		lo--;
	while (hi + 1 < dpkg_cache.n &&
	    strcmp(dpkg_cache.v[hi + 1].name, name) == 0)
		hi++;
	for (; lo <= hi; lo++)
		if ((rc = dpkg_item(&dpkg_cache.v[lo], res)) != 0)
			return rc;
	return PLUMB_OK;
}

static int
dpkg_collect(const struct probe_req *req, struct probe_result *res)
{
	const struct probe_ent *name = probe_req_ent(req, "name");
	const struct oval_values *exact;
	struct plumb_err err;
	char msg[PLUMB_ERR_MSG_MAX];
	size_t i, j;
	int found, m, rc;

	msg[0] = '\0';
	if ((rc = dpkg_load(req->env->root, &found, msg, sizeof(msg))) != 0) {
		if (rc == PLUMB_ENOMEM)
			return rc;
		return probe_flag(res, OVAL_FLAG_ERROR, "%s", msg);
	}
	if (!found)
		return probe_flag(res, OVAL_FLAG_DOES_NOT_EXIST,
		    "no dpkg status database");
	if (probe_ent_exact(name, &exact)) {
		for (i = 0; i < exact->n; i++) {
			/* A repeated value must not repeat items. */
			for (j = 0; j < i; j++)
				if (strcmp(exact->v[j], exact->v[i]) == 0)
					break;
			if (j < i)
				continue;
			if ((rc = dpkg_lookup(exact->v[i], res)) != 0)
				return rc;
		}
		return PLUMB_OK;
	}
	for (i = 0; i < dpkg_cache.n; i++) {
		if ((m = probe_ent_match(name, dpkg_cache.v[i].name,
		    &err)) < 0)
			return probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
		if (m && (rc = dpkg_item(&dpkg_cache.v[i], res)) != 0)
			return rc;
	}
	return PLUMB_OK;
}

const struct probe_ops probe_dpkginfo_ops = {
	.type = "dpkginfo_object",
	.family = "linux",
	.collect = dpkg_collect,
};
