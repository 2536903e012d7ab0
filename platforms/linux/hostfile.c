/* hostfile.c - read line-oriented system files under the probe root. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
