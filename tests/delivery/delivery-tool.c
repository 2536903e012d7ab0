/*
 * delivery-tool.c - TEST ONLY, never installed: drive the bundle,
 * content signature and spool modules from the delivery test scripts.
 *
 *   delivery-tool bundle OUT CERT KEY HOST FILE...
 *	bundle_create with FILE... as members (named by their base name);
 *	prints the UUID
 *   delivery-tool content-check FILE CA
 *	content_sig_check; prints OK or the reason (exit 1)
 *   delivery-tool keycheck KEY
 *	keyfile_check; prints OK or the reason (exit 1)
 *   delivery-tool put SPOOLDIR MAX_BYTES SRC UUID
 *	spool_open + spool_put; prints the reason on failure (exit 1)
 *   delivery-tool put-loop SPOOLDIR SRC
 *	forever: copy SRC to SRC.n and spool_put it (for kill -9 tests)
 *   delivery-tool list SPOOLDIR
 *	spool_open + spool_list: "seq uuid size" lines, then "dropped N"
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plumb/error.h"
#include "bundle.h"
#include "content_sig.h"
#include "keyfile.h"
#include "spool.h"

/* Read a whole (small) file. */
static unsigned char *
tool_slurp(const char *path, size_t *len)
{
	unsigned char *p = NULL, *np;
	size_t cap = 0;
	ssize_t r;
	int fd;

	*len = 0;
	if ((fd = open(path, O_RDONLY)) < 0)
		return NULL;
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((np = realloc(p, cap)) == NULL)
				break;
			p = np;
		}
		if ((r = read(fd, p + *len, cap - *len)) <= 0)
			break;
		*len += (size_t)r;
	}
	close(fd);
	return p;
}

static int
tool_copy(const char *src, const char *dst)
{
	unsigned char *p;
	size_t len;
	FILE *f;
	int rc = -1;

	if ((p = tool_slurp(src, &len)) == NULL)
		return -1;
	if ((f = fopen(dst, "w")) != NULL) {
		if (fwrite(p, 1, len, f) == len)
			rc = 0;
		if (fclose(f) != 0)
			rc = -1;
	}
	free(p);
	return rc;
}

static int
tool_bundle(int argc, char **argv)
{
	struct plumb_err err = { 0, "" };
	struct bundle_member m[16];
	struct bundle_info info;
	unsigned char *data[16];
	int i, n = argc - 6, rc = 1;

	if (n < 0 || n > 16)
		return 2;
	for (i = 0; i < n; i++) {
		if ((data[i] = tool_slurp(argv[6 + i], &m[i].len)) == NULL &&
		    errno != 0) {
			fprintf(stderr, "%s: %s\n", argv[6 + i],
			    strerror(errno));
			return 1;
		}
		m[i].data = data[i];
		m[i].name = basename(argv[6 + i]);
	}
	if (bundle_create(argv[2], argv[5], NULL, m, (size_t)n, argv[3],
	    argv[4], &info, &err) != PLUMB_OK)
		fprintf(stderr, "%s\n", err.msg);
	else {
		printf("%s\n", info.uuid);
		rc = 0;
	}
	for (i = 0; i < n; i++)
		free(data[i]);
	return rc;
}

int
main(int argc, char **argv)
{
	struct plumb_err err = { 0, "" };
	struct spool_entry *v;
	struct spool *sp;
	char uuid[BUNDLE_UUID_LEN + 1], tmp[4096];
	unsigned long n;
	size_t cnt, i;

	if (argc < 3)
		return 2;
	if (strcmp(argv[1], "bundle") == 0)
		return tool_bundle(argc, argv);
	if (strcmp(argv[1], "content-check") == 0 && argc == 4) {
		if (content_sig_check(argv[2], argv[3], &err) != PLUMB_OK) {
			printf("%s\n", err.msg);
			return 1;
		}
		printf("OK\n");
		return 0;
	}
	if (strcmp(argv[1], "keycheck") == 0 && argc == 3) {
		if (keyfile_check(argv[2], &err) != PLUMB_OK) {
			printf("%s\n", err.msg);
			return 1;
		}
		printf("OK\n");
		return 0;
	}
	if (strcmp(argv[1], "put") == 0 && argc == 6) {
		if (spool_open(argv[2], strtoull(argv[3], NULL, 10), &sp,
		    &err) != PLUMB_OK || spool_put(sp, argv[4], argv[5],
		    &err) != PLUMB_OK) {
			printf("%s\n", err.msg);
			spool_close(sp);	/* no leak report to hide it */
			return 1;
		}
		spool_close(sp);
		return 0;
	}
	if (strcmp(argv[1], "put-loop") == 0 && argc == 4) {
		if (spool_open(argv[2], 0, &sp, &err) != PLUMB_OK) {
			printf("%s\n", err.msg);
			return 1;
		}
		for (n = 0;; n++) {
			snprintf(tmp, sizeof(tmp), "%s.%lu", argv[3], n);
			if (tool_copy(argv[3], tmp) != 0 ||
			    bundle_uuid(uuid, &err) != PLUMB_OK ||
			    spool_put(sp, tmp, uuid, &err) != PLUMB_OK) {
				printf("%s\n", err.msg);
				return 1;
			}
		}
	}
	if (strcmp(argv[1], "list") == 0 && argc == 3) {
		if (spool_open(argv[2], 0, &sp, &err) != PLUMB_OK ||
		    spool_list(sp, &v, &cnt, &err) != PLUMB_OK) {
			printf("%s\n", err.msg);
			spool_close(sp);
			return 1;
		}
		for (i = 0; i < cnt; i++)
			printf("%" PRIu64 " %s %" PRIu64 "\n", v[i].seq,
			    v[i].uuid, v[i].size);
		printf("dropped %" PRIu64 "\n", spool_dropped(sp));
		free(v);
		spool_close(sp);
		return 0;
	}
	return 2;
}
