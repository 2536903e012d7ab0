/*
 * agent_config.h - the agent's configuration: /etc/plumb/agent.conf (INI,
 * read with inih), every key documented in docs/agent-conf.md.
 *
 * Unknown sections or keys, bad values and unreadable files are errors
 * naming the file, the line and the key; nothing is silently ignored.
 */
#ifndef PLUMB_AGENT_CONFIG_H
#define PLUMB_AGENT_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "plumb/error.h"

#define CONFIG_DEFAULT_PATH	"/etc/plumb/agent.conf"

struct config {
	/* [agent] */
	char *host_id;		/* identity named in bundles; default hostname */
	char *content;		/* SCAP data stream or XCCDF file to evaluate */
	char *profile;		/* XCCDF profile id; NULL: the default/(all) */
	char *tailoring;	/* tailoring file, or NULL */
	int require_signed_content;	/* content needs CONTENT.p7s */
	char *content_ca;	/* CA (PEM) of content-signing certificates */
	char *state_dir;	/* /var/lib/plumb */
	/* [schedule] */
	unsigned interval_s;	/* between scans; default 86400 */
	unsigned jitter_s;	/* uniform random 0..jitter added; default 3600 */
	/* [collector] */
	char *url;		/* https://collector.example:8443/api/v1/bundles */
	char *ca_file;		/* the only CA trusted for the collector */
	char *cert_file;	/* agent certificate (PEM) */
	char *key_file;		/* agent private key (PEM), mode 0600/0400 */
	unsigned connect_timeout_s;	/* default 10 */
	unsigned timeout_s;		/* whole upload; default 120 */
	/* [spool] */
	char *spool_dir;	/* /var/spool/plumb */
	uint64_t spool_max_bytes;	/* default 256 MiB */
	/* [limits] */
	int nice;		/* 0..19; default 10 */
	int idle_io;		/* idle I/O priority; default yes */
	unsigned cpu_budget_s;	/* CPU seconds per scan; 0 = none */
	char *run_as;		/* user the uploader runs as; NULL: no drop */
};

/* Set every field to its default (strings allocated). */
int config_defaults(struct config *cfg, struct plumb_err *err);

/*
 * Read path over the defaults already in cfg.  PLUMB_ENOENT / EIO when
 * the file cannot be read, PLUMB_EPARSE with err "FILE:LINE: ..." for a
 * syntax error, an unknown key or a bad value.
 */
int config_load(struct config *cfg, const char *path, struct plumb_err *err);

/*
 * INI values shared with the collector's configuration: digits only
 * (config_uint), or digits with an optional K/KiB, M/MiB, G/GiB suffix
 * (config_bytes).  0, or -1 for anything else or an overflow.
 */
int config_uint(const char *v, unsigned long long *out);
int config_bytes(const char *v, unsigned long long *out);

/* Free the strings; cfg is left zeroed.  Accepts NULL. */
void config_clear(struct config *cfg);

#endif /* PLUMB_AGENT_CONFIG_H */
