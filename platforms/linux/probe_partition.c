/*
 * probe_partition.c - partition_object (linux): mounted filesystems
 * from ROOT/proc/mounts (ROOT/proc/self/mounts when that is missing).
 *
 * When one mount point is mounted over several times only the last,
 * visible mount is reported.  Space is counted in filesystem blocks
 * (statvfs f_blocks, f_blocks - f_bfree, f_bfree) of ROOT + mount
 * point.  On the live host the options the kernel reports through the
 * statvfs flags are added when /proc/mounts does not list them, as the
 * schema asks; under an offline root statvfs describes the host's own
 * filesystem, so there only the listed options are reported.  uuid
 * comes from the ROOT/dev/disk/by-uuid links.
 */
/* The Linux statvfs flags beyond ST_RDONLY and ST_NOSUID are GNU. */
#define _GNU_SOURCE 1

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plumb/probe.h"

#define PART_PATH_MAX	4096
#define PART_LINE_MAX	16384
#define PART_MOUNTS_MAX	65536	/* cap on the number of mounts */
#define PART_FILE_MAX	(16 * 1024 * 1024)	/* bytes of the table read */

struct part_mount {
	char *device;
	char *dir;
	char *type;
	char *opts;
};

/* statvfs flags and the option names the kernel uses for them. */
static const struct {
	unsigned long flag;
	const char *opt;
} part_flags[] = {
	{ ST_RDONLY, "ro" },
	{ ST_NOSUID, "nosuid" },
	{ ST_NODEV, "nodev" },
	{ ST_NOEXEC, "noexec" },
	{ ST_SYNCHRONOUS, "sync" },
	{ ST_MANDLOCK, "mand" },
	{ ST_NOATIME, "noatime" },
	{ ST_NODIRATIME, "nodiratime" },
	{ ST_RELATIME, "relatime" },
};

/* Decode the octal escapes (\040 ...) of a /proc/mounts field in place. */
static void
part_unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
			    (s[3] - '0'));
			s += 3;
		} else
			*w++ = *s;
	}
	*w = '\0';
}

static void
part_free(struct part_mount *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].device);
		free(v[i].dir);
		free(v[i].type);
		free(v[i].opts);
	}
	free(v);
}

/*
 * Read the mount table at path into *out; PLUMB_OK or PLUMB_E*.  Stops
 * after PART_FILE_MAX bytes (*trunc set): a mount table is small, and
 * an endless or huge one under --root must not stall the scan.
 */
static int
part_read(FILE *fp, struct part_mount **out, size_t *nout, int *trunc)
{
	struct part_mount *v = NULL, *nv;
	char line[PART_LINE_MAX], *f[4], *save, *tok;
	size_t n = 0, cap = 0, i, total = 0;
	int c;

	*out = NULL;
	*nout = 0;
	*trunc = 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		total += strlen(line);
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			while (total < PART_FILE_MAX &&
			    (c = fgetc(fp)) != EOF && c != '\n')
				total++;
		}
		if (total >= PART_FILE_MAX) {
			*trunc = 1;
			break;
		}
		if (strchr(line, '\n') == NULL && !feof(fp))
			continue;
		for (i = 0, tok = strtok_r(line, " \t\n", &save);
		    i < 4 && tok != NULL;
		    i++, tok = strtok_r(NULL, " \t\n", &save))
			f[i] = tok;
		if (i < 4 || f[0][0] == '#')
			continue;
		if (n == PART_MOUNTS_MAX)
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL)
				goto nomem;
			v = nv;
		}
		for (i = 0; i < 4; i++)
			part_unescape(f[i]);
		v[n].device = strdup(f[0]);
		v[n].dir = strdup(f[1]);
		v[n].type = strdup(f[2]);
		v[n].opts = strdup(f[3]);
		n++;
		if (v[n - 1].device == NULL || v[n - 1].dir == NULL ||
		    v[n - 1].type == NULL || v[n - 1].opts == NULL)
			goto nomem;
	}
	*out = v;
	*nout = n;
	return PLUMB_OK;
nomem:
	part_free(v, n);
	return PLUMB_ENOMEM;
}

/* The uuid of device from ROOT/dev/disk/by-uuid into buf; 1 found. */
static int
part_uuid(const char *base, const char *device, char *buf, size_t len)
{
	char path[PART_PATH_MAX], link[PART_PATH_MAX], dev[PART_PATH_MAX];
	const char *want, *got;
	struct dirent *de;
	ssize_t r;
	DIR *d;
	int found = 0;

	if (strncmp(device, "/dev/", 5) != 0)
		return 0;
	/* /dev/mapper/x and /dev/disk/... are links to the kernel name. */
	want = strrchr(device, '/') + 1;
	if ((size_t)snprintf(path, sizeof(path), "%s%s", base, device) <
	    sizeof(path) && (r = readlink(path, dev, sizeof(dev) - 1)) > 0) {
		dev[r] = '\0';
		want = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/dev/disk/by-uuid",
	    base) >= sizeof(path) || (d = opendir(path)) == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/dev/disk/by-uuid/%s",
		    base, de->d_name) >= sizeof(path) ||
		    (r = readlink(path, link, sizeof(link) - 1)) <= 0)
			continue;
		link[r] = '\0';
		got = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
		if (strcmp(got, want) == 0) {
			snprintf(buf, len, "%s", de->d_name);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

/* Is opt one of the comma-separated options of list? */
static int
part_has_opt(const char *list, const char *opt)
{
	size_t n = strlen(opt);
	const char *p = list;

	while (*p) {
		if (strncmp(p, opt, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		if ((p = strchr(p, ',')) == NULL)
			break;
		p++;
	}
	return 0;
}

/* One partition_item for mount mp. */
static int
part_item(const char *base, int live, const struct part_mount *mp,
    struct probe_result *res)
{
	char path[PART_PATH_MAX], uuid[256], num[32], *opts = NULL, *tok,
	    *save;
	struct oval_item *it = NULL;
	struct statvfs sv;
	int have_sv, rc = PLUMB_ENOMEM;
	size_t i;

	have_sv = (size_t)snprintf(path, sizeof(path), "%s%s", base,
	    mp->dir) < sizeof(path) && statvfs(path, &sv) == 0;
	if ((it = oval_item_new(OVAL_NS_SC_LINUX, "partition_item")) == NULL ||
	    oval_item_add(it, "mount_point", OVAL_DT_STRING, mp->dir) != 0 ||
	    oval_item_add(it, "device", OVAL_DT_STRING, mp->device) != 0)
		goto out;
	if (part_uuid(base, mp->device, uuid, sizeof(uuid))) {
		if (oval_item_add(it, "uuid", OVAL_DT_STRING, uuid) != 0)
			goto out;
	} else if (oval_item_add_status(it, "uuid", OVAL_DT_STRING,
	    OVAL_ST_DOES_NOT_EXIST) != 0)
		goto out;
	if (oval_item_add(it, "fs_type", OVAL_DT_STRING, mp->type) != 0 ||
	    (opts = strdup(mp->opts)) == NULL)
		goto out;
	for (tok = strtok_r(opts, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save))
		if (oval_item_add(it, "mount_options", OVAL_DT_STRING,
		    tok) != 0)
			goto out;
	for (i = 0; live && have_sv &&
	    i < sizeof(part_flags) / sizeof(part_flags[0]); i++)
		if ((sv.f_flag & part_flags[i].flag) &&
		    !part_has_opt(mp->opts, part_flags[i].opt) &&
		    oval_item_add(it, "mount_options", OVAL_DT_STRING,
		    part_flags[i].opt) != 0)
			goto out;
	if (have_sv) {
		snprintf(num, sizeof(num), "%llu",
		    (unsigned long long)sv.f_blocks);
		if (oval_item_add(it, "total_space", OVAL_DT_INT, num) != 0)
			goto out;
		snprintf(num, sizeof(num), "%llu",
		    (unsigned long long)(sv.f_blocks - sv.f_bfree));
		if (oval_item_add(it, "space_used", OVAL_DT_INT, num) != 0)
			goto out;
		snprintf(num, sizeof(num), "%llu",
		    (unsigned long long)sv.f_bfree);
		if (oval_item_add(it, "space_left", OVAL_DT_INT, num) != 0)
			goto out;
	} else if (oval_item_add_status(it, "total_space", OVAL_DT_INT,
	    OVAL_ST_ERROR) != 0 ||
	    oval_item_add_status(it, "space_used", OVAL_DT_INT,
	    OVAL_ST_ERROR) != 0 ||
	    oval_item_add_status(it, "space_left", OVAL_DT_INT,
	    OVAL_ST_ERROR) != 0)
		goto out;
	rc = probe_emit(res, it);
	it = NULL;
out:
	free(opts);
	oval_item_unref(it);
	return rc;
}

/*
 * Open the mount table read-only, or NULL with errno set: a regular
 * file only, opened without blocking, so that a FIFO or a device put
 * in its place under --root cannot hang the scan.
 */
static FILE *
part_open(const char *path)
{
	struct stat st;
	FILE *fp;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		return NULL;
	}
	return fp;
}

static int
part_collect(const struct probe_req *req, struct probe_result *res)
{
	const struct probe_ent *ent = probe_req_ent(req, "mount_point");
	const char *base = probe_root_prefix(req);
	char path[PART_PATH_MAX];
	struct part_mount *v = NULL;
	struct plumb_err err;
	size_t n = 0, i, j;
	FILE *fp;
	int m, rc, trunc;

	if ((size_t)snprintf(path, sizeof(path), "%s/proc/mounts", base) >=
	    sizeof(path))
		return probe_flag(res, OVAL_FLAG_ERROR, "probe root too long");
	if ((fp = part_open(path)) == NULL && errno == ENOENT) {
		snprintf(path, sizeof(path), "%s/proc/self/mounts", base);
		fp = part_open(path);
	}
	if (fp == NULL)
		return probe_flag(res, OVAL_FLAG_ERROR, "%s: %s", path,
		    errno == EINVAL ? "not a regular file" : strerror(errno));
	rc = part_read(fp, &v, &n, &trunc);
	fclose(fp);
	if (rc != 0)
		return rc;
	if (trunc)
		probe_flag(res, OVAL_FLAG_INCOMPLETE, "%s: only the first %d "
		    "bytes were read", path, PART_FILE_MAX);
	for (i = 0; i < n; i++) {
		/* A later mount on the same point hides this one. */
		for (j = i + 1; j < n; j++)
			if (strcmp(v[i].dir, v[j].dir) == 0)
				break;
		if (j < n)
			continue;
		if ((m = probe_ent_match(ent, v[i].dir, &err)) < 0) {
			rc = probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
			break;
		}
		if (m && (rc = part_item(base, *base == '\0', &v[i],
		    res)) != 0)
			break;
	}
	part_free(v, n);
	return rc;
}

const struct probe_ops probe_partition_ops = {
	.type = "partition_object",
	.family = "linux",
	.collect = part_collect,
};
