/*
 * cmd_scan.c - "plumb scan": one scan as configured, signed and spooled
 * (scan_run), then an attempt to deliver the spool (scan_flush); the
 * pipeline itself is scan.c in libplumb.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "plumb/error.h"
#include "bundle.h"
#include "cmd.h"
#include "agent_config.h"
#include "scan.h"

/* See cmd.h: the delivery step of "plumb spool flush". */
int
cmd_spool_flush(const struct config *cfg)
{
	struct scan_flush_stats st;
	struct plumb_err err = { 0, "" };

	if (scan_flush(cfg, &st, &err) != PLUMB_OK) {
		scan_log(LOG_ERR, "%s", err.msg[0] ? err.msg :
		    plumb_strerror(err.code));
		return CMD_EXIT_ERROR;
	}
	printf("%u delivered, %u rejected, %u left in the spool\n", st.sent,
	    st.rejected, st.left);
	return st.left == 0 ? CMD_EXIT_OK : CMD_EXIT_ERROR;
}

static void
scan_usage(FILE *f)
{
	fprintf(f,
	    "usage: plumb scan [--config FILE] [--scan NAME] [--root DIR]\n"
	    "\n"
	    "Evaluate the configured content (every scan of the "
	    "configuration, or the one\n"
	    "named), print each result summary, sign the results as a "
	    "bundle, put it in\n"
	    "the spool, then try to deliver the spool to the collector "
	    "(oldest first).\n"
	    "\n"
	    "  -c, --config FILE  agent configuration (default "
	    CONFIG_DEFAULT_PATH ")\n"
	    "  -s, --scan NAME    run only the scan NAME ([scan NAME], or "
	    "\"" CONFIG_DEFAULT_SCAN "\"\n"
	    "                     for the [agent] content)\n"
	    "  -r, --root DIR     scan the tree under DIR (a mounted image) "
	    "instead of /;\n"
	    "                     recorded in the results and the bundle\n"
	    "  -h, --help         show this help\n"
	    "\n"
	    "Exit status: 0 every scan was spooled (a failed upload is "
	    "logged and retried\n"
	    "later), 1 error.\n");
}

/* Run sc (root: --root, or NULL) and print what became of it; 0 or -1. */
static int
scan_one(const struct config *cfg, const struct config_scan *sc,
    const char *root)
{
	struct plumb_err err = { 0, "" };
	struct config_scan one = *sc;
	char uuid[BUNDLE_UUID_LEN + 1];

	if (root != NULL)
		one.root = (char *)root;
	if (cfg->nscans > 1)
		printf("plumb: scan %s\n", sc->name);
	if (scan_run(cfg, &one, stdout, uuid, &err) != PLUMB_OK) {
		scan_log(LOG_ERR, "scan %s: %s", sc->name, err.msg[0] ?
		    err.msg : plumb_strerror(err.code));
		return -1;
	}
	printf("bundle %s spooled\n", uuid);
	fflush(stdout);
	return 0;
}

/* "plumb scan": exit 0 once every bundle is spooled, whatever delivery
 * then does; 1 when some bundle could not be made. */
int
cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "scan", required_argument, NULL, 's' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct plumb_err err = { 0, "" };
	struct scan_flush_stats st;
	struct config cfg;
	const struct config_scan *sc;
	const char *path = CONFIG_DEFAULT_PATH, *name = NULL, *root = NULL;
	size_t i, spooled = 0;
	int ch, rc = CMD_EXIT_ERROR;

	memset(&cfg, 0, sizeof(cfg));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:s:r:h", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 's':
			name = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 'h':
			scan_usage(stdout);
			return CMD_EXIT_OK;
		default:
			scan_usage(stderr);
			return CMD_EXIT_ERROR;
		}
	}
	if (optind != argc) {
		scan_usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (config_defaults(&cfg, &err) != PLUMB_OK ||
	    config_load(&cfg, path, &err) != PLUMB_OK ||
	    (root != NULL && scan_root_check(root, &err) != PLUMB_OK)) {
		scan_log(LOG_ERR, "%s", err.msg[0] ? err.msg :
		    plumb_strerror(err.code));
		goto out;
	}
	if (name != NULL || cfg.nscans == 0) {
		if ((sc = config_scan_find(&cfg, name, &err)) == NULL) {
			scan_log(LOG_ERR, "%s: %s", path, err.msg);
			goto out;
		}
		if (scan_one(&cfg, sc, root) != 0)
			goto out;
		spooled = 1;
	} else
		for (i = 0; i < cfg.nscans; i++)
			if (scan_one(&cfg, &cfg.scans[i], root) == 0)
				spooled++;
	if (spooled == (name != NULL ? 1 : cfg.nscans))
		rc = CMD_EXIT_OK;
	if (spooled == 0)
		goto out;
	/* Delivery failures are not the scan's: the spool keeps them. */
	if (scan_flush(&cfg, &st, &err) != PLUMB_OK)
		scan_log(LOG_WARNING, "%s", err.msg[0] ? err.msg :
		    plumb_strerror(err.code));
	else
		printf("%u delivered, %u rejected, %u left in the spool\n",
		    st.sent, st.rejected, st.left);
out:
	config_clear(&cfg);
	return rc;
}
