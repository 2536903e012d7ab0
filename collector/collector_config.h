/*
 * collector_config.h - plumb-collector's configuration: an INI file
 * (read with inih, default /etc/plumb/plumb-collector.conf), every key
 * documented in docs/collector.md and packaging/plumb-collector.conf.
 *
 * Unknown sections or keys and bad values are errors naming the file,
 * the line and the key; nothing is silently ignored.
 */
#ifndef PLUMB_COLLECTOR_CONFIG_H
#define PLUMB_COLLECTOR_CONFIG_H

#include <stdint.h>

#include "plumb/error.h"

#define COLLECTOR_CONFIG_PATH	"/etc/plumb/plumb-collector.conf"

struct collector_config {
	/* [server] */
	char *listen;		/* numeric IPv4/IPv6 address; "0.0.0.0" */
	unsigned port;		/* 8443; 0: any free port (tests) */
	char *cert;		/* server certificate chain (PEM) */
	char *key;		/* its private key (PEM) */
	char *agent_ca;		/* CA(s) (PEM) of the agent certificates */
	char *crl;		/* CRL file (PEM) of agent_ca, or NULL */
	/* [storage] */
	char *database;		/* SQLite path or postgresql:// URI */
	char *evidence_dir;	/* raw bundles by SHA-256 */
	unsigned retention_days;	/* 0: keep everything */
	/* [limits] */
	uint64_t max_upload_bytes;	/* request body cap; 64 MiB */
	unsigned rate_limit;	/* uploads per minute per client certificate
				 * (also the burst); 0: no limit */
	unsigned ingest_queue;	/* uploads checked and waiting to be stored
				 * (ingestq.h); over it: 503; 256 */
	uint64_t max_inflated_bytes;	/* archive inflated; 128 MiB */
	unsigned max_inflate_ratio;	/* inflated / uploaded; 100 */
	uint64_t max_summary_bytes;	/* summary.json; 8 MiB */
	unsigned max_rules;		/* rule results a summary; 20000 */
	unsigned max_rule_text_bytes;	/* rationale, fixtext cut; 4096 */
	unsigned max_rollup_groups;	/* sites/zones GET rollups lists;
					 * 1000 */
	uint64_t max_inflight_bytes;	/* bodies buffered or queued, all
					 * connections; 256 MiB */
	unsigned max_connections;	/* per listener; 512 */
	unsigned max_client_connections; /* per client address and
					 * listener; 32 */
	unsigned handshake_timeout;	/* s from accept to TLS done; 10 */
	/* [api]: the second listener (docs/api.md) */
	char *api_listen;	/* NULL: the [server] listen address */
	int api_port;		/* 8444; -1: no api listener; unset and
				 * [server] port 0: 0 (tests) */
	int api_port_set;	/* api_port came from the file */
	char *admin_ca;		/* CA(s) (PEM) of admin client certificates,
				 * or NULL */
	uint64_t api_max_body;	/* request body cap of the api listener */
	unsigned api_drift_limit;	/* GET drift: changes answered when
					 * no limit= is given; 1000 */
	/* [enroll]: agent enrollment (collector/enroll.h) */
	char *enroll_ca_cert;	/* agent CA certificate (PEM); NULL: off */
	char *enroll_ca_key;	/* its private key (PEM), signs the CSRs */
	unsigned enroll_cert_days;	/* validity of issued certs; 365 */
	unsigned enroll_token_ttl;	/* default token lifetime (s); 86400 */
	unsigned enroll_renew_window;	/* renewal allowed in the last this
					 * percent of a certificate's life;
					 * 30 */
	char *enroll_crl_file;	/* where the CRL of the CA is written, or
				 * NULL (kept in memory only) */
	unsigned enroll_crl_days;	/* nextUpdate of that CRL; 7 */
	/* [controls] */
	char *controls_file;	/* the ISMS control set (controls.h) */
	unsigned controls_history_points;	/* history points kept per
					 * control by the cache; 5000 */
	unsigned controls_rebuild_s;	/* seconds between two rebuilds of
					 * the cache at least; 60 */
	unsigned controls_trend_days;	/* GET controls/trend: most days
					 * asked for; 366 */
	unsigned waiver_approval;	/* 1: waivers need an approver other
					 * than the requester; 1 */
	/* [stale] and [alerts]: stale hosts and notifications (alerts.h) */
	unsigned stale_interval_s;	/* expected scan interval; 86400 */
	double stale_grace;		/* stale after interval x grace; 1.5 */
	char *stale_roles;		/* "ROLE=SECONDS ..." or NULL */
	unsigned alerts_check_s;	/* seconds between checks; 60 */
	unsigned alerts_waiver_days;	/* waiver reminder window; 14 */
	unsigned alerts_max_per_check;	/* notifications made per check */
	char *webhook_url;		/* http(s)://; NULL: no webhook */
	char *webhook_secret_file;	/* HMAC key file */
	char *webhook_ca;		/* CA file for https, or NULL */
	unsigned webhook_timeout_s;	/* per POST; 10 */
	unsigned webhook_retries;	/* after the first try; 5 */
	unsigned webhook_backoff_s;	/* first retry delay, doubled; 5 */
	unsigned webhook_backoff_max_s;	/* retry delay cap; 600 */
	unsigned webhook_queue;		/* notifications in memory; 256 */
	char *syslog_facility;		/* "auth", "local0" ...; NULL: off */
	char *syslog_socket;		/* "/dev/log" */
};

/* Defaults into cfg (strings allocated). */
int collector_config_defaults(struct collector_config *cfg,
    struct plumb_err *err);

/*
 * Read path over the values already in cfg.  PLUMB_ENOENT / EIO when it
 * cannot be read, PLUMB_EPARSE ("FILE:LINE: [section] key: why") for a
 * syntax error, an unknown key or a bad value; PLUMB_EINVAL when a
 * required key (cert, key, agent_ca) is missing.
 */
int collector_config_load(struct collector_config *cfg, const char *path,
    struct plumb_err *err);

/* Free the strings; cfg is left zeroed.  Accepts NULL. */
void collector_config_clear(struct collector_config *cfg);

#endif /* PLUMB_COLLECTOR_CONFIG_H */
