/* hostfile.c - read line-oriented system files under the probe root. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plumb/probe.h"
#include "hostfile.h"

#define HOSTFILE_LINE_CAP	65536

int
hostfile_lines(const struct probe_req *req, struct probe_result *res,
    const char *path, size_t linemax,
    int (*fn)(const void *arg, char *line, struct probe_result *res),
    const void *arg)
{
	char full[4096], line[HOSTFILE_LINE_CAP];
	size_t len;
	FILE *fp;
	int c, rc = PLUMB_OK;

	if (linemax > sizeof(line))
		linemax = sizeof(line);
	if ((size_t)snprintf(full, sizeof(full), "%s%s",
	    probe_root_prefix(req), path) >= sizeof(full))
		return probe_flag(res, OVAL_FLAG_ERROR, "probe root too long");
	if ((fp = fopen(full, "re")) == NULL)
		return probe_flag(res, errno == ENOENT ?
		    OVAL_FLAG_DOES_NOT_EXIST : OVAL_FLAG_ERROR, "%s: %s",
		    full, strerror(errno));
	while (fgets(line, (int)linemax, fp) != NULL) {
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n') {
			line[--len] = '\0';
		} else if (!feof(fp)) {
			/* Longer than any record: skip all of it. */
			while ((c = fgetc(fp)) != EOF && c != '\n')
				;
			continue;
		}
		if ((rc = fn(arg, line, res)) != 0 ||
		    res->flag == OVAL_FLAG_ERROR)
			break;
	}
	fclose(fp);
	return rc;
}

int
hostfile_read_fd(int fd, size_t cap, char **out, size_t *outlen)
{
	size_t len = 0;
	ssize_t r;
	char *buf;

	*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if ((buf = malloc(cap + 1)) == NULL) {
		close(fd);
		return PLUMB_ENOMEM;
	}
	while (len < cap && (r = read(fd, buf + len, cap - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			free(buf);
			return 0;
		}
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	if (outlen != NULL)
		*outlen = len;
	return 1;
}

int
hostfile_is_pid(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

int
hostfile_each_pid(const struct probe_req *req, struct probe_result *res,
    const struct probe_ent *pid,
    int (*fn)(void *arg, const char *pid, struct probe_result *res),
    void *arg)
{
	char path[4096];
	struct plumb_err err;
	struct dirent *de;
	DIR *d;
	int m, rc = PLUMB_OK;

	if ((size_t)snprintf(path, sizeof(path), "%s/proc",
	    probe_root_prefix(req)) >= sizeof(path))
		return probe_flag(res, OVAL_FLAG_ERROR, "probe root too long");
	if ((d = opendir(path)) == NULL)
		return probe_flag(res, OVAL_FLAG_ERROR, "%s: %s", path,
		    strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (!hostfile_is_pid(de->d_name))
			continue;
		if ((m = probe_ent_match(pid, de->d_name, &err)) < 0) {
			rc = probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
			break;
		}
		if (m && (rc = fn(arg, de->d_name, res)) != 0)
			break;
	}
	closedir(d);
	return rc < 0 ? rc : PLUMB_OK;
}
