/*
 * probe_sysctl.c - sysctl_object (unix): kernel parameters read from
 * ROOT/proc/sys.  A name a.b.c is the file proc/sys/a/b/c; a '.' inside
 * a directory name (eth0.100) is written '/' in the parameter name, as
 * sysctl(8) does.  Entries that cannot be read (write-only, refused,
 * an error such as EIO on read) or whose read gives no bytes at all are
 * not parameters one can audit and are skipped, as the reference
 * evaluator skips them.  A value is the
 * file's text without its final newline; a value of several lines
 * gives one value entity per line, as the reference evaluator reports.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plumb/probe.h"
#include "hostfile.h"

#define SYSCTL_PATH_MAX		4096
#define SYSCTL_VALUE_MAX	(256 * 1024)	/* cap on one value */
#define SYSCTL_DEPTH_MAX	16

/*
 * Read the parameter at path.  Returns 1 with *out (malloc'd) holding
 * the text, 0 when it is not a readable parameter, PLUMB_ENOMEM.
 */
static int
sysctl_read(const char *path, char **out, size_t *outlen)
{
	struct stat st;
	int fd, rc;

	*out = NULL;
	*outlen = 0;
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW |
	    O_CLOEXEC)) < 0)
		return 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & 0444) == 0) {
		close(fd);
		return 0;
	}
	if ((rc = hostfile_read_fd(fd, SYSCTL_VALUE_MAX, out, outlen)) == 1 &&
	    *outlen == 0) {
		/* Nothing to read (vm.stat_refresh: reading it is an action
		 * that answers nothing): no value, not a parameter. */
		free(*out);
		*out = NULL;
		return 0;
	}
	return rc;
}

/* One sysctl_item for name whose parameter file is path, if readable. */
static int
sysctl_item(const char *name, const char *path, struct probe_result *res)
{
	struct oval_item *it = NULL;
	char *buf, *p, *nl;
	size_t len;
	int rc;

	if ((rc = sysctl_read(path, &buf, &len)) <= 0)
		return rc;
	rc = PLUMB_ENOMEM;
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if ((it = oval_item_new(OVAL_NS_SC_UNIX, "sysctl_item")) == NULL ||
	    oval_item_add(it, "name", OVAL_DT_STRING, name) != 0)
		goto out;
	for (p = buf;; p = nl + 1) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		if (oval_item_add(it, "value", OVAL_DT_STRING, p) != 0)
			goto out;
		if (nl == NULL)
			break;
	}
	rc = probe_emit(res, it);
	it = NULL;
out:
	oval_item_unref(it);
	free(buf);
	return rc;
}

/*
 * Turn a parameter name into its path under base.  Returns 0, or -1
 * when the name cannot be a parameter (empty, "." or ".." components,
 * too long).
 */
static int
sysctl_name_path(const char *base, const char *name, char *path,
    size_t len)
{
	size_t n, i, start;
	int w;

	if ((w = snprintf(path, len, "%s/proc/sys/", base)) < 0 ||
	    (size_t)w >= len)
		return -1;
	n = (size_t)w;
	start = n;
	for (i = 0;; i++) {
		if (name[i] == '.' || name[i] == '\0') {
			/* Close a component: it must be a plain name. */
			if (n == start ||
			    (n - start == 1 && path[start] == '.') ||
			    (n - start == 2 && path[start] == '.' &&
			    path[start + 1] == '.'))
				return -1;
			if (name[i] == '\0')
				break;
			if (n + 1 >= len)
				return -1;
			path[n++] = '/';
			start = n;
			continue;
		}
		if (n + 1 >= len)
			return -1;
		path[n++] = name[i] == '/' ? '.' : name[i];
	}
	path[n] = '\0';
	return 0;
}

/* Walk the directory path (name prefix pfx) for parameters that match. */
static int
sysctl_walk(const struct probe_ent *ent, const char *path, const char *pfx,
    int depth, struct probe_result *res)
{
	char sub[SYSCTL_PATH_MAX], name[SYSCTL_PATH_MAX];
	struct plumb_err err;
	struct dirent *de;
	struct stat st;
	size_t i, n;
	DIR *d;
	int m, w, rc = PLUMB_OK;

	if (depth > SYSCTL_DEPTH_MAX || (d = opendir(path)) == NULL)
		return PLUMB_OK;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		w = snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (w < 0 || (size_t)w >= sizeof(sub))
			continue;
		w = snprintf(name, sizeof(name), "%s%s%s", pfx,
		    *pfx ? "." : "", de->d_name);
		if (w < 0 || (size_t)w >= sizeof(name))
			continue;
		/* A '.' within this component is spelt '/'. */
		n = strlen(pfx) + (*pfx ? 1 : 0);
		for (i = n; name[i] != '\0'; i++)
			if (name[i] == '.')
				name[i] = '/';
		if (lstat(sub, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if ((rc = sysctl_walk(ent, sub, name, depth + 1,
			    res)) != 0 || res->flag == OVAL_FLAG_ERROR)
				break;
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if ((m = probe_ent_match(ent, name, &err)) < 0) {
			rc = probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
			break;
		}
		if (m && (rc = sysctl_item(name, sub, res)) != 0)
			break;
	}
	closedir(d);
	return rc;
}

static int
sysctl_collect(const struct probe_req *req, struct probe_result *res)
{
	const struct probe_ent *name = probe_req_ent(req, "name");
	const struct oval_values *exact;
	const char *base = probe_root_prefix(req);
	char path[SYSCTL_PATH_MAX];
	struct stat st;
	size_t i, j;
	int rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/proc/sys", base) >=
	    sizeof(path))
		return probe_flag(res, OVAL_FLAG_ERROR, "probe root too long");
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return probe_flag(res, OVAL_FLAG_NOT_APPLICABLE,
		    "%s: no kernel parameters", path);
	if (probe_ent_exact(name, &exact)) {
		for (i = 0; i < exact->n; i++) {
			for (j = 0; j < i; j++)
				if (strcmp(exact->v[j], exact->v[i]) == 0)
					break;
			if (j < i || sysctl_name_path(base, exact->v[i], path,
			    sizeof(path)) != 0)
				continue;
			if ((rc = sysctl_item(exact->v[i], path, res)) != 0)
				return rc;
		}
		return PLUMB_OK;
	}
	return sysctl_walk(name, path, "", 0, res);
}

const struct probe_ops probe_sysctl_ops = {
	.type = "sysctl_object",
	.family = "unix",
	.collect = sysctl_collect,
};
