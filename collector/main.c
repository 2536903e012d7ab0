/*
 * main.c - plumb-collector: receive signed results bundles from agents
 * over mutual TLS, verify them, keep them as evidence and index them in
 * the database.  Runs in the foreground (systemd), logs to stderr.
 *
 * usage: plumb-collector [-c FILE] [--check-config] [--port-file FILE]
 *            [--api-port-file FILE]
 *        plumb-collector [-c FILE] token add|list|revoke ...
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "plumb/error.h"
#include "collector_config.h"
#include "api.h"
#include "enroll.h"
#include "evidence.h"
#include "ingest.h"
#include "metrics.h"
#include "server.h"
#include "store.h"
#include "tokens.h"
#include "waivers.h"
#include "controls.h"	/* drift: the ISMS control set */
#include "drift.h"

#define COLLECTOR_RETENTION_EVERY_S	3600

struct collector {
	struct collector_config cfg;
	struct event_base *base;
	struct store *store;
	struct ingest *ig;
	struct metrics *metrics;
	struct api_ctx api;
	struct controls *controls;	/* drift: NULL when no file */
	struct enroll *enroll;		/* [enroll] CA; NULL when unset */
	struct server *srv;
};

static void
collector_usage(FILE *f)
{
	fprintf(f, "usage: plumb-collector [-c FILE] [--check-config] "
	    "[--port-file FILE] [--api-port-file FILE]\n"
	    "       plumb-collector [-c FILE] token add|list|revoke "
	    "[NAME]\n"
	    "       plumb-collector [-c FILE] enroll-token add HOST "
	    "[--ttl SECONDS] | list\n"
	    "  -c, --config FILE      configuration (default %s)\n"
	    "  --check-config         read the configuration, open the "
	    "database and exit\n"
	    "  --port-file FILE       write the bound ingest port to FILE "
	    "once listening\n"
	    "  --api-port-file FILE   write the bound api port to FILE once "
	    "listening\n"
	    "  token ...              manage API bearer tokens "
	    "(token --help)\n", COLLECTOR_CONFIG_PATH);
}

/* Apply retention now (a no-op with retention_days = 0). */
static void
collector_retention(struct collector *c)
{
	struct plumb_err err;
	size_t removed;

	memset(&err, 0, sizeof(err));
	if (ingest_retention(c->ig, c->cfg.retention_days, time(NULL),
	    &removed, &err) != 0)
		fprintf(stderr, "plumb-collector: retention: %s\n", err.msg);
	else if (removed > 0)
		fprintf(stderr, "plumb-collector: retention removed %zu "
		    "evidence files\n", removed);
}

static void
collector_retention_cb(evutil_socket_t fd, short what, void *arg)
{
	collector_retention(arg);
}

static void
collector_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct collector *c = arg;

	fprintf(stderr, "plumb-collector: signal %d, stopping\n", (int)sig);
	event_base_loopexit(c->base, NULL);
}

/* Write the port to path atomically (temporary file and rename). */
static int
collector_port_file(const char *path, unsigned port)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp) ||
	    (f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "port-file", required_argument, NULL, 'p' },
		{ "api-port-file", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct timeval every = { COLLECTOR_RETENTION_EVERY_S, 0 };
	struct event *sigterm = NULL, *sigint = NULL, *timer = NULL;
	struct ingest_opts io;
	struct server_deps deps;
	struct collector c;
	struct plumb_err err;
	const char *cfgpath = COLLECTOR_CONFIG_PATH, *port_file = NULL;
	const char *api_port_file = NULL;
	int ch, check_only = 0, ret = 1, rc;

	memset(&c, 0, sizeof(c));
	memset(&err, 0, sizeof(err));
	/* "+": stop at the first operand, so "token" parses its own. */
	while ((ch = getopt_long(argc, argv, "+c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'C':
			check_only = 1;
			break;
		case 'p':
			port_file = optarg;
			break;
		case 'a':
			api_port_file = optarg;
			break;
		case 'h':
			collector_usage(stdout);
			return 0;
		default:
			collector_usage(stderr);
			return 2;
		}
	}
	if (optind < argc && strcmp(argv[optind], "token") == 0)
		return tokens_main(cfgpath, argc - optind, argv + optind);
	/* Enrollment tokens (enroll.c). */
	if (optind < argc && strcmp(argv[optind], "enroll-token") == 0)
		return enroll_main(cfgpath, argc - optind, argv + optind);
	if (optind != argc) {
		collector_usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (collector_config_defaults(&c.cfg, &err) != 0 ||
	    collector_config_load(&c.cfg, cfgpath, &err) != 0)
		goto fail;
	if (store_open(c.cfg.database, &c.store, &err) != 0 ||
	    evidence_init(c.cfg.evidence_dir, &err) != 0)
		goto fail;
	memset(&io, 0, sizeof(io));
	io.store = c.store;
	io.evidence_dir = c.cfg.evidence_dir;
	io.agent_ca = c.cfg.agent_ca;
	io.max_bytes = (size_t)c.cfg.max_upload_bytes;
	io.rate_per_min = c.cfg.rate_limit;
	if (ingest_new(&io, &c.ig, &err) != 0 ||
	    tokens_init(c.store, &err) != 0 ||
	    waivers_init(c.store, &err) != 0 ||
	    drift_init(c.store, &err) != 0 ||
	    metrics_new(&c.metrics, &err) != 0)
		goto fail;
	/* The api context: store, configuration, control set and
	 * enrollment state. */
	c.api.store = c.store;
	c.api.cfg = &c.cfg;
	/* drift: the control set; without its file the controls and
	 * exports answer 503, ingest and drift work on. */
	rc = controls_load(c.cfg.controls_file, &c.controls, &err);
	if (rc == PLUMB_ENOENT)
		fprintf(stderr, "plumb-collector: no control set: %s\n",
		    err.msg);
	else if (rc != PLUMB_OK)
		goto fail;
	/* Control rollups: brought up to date, then kept at ingest (before
	 * the listeners open, so no bundle is stored without them). */
	if (c.controls != NULL &&
	    controls_attach(c.controls, c.store, &err) != PLUMB_OK)
		goto fail;
	c.api.controls = c.controls;
	/* enrollment: the [enroll] CA loaded (and checked) now. */
	if (enroll_new(&c.cfg, c.store, &c.enroll, &err) != 0)
		goto fail;
	c.api.enroll = c.enroll;
	memset(&deps, 0, sizeof(deps));
	deps.ig = c.ig;
	deps.api = &c.api;
	deps.metrics = c.metrics;
	if ((c.base = event_base_new()) == NULL) {
		plumb_err_set(&err, PLUMB_ENOMEM, "event_base_new failed");
		goto fail;
	}
	if (server_new(c.base, &c.cfg, &deps, &c.srv, &err) != 0)
		goto fail;
	if (check_only) {
		printf("%s: ok\n", cfgpath);
		ret = 0;
		goto out;
	}
	collector_retention(&c);
	if ((sigterm = evsignal_new(c.base, SIGTERM, collector_signal_cb,
	    &c)) == NULL || evsignal_add(sigterm, NULL) != 0 ||
	    (sigint = evsignal_new(c.base, SIGINT, collector_signal_cb,
	    &c)) == NULL || evsignal_add(sigint, NULL) != 0 ||
	    (timer = event_new(c.base, -1, EV_PERSIST,
	    collector_retention_cb, &c)) == NULL ||
	    event_add(timer, &every) != 0) {
		plumb_err_set(&err, PLUMB_ENOMEM, "cannot set up events");
		goto fail;
	}
	fprintf(stderr, "plumb-collector: listening on %s port %u\n",
	    c.cfg.listen, server_port(c.srv));
	if (server_api_port(c.srv) >= 0)
		fprintf(stderr, "plumb-collector: api listening on %s port "
		    "%d\n", c.cfg.api_listen != NULL ? c.cfg.api_listen :
		    c.cfg.listen, server_api_port(c.srv));
	if (api_port_file != NULL && server_api_port(c.srv) < 0) {
		plumb_err_set(&err, PLUMB_EINVAL, "--api-port-file: the api "
		    "listener is off ([api] port = -1)");
		goto fail;
	}
	/* The api port first: tests wait for the ingest port file. */
	if (api_port_file != NULL && collector_port_file(api_port_file,
	    (unsigned)server_api_port(c.srv)) != 0) {
		plumb_err_set(&err, PLUMB_EIO, "%s: cannot write",
		    api_port_file);
		goto fail;
	}
	if (port_file != NULL &&
	    collector_port_file(port_file, server_port(c.srv)) != 0) {
		plumb_err_set(&err, PLUMB_EIO, "%s: cannot write", port_file);
		goto fail;
	}
	event_base_dispatch(c.base);
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "plumb-collector: %s\n", err.msg);
out:
	if (sigterm != NULL)
		event_free(sigterm);
	if (sigint != NULL)
		event_free(sigint);
	if (timer != NULL)
		event_free(timer);
	server_free(c.srv);
	if (c.base != NULL)
		event_base_free(c.base);
	ingest_free(c.ig);
	metrics_free(c.metrics);
	enroll_free(c.enroll);
	store_close(c.store);
	controls_free(c.controls);
	collector_config_clear(&c.cfg);
	return ret;
}
