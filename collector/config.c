/*
 * config.c - plumb-collector.conf: INI read with inih, every key in one
 * table, nothing silently ignored.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "plumb/error.h"
#include "common/ini_util.h"
#include "agent_config.h"
#include "bundle.h"
#include "collector_config.h"
#include "notify.h"		/* alerts: syslog facilities */
#include "stale.h"		/* alerts: [stale] roles */

#define CCFG_STR_MAX	4095

enum ccfg_type {
	CC_STR,		/* non-empty string */
	CC_OPT,		/* string; empty: unset (NULL) */
	CC_UINT,	/* unsigned within [min, max] */
	CC_BYTES,	/* uint64_t with K/M/G (binary) suffixes */
	CC_PORT,	/* int: -1 (off) or 0..65535 */
	CC_FACTOR	/* double within [min, max] */
};

struct ccfg_key {
	const char *section;
	const char *name;
	enum ccfg_type type;
	size_t off;
	unsigned long long min, max;
};

#define CCK(s, n, t, f, lo, hi) \
	{ s, n, t, offsetof(struct collector_config, f), lo, hi }

/* Every key, in the order docs/collector.md documents them. */
static const struct ccfg_key ccfg_keys[] = {
	CCK("server", "listen", CC_STR, listen, 0, 0),
	CCK("server", "port", CC_UINT, port, 0, 65535),
	CCK("server", "cert", CC_STR, cert, 0, 0),
	CCK("server", "key", CC_STR, key, 0, 0),
	CCK("server", "agent_ca", CC_STR, agent_ca, 0, 0),
	CCK("server", "crl", CC_OPT, crl, 0, 0),
	CCK("storage", "database", CC_STR, database, 0, 0),
	CCK("storage", "evidence_dir", CC_STR, evidence_dir, 0, 0),
	CCK("storage", "retention_days", CC_UINT, retention_days, 0, 36500),
	CCK("limits", "max_upload_bytes", CC_BYTES, max_upload_bytes, 1024,
	    BUNDLE_MAX_BYTES),
	CCK("limits", "rate_limit", CC_UINT, rate_limit, 0, 100000),
	CCK("limits", "ingest_queue", CC_UINT, ingest_queue, 1, 4096),
	CCK("limits", "max_inflated_bytes", CC_BYTES, max_inflated_bytes,
	    (uint64_t)1024 * 1024, BUNDLE_MAX_BYTES),
	CCK("limits", "max_inflate_ratio", CC_UINT, max_inflate_ratio, 1,
	    100000),
	CCK("limits", "max_summary_bytes", CC_BYTES, max_summary_bytes,
	    65536, BUNDLE_MAX_BYTES),
	CCK("limits", "max_rules", CC_UINT, max_rules, 1, 200000),
	CCK("limits", "max_rule_text_bytes", CC_UINT, max_rule_text_bytes,
	    64, 65536),
	CCK("limits", "max_rollup_groups", CC_UINT, max_rollup_groups, 1,
	    100000),
	CCK("limits", "max_inflight_bytes", CC_BYTES, max_inflight_bytes,
	    (uint64_t)1024 * 1024, (uint64_t)64 * 1024 * 1024 * 1024),
	CCK("limits", "max_connections", CC_UINT, max_connections, 1, 65536),
	CCK("limits", "max_client_connections", CC_UINT,
	    max_client_connections, 1, 65536),
	CCK("limits", "handshake_timeout", CC_UINT, handshake_timeout, 1, 600),
	CCK("api", "listen", CC_STR, api_listen, 0, 0),
	CCK("api", "port", CC_PORT, api_port, 0, 65535),
	CCK("api", "admin_ca", CC_OPT, admin_ca, 0, 0),
	CCK("api", "max_body_bytes", CC_BYTES, api_max_body, 1024,
	    (uint64_t)64 * 1024 * 1024),
	CCK("api", "drift_limit", CC_UINT, api_drift_limit, 1, 100000),
	CCK("enroll", "ca_cert", CC_OPT, enroll_ca_cert, 0, 0),
	CCK("enroll", "ca_key", CC_OPT, enroll_ca_key, 0, 0),
	CCK("enroll", "cert_days", CC_UINT, enroll_cert_days, 1, 3650),
	CCK("enroll", "token_ttl", CC_UINT, enroll_token_ttl, 1, 31536000),
	CCK("enroll", "renew_window", CC_UINT, enroll_renew_window, 1, 100),
	CCK("enroll", "crl_file", CC_OPT, enroll_crl_file, 0, 0),
	CCK("enroll", "crl_days", CC_UINT, enroll_crl_days, 1, 365),
	CCK("controls", "file", CC_STR, controls_file, 0, 0),
	CCK("controls", "history_points", CC_UINT, controls_history_points,
	    1, 1000000),
	CCK("controls", "rebuild_min_interval_s", CC_UINT, controls_rebuild_s,
	    0, 86400),
	CCK("controls", "trend_max_days", CC_UINT, controls_trend_days, 1,
	    3660),
	CCK("waivers", "require_approval", CC_UINT, waiver_approval, 0, 1),
	CCK("stale", "interval_s", CC_UINT, stale_interval_s, 1, 31536000),
	CCK("stale", "grace_factor", CC_FACTOR, stale_grace, 1, 100),
	CCK("stale", "roles", CC_OPT, stale_roles, 0, 0),
	CCK("alerts", "check_interval_s", CC_UINT, alerts_check_s, 1, 86400),
	CCK("alerts", "waiver_reminder_days", CC_UINT, alerts_waiver_days, 0,
	    3650),
	CCK("alerts", "max_per_check", CC_UINT, alerts_max_per_check, 1,
	    100000),
	CCK("alerts", "webhook_url", CC_OPT, webhook_url, 0, 0),
	CCK("alerts", "webhook_secret_file", CC_OPT, webhook_secret_file, 0,
	    0),
	CCK("alerts", "webhook_ca", CC_OPT, webhook_ca, 0, 0),
	CCK("alerts", "webhook_timeout_s", CC_UINT, webhook_timeout_s, 1, 300),
	CCK("alerts", "webhook_retries", CC_UINT, webhook_retries, 0, 100),
	CCK("alerts", "webhook_backoff_s", CC_UINT, webhook_backoff_s, 1,
	    86400),
	CCK("alerts", "webhook_backoff_max_s", CC_UINT, webhook_backoff_max_s,
	    1, 86400),
	CCK("alerts", "webhook_queue", CC_UINT, webhook_queue, 1, 100000),
	CCK("alerts", "syslog_facility", CC_OPT, syslog_facility, 0, 0),
	CCK("alerts", "syslog_socket", CC_STR, syslog_socket, 0, 0),
};
#define CCFG_NKEYS	(sizeof(ccfg_keys) / sizeof(ccfg_keys[0]))

struct ccfg_parse {
	struct collector_config *cfg;
	const char *path;
	struct plumb_err *err;
	int failed;
};

int
collector_config_defaults(struct collector_config *cfg,
    struct plumb_err *err)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = 8443;
	cfg->retention_days = 0;
	cfg->max_upload_bytes = (uint64_t)64 * 1024 * 1024;
	cfg->rate_limit = 60;
	cfg->ingest_queue = 256;
	cfg->max_inflated_bytes = (uint64_t)128 * 1024 * 1024;
	cfg->max_inflate_ratio = 100;
	cfg->max_summary_bytes = (uint64_t)8 * 1024 * 1024;
	cfg->max_rules = 20000;
	cfg->max_rule_text_bytes = 4096;
	cfg->max_rollup_groups = 1000;
	cfg->max_inflight_bytes = (uint64_t)256 * 1024 * 1024;
	cfg->max_connections = 512;
	cfg->max_client_connections = 32;
	cfg->handshake_timeout = 10;
	cfg->api_port = 8444;
	cfg->api_max_body = (uint64_t)1024 * 1024;
	cfg->api_drift_limit = 1000;
	cfg->enroll_cert_days = 365;
	cfg->enroll_token_ttl = 86400;
	cfg->waiver_approval = 1;
	cfg->controls_history_points = 5000;
	cfg->controls_rebuild_s = 60;
	cfg->controls_trend_days = 366;
	cfg->enroll_renew_window = 30;
	cfg->enroll_crl_days = 7;
	cfg->stale_interval_s = 86400;
	cfg->stale_grace = 1.5;
	cfg->alerts_check_s = 60;
	cfg->alerts_waiver_days = 14;
	cfg->alerts_max_per_check = 1000;
	cfg->webhook_timeout_s = 10;
	cfg->webhook_retries = 5;
	cfg->webhook_backoff_s = 5;
	cfg->webhook_backoff_max_s = 600;
	cfg->webhook_queue = 256;
	if (ini_set_str(&cfg->syslog_socket, "/dev/log") != 0 ||
	    ini_set_str(&cfg->listen, "0.0.0.0") != 0 ||
	    ini_set_str(&cfg->database,
	    "/var/lib/plumb-collector/plumb.db") != 0 ||
	    ini_set_str(&cfg->evidence_dir,
	    "/var/lib/plumb-collector/evidence") != 0 ||
	    ini_set_str(&cfg->controls_file,
	    "/usr/share/plumb/controls/isms-controls.ini") != 0) {
		collector_config_clear(cfg);
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	}
	return PLUMB_OK;
}

void
collector_config_clear(struct collector_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->listen);
	free(cfg->cert);
	free(cfg->key);
	free(cfg->agent_ca);
	free(cfg->crl);
	free(cfg->database);
	free(cfg->evidence_dir);
	free(cfg->api_listen);
	free(cfg->admin_ca);
	free(cfg->enroll_ca_cert);
	free(cfg->enroll_ca_key);
	free(cfg->enroll_crl_file);
	free(cfg->controls_file);
	free(cfg->stale_roles);
	free(cfg->webhook_url);
	free(cfg->webhook_secret_file);
	free(cfg->webhook_ca);
	free(cfg->syslog_facility);
	free(cfg->syslog_socket);
	memset(cfg, 0, sizeof(*cfg));
}

static int
ccfg_fail(struct ccfg_parse *cp, int line, const char *sec, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Record the first failure; returns 0 so inih stops caring. */
static int
ccfg_fail(struct ccfg_parse *cp, int line, const char *sec, const char *key,
    const char *fmt, ...)
{
	va_list ap;

	if (cp->failed)
		return 0;
	cp->failed = 1;
	va_start(ap, fmt);
	ini_verror(cp->err, cp->path, (unsigned)line, sec, key, fmt, ap);
	va_end(ap);
	return 0;
}

/* inih's callback for each line (inih >= 42 passes the line number). */
static int
ccfg_handler(void *user, const char *sec, const char *name, const char *v,
    int line)
{
	struct ccfg_parse *cp = user;
	const struct ccfg_key *k = NULL;
	char *base = (char *)cp->cfg;
	unsigned long long n;
	size_t i;
	int known_section = 0;

	if (cp->failed)
		return 0;
	for (i = 0; i < CCFG_NKEYS; i++) {
		if (strcmp(ccfg_keys[i].section, sec) != 0)
			continue;
		known_section = 1;
		if (strcmp(ccfg_keys[i].name, name) == 0)
			k = &ccfg_keys[i];
	}
	if (!known_section)
		return ccfg_fail(cp, line, sec, name, "unknown section");
	if (k == NULL)
		return ccfg_fail(cp, line, sec, name, "unknown key");
	if (strlen(v) > CCFG_STR_MAX)
		return ccfg_fail(cp, line, sec, name, "value too long");
	switch (k->type) {
	case CC_STR:
	case CC_OPT:
		if (*v == '\0' && k->type == CC_STR)
			return ccfg_fail(cp, line, sec, name, "empty value");
		if (ini_set_str((char **)(base + k->off),
		    *v == '\0' ? NULL : v) != 0)
			return ccfg_fail(cp, line, sec, name,
			    "out of memory");
		return 1;
	case CC_PORT:
		if (strcmp(v, "-1") == 0) {
			*(int *)(base + k->off) = -1;
			cp->cfg->api_port_set = 1;
			return 1;
		}
		if (ini_uint(v, &n) != 0 || n > k->max)
			return ccfg_fail(cp, line, sec, name, "\"%s\" is not "
			    "a port (0..65535) or -1 (off)", v);
		*(int *)(base + k->off) = (int)n;
		cp->cfg->api_port_set = 1;
		return 1;
	case CC_FACTOR: {
		char *end;
		double d;

		errno = 0;
		d = strtod(v, &end);
		if (*v == '\0' || *end != '\0' || errno != 0 ||
		    !(d >= (double)k->min && d <= (double)k->max))
			return ccfg_fail(cp, line, sec, name, "\"%s\" is not "
			    "a number from %llu to %llu", v, k->min, k->max);
		*(double *)(base + k->off) = d;
		return 1;
	}
	case CC_UINT:
	case CC_BYTES:
		if ((k->type == CC_BYTES ? ini_bytes(v, &n) :
		    ini_uint(v, &n)) != 0)
			return ccfg_fail(cp, line, sec, name,
			    k->type == CC_BYTES ? "\"%s\" is not a size (a "
			    "number with an optional K, M or G)" :
			    "\"%s\" is not a whole number", v);
		if (n < k->min || n > k->max)
			return ccfg_fail(cp, line, sec, name,
			    "%s is out of range %llu..%llu", v, k->min,
			    k->max);
		if (k->type == CC_UINT)
			*(unsigned *)(base + k->off) = (unsigned)n;
		else
			*(uint64_t *)(base + k->off) = (uint64_t)n;
		return 1;
	}
	return ccfg_fail(cp, line, sec, name, "internal: unknown key type");
}

/* inih without line numbers in the callback: track them ourselves. */
struct ccfg_lines {
	struct ccfg_parse *cp;
	FILE *f;
	int line;
};

static char *
ccfg_reader(char *str, int num, void *stream)
{
	struct ccfg_lines *l = stream;

	if (fgets(str, num, l->f) == NULL)
		return NULL;
	l->line++;
	return str;
}

static int
ccfg_handler_nl(void *user, const char *sec, const char *name,
    const char *v)
{
	struct ccfg_lines *l = user;

	return ccfg_handler(l->cp, sec, name, v, l->line);
}

int
collector_config_load(struct collector_config *cfg, const char *path,
    struct plumb_err *err)
{
	struct ccfg_parse cp;
	struct ccfg_lines l;
	int rc;

	memset(&cp, 0, sizeof(cp));
	cp.cfg = cfg;
	cp.path = path;
	cp.err = err;
	memset(&l, 0, sizeof(l));
	l.cp = &cp;
	if ((l.f = fopen(path, "r")) == NULL)
		return plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "%s: %s", path, strerror(errno));
	rc = ini_parse_stream(ccfg_reader, &l, ccfg_handler_nl, &l);
	fclose(l.f);
	if (cp.failed)
		return PLUMB_EPARSE;
	if (rc != 0)
		return plumb_err_set(err, PLUMB_EPARSE,
		    "%s:%d: syntax error", path, rc);
	if (cfg->cert == NULL || cfg->key == NULL || cfg->agent_ca == NULL)
		return plumb_err_set(err, PLUMB_EINVAL,
		    "%s: [server] cert, key and agent_ca are required", path);
	if ((cfg->enroll_ca_cert == NULL) != (cfg->enroll_ca_key == NULL))
		return plumb_err_set(err, PLUMB_EINVAL,
		    "%s: [enroll] ca_cert and ca_key go together", path);
	if (cfg->webhook_url != NULL && cfg->webhook_secret_file == NULL)
		return plumb_err_set(err, PLUMB_EINVAL, "%s: [alerts] "
		    "webhook_url needs webhook_secret_file", path);
	if (cfg->webhook_url != NULL &&
	    strncmp(cfg->webhook_url, "http://", 7) != 0 &&
	    strncmp(cfg->webhook_url, "https://", 8) != 0)
		return plumb_err_set(err, PLUMB_EINVAL, "%s: [alerts] "
		    "webhook_url: not an http:// or https:// URL", path);
	if (cfg->syslog_facility != NULL &&
	    notify_facility(cfg->syslog_facility) < 0)
		return plumb_err_set(err, PLUMB_EINVAL, "%s: [alerts] "
		    "syslog_facility: unknown \"%s\" (auth, authpriv, daemon, "
		    "user, local0..local7)", path, cfg->syslog_facility);
	if (stale_check_config(cfg, path, err) != PLUMB_OK)
		return PLUMB_EINVAL;
	/* One upload of the largest size must fit in what may be in
	 * flight, or every large upload would be cut off. */
	if (cfg->max_inflight_bytes < cfg->max_upload_bytes)
		return plumb_err_set(err, PLUMB_EINVAL, "%s: [limits] "
		    "max_inflight_bytes is less than max_upload_bytes", path);
	if (cfg->max_client_connections > cfg->max_connections)
		return plumb_err_set(err, PLUMB_EINVAL, "%s: [limits] "
		    "max_client_connections is more than max_connections",
		    path);
	/* Tests run several collectors with [server] port = 0: their api
	 * listeners must not fight over 8444 either. */
	if (!cfg->api_port_set && cfg->port == 0)
		cfg->api_port = 0;
	return PLUMB_OK;
}
