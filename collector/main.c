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
#include <sys/stat.h>
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
#include "signer.h"
#include "store.h"
#include "hoststate.h"
#include "tokens.h"
#include "waivers.h"
#include "controls.h"	/* drift: the ISMS control set */
#include "drift.h"
#include "alerts.h"	/* stale hosts, notifications, gauges */

#define COLLECTOR_RETENTION_EVERY_S	3600
#define COLLECTOR_CONTROLS_WAIT_MS	3000	/* for the first controls
						 * cache build at start */

struct collector {
	struct collector_config cfg;
	struct event_base *base;
	struct store *store;
	struct ingest *ig;
	struct metrics *metrics;
	struct api_ctx api;
	struct controls *controls;	/* drift: NULL when no file */
	struct controls_cache *ccache;	/* its evaluation, kept */
	struct enroll *enroll;		/* [enroll] CA; NULL when unset */
	struct signer *signer;		/* holds the CA key (signer.h) */
	struct server *srv;
	struct alerts *alerts;		/* alerts.h */
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
	    &removed, &err) != 0) {
		fprintf(stderr, "plumb-collector: retention: %s\n", err.msg);
		return;
	}
	/* A removed scan's successor is compared with the scan before. */
	if (c->cfg.retention_days > 0 &&
	    drift_sync(c->store, NULL, &err) != 0)
		fprintf(stderr, "plumb-collector: drift: %s\n", err.msg);
	if (removed > 0) {
		fprintf(stderr, "plumb-collector: retention removed %zu "
		    "evidence files\n", removed);
		/* Their scans leave the history at the next rebuild. */
		controls_cache_invalidate(c->ccache, time(NULL));
	}
}

/* The enrollment CA's CRL into the listeners (enroll.h hook). */
static void
collector_crl_hook(void *arg, X509_CRL *crl)
{
	struct collector *c = arg;
	struct plumb_err err;

	memset(&err, 0, sizeof(err));
	if (c->srv != NULL && server_crl_set(c->srv, crl, &err) != 0)
		fprintf(stderr, "plumb-collector: CRL not in force: %s\n",
		    err.msg);
}

/* Make the CRL again when it is a day old (before nextUpdate). */
static void
collector_crl(struct collector *c)
{
	struct plumb_err err;
	time_t now = time(NULL);

	memset(&err, 0, sizeof(err));
	if (c->enroll != NULL && enroll_crl_due(c->enroll, now) &&
	    enroll_crl_update(c->enroll, c->store, now, &err) != 0)
		fprintf(stderr, "plumb-collector: CRL: %s\n", err.msg);
}

static void
collector_retention_cb(evutil_socket_t fd, short what, void *arg)
{
	collector_retention(arg);
	collector_crl(arg);
}

/* alerts.h: one check of regressions, stale hosts and waivers. */
static void
collector_alerts_cb(evutil_socket_t fd, short what, void *arg)
{
	struct collector *c = arg;
	struct plumb_err err;

	memset(&err, 0, sizeof(err));
	if (alerts_check(c->alerts, time(NULL), &err) != PLUMB_OK)
		fprintf(stderr, "plumb-collector: alerts: %s\n", err.msg);
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
	struct event *alerts_timer = NULL;
	struct timeval alerts_every = { 0, 0 };
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
	/* Databases, evidence and keys get explicit modes; anything else
	 * created here is not world-readable either. */
	umask(027);
	if (collector_config_defaults(&c.cfg, &err) != 0 ||
	    collector_config_load(&c.cfg, cfgpath, &err) != 0)
		goto fail;
	/* Privilege separation: the CA key is read by a process of its
	 * own, forked before any database connection or listener. */
	if (c.cfg.enroll_ca_cert != NULL &&
	    signer_start(&c.cfg, &c.signer, &err) != 0)
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
	io.max_inflated_bytes = (size_t)c.cfg.max_inflated_bytes;
	io.max_inflate_ratio = c.cfg.max_inflate_ratio;
	io.max_summary_bytes = (size_t)c.cfg.max_summary_bytes;
	io.max_rules = c.cfg.max_rules;
	io.max_rule_text_bytes = c.cfg.max_rule_text_bytes;
	if (ingest_new(&io, &c.ig, &err) != 0 ||
	    tokens_init(c.store, &err) != 0 ||
	    waivers_init(c.store, &err) != 0 ||
	    store_texts_migrate(c.store, &err) != 0 ||
	    hoststate_init(c.store, &err) != 0 ||
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
	/* The control routes answer from a cache built in the background
	 * (the routes say 503 until the first build is done). */
	if (c.controls != NULL && !check_only) {
		struct controls_cache_opts co;

		memset(&co, 0, sizeof(co));
		co.database = c.cfg.database;
		co.history_points = c.cfg.controls_history_points;
		co.rebuild_min_interval_s = c.cfg.controls_rebuild_s;
		if (controls_cache_new(c.controls, &co, &c.ccache, &err) !=
		    PLUMB_OK)
			goto fail;
		c.api.controls_cache = c.ccache;
		if (!controls_cache_wait(c.ccache,
		    COLLECTOR_CONTROLS_WAIT_MS))
			fprintf(stderr, "plumb-collector: building the "
			    "controls cache; the control routes answer 503 "
			    "until it is done\n");
	}
	/* enrollment: the [enroll] CA loaded (and checked) now. */
	if (enroll_new(&c.cfg, c.store, c.signer, &c.enroll, &err) != 0)
		goto fail;
	c.api.enroll = c.enroll;
	/* alerts: after the tables it reads (drift, waivers). */
	if (alerts_new(&c.cfg, c.store, c.controls, &c.alerts, &err) != 0)
		goto fail;
	metrics_set_extra(c.metrics, alerts_metrics, c.alerts);
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
	/* The enrollment CA's CRL in force from the first handshake. */
	if (c.enroll != NULL) {
		enroll_set_crl_hook(c.enroll, collector_crl_hook, &c);
		if (enroll_crl_update(c.enroll, c.store, time(NULL), &err) != 0)
			goto fail;
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
	alerts_every.tv_sec = c.cfg.alerts_check_s;
	if ((alerts_timer = event_new(c.base, -1, EV_PERSIST,
	    collector_alerts_cb, &c)) == NULL ||
	    event_add(alerts_timer, &alerts_every) != 0) {
		plumb_err_set(&err, PLUMB_ENOMEM, "cannot set up events");
		goto fail;
	}
	event_active(alerts_timer, EV_TIMEOUT, 0);	/* one check now */
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
	if (alerts_timer != NULL)
		event_free(alerts_timer);
	server_free(c.srv);
	if (c.base != NULL)
		event_base_free(c.base);
	ingest_free(c.ig);
	metrics_free(c.metrics);
	alerts_free(c.alerts);
	enroll_free(c.enroll);
	signer_free(c.signer);
	controls_cache_free(c.ccache);
	store_close(c.store);
	controls_free(c.controls);
	collector_config_clear(&c.cfg);
	return ret;
}
