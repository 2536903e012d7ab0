/*
 * cmd_spool.c - "plumb spool list|purge|flush": look at and manage the
 * queue of signed bundles waiting for upload.  flush is the uploader's
 * (cmd_spool_flush in cmd_scan.c).
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/error.h"
#include "agent_config.h"
#include "cmd.h"
#include "spool.h"

static void
spool_usage(FILE *f)
{
	fprintf(f,
	    "usage: plumb spool list|purge|flush [--config FILE]\n"
	    "\n"
	    "  list   show the bundles waiting for upload, oldest first\n"
	    "  purge  delete every waiting bundle (they are never uploaded)\n"
	    "  flush  upload the waiting bundles now\n"
	    "\n"
	    "  --config FILE  agent configuration (default "
	    CONFIG_DEFAULT_PATH ")\n"
	    "  -h, --help     show this help\n"
	    "\n"
	    "Exit status: 0 when done (flush: the spool is empty), 1 otherwise.\n");
}

/* Print the entries oldest first, then a summary line. */
static int
spool_cmd_list(struct spool *sp)
{
	struct plumb_err err = { 0, "" };
	struct spool_entry *v = NULL;
	uint64_t total = 0;
	size_t n = 0, i;

	if (spool_list(sp, &v, &n, &err) != PLUMB_OK) {
		cmd_warnx("spool list: %s", err.msg);
		return CMD_EXIT_ERROR;
	}
	for (i = 0; i < n; i++) {
		printf("%" PRIu64 "\t%s\t%" PRIu64 "\t%s\n", v[i].seq,
		    v[i].uuid, v[i].size, v[i].name);
		total += v[i].size;
	}
	printf("%zu bundle%s, %" PRIu64 " bytes, %" PRIu64
	    " dropped to respect max_bytes\n", n, n == 1 ? "" : "s", total,
	    spool_dropped(sp));
	free(v);
	return CMD_EXIT_OK;
}

static int
spool_cmd_purge(struct spool *sp)
{
	struct plumb_err err = { 0, "" };
	struct spool_entry *v = NULL;
	size_t n = 0, i, removed = 0;
	int rc = CMD_EXIT_OK;

	if (spool_list(sp, &v, &n, &err) != PLUMB_OK) {
		cmd_warnx("spool purge: %s", err.msg);
		return CMD_EXIT_ERROR;
	}
	for (i = 0; i < n; i++) {
		if (spool_remove(sp, &v[i], &err) != PLUMB_OK) {
			cmd_warnx("spool purge: %s", err.msg);
			rc = CMD_EXIT_ERROR;
			continue;
		}
		removed++;
	}
	printf("%zu bundle%s removed\n", removed, removed == 1 ? "" : "s");
	free(v);
	return rc;
}

int
cmd_spool(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct plumb_err err = { 0, "" };
	struct config cfg;
	struct spool *sp = NULL;
	const char *path = CONFIG_DEFAULT_PATH, *what;
	int ch, rc = CMD_EXIT_ERROR;

	memset(&cfg, 0, sizeof(cfg));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			spool_usage(stdout);
			return CMD_EXIT_OK;
		default:
			spool_usage(stderr);
			return CMD_EXIT_ERROR;
		}
	}
	if (optind != argc - 1) {
		spool_usage(stderr);
		return CMD_EXIT_ERROR;
	}
	what = argv[optind];
	if (strcmp(what, "list") != 0 && strcmp(what, "purge") != 0 &&
	    strcmp(what, "flush") != 0) {
		cmd_warnx("spool: unknown action '%s'", what);
		spool_usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (config_defaults(&cfg, &err) != PLUMB_OK ||
	    config_load(&cfg, path, &err) != PLUMB_OK) {
		cmd_warnx("%s", err.msg);
		goto out;
	}
	if (strcmp(what, "flush") == 0) {
		rc = cmd_spool_flush(&cfg);
		goto out;
	}
	if (spool_open(cfg.spool_dir, cfg.spool_max_bytes, &sp, &err) !=
	    PLUMB_OK) {
		cmd_warnx("%s", err.msg);
		goto out;
	}
	rc = strcmp(what, "list") == 0 ? spool_cmd_list(sp) :
	    spool_cmd_purge(sp);
out:
	spool_close(sp);
	config_clear(&cfg);
	return rc;
}
