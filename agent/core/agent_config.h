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
#include "plumb/limits.h"

#define CONFIG_DEFAULT_PATH	"/etc/plumb/agent.conf"
#define CONFIG_SCANS_MAX	256	/* top of [limits] max_scans */
#define CONFIG_SCAN_NAME_MAX	40	/* a [scan NAME] name (inih keeps
					 * 49 bytes of a section name) */
#define CONFIG_DEFAULT_SCAN	"default"	/* the [agent] content scan */

/*
 * One scan the agent runs on its own schedule: a [scan NAME] section,
 * or the [agent] content/profile/tailoring/root keys with [schedule]
 * (named CONFIG_DEFAULT_SCAN).  Every scan shares the identity, the
 * collector and the spool.
 */
struct config_scan {
	char *name;		/* [A-Za-z0-9._-], 1..CONFIG_SCAN_NAME_MAX */
	char *content;		/* SCAP data stream or XCCDF file */
	char *profile;		/* NULL: the default/(all) */
	char *tailoring;	/* NULL: none */
	char *root;		/* scan the tree under it instead of "/";
				 * NULL: the host itself */
	unsigned interval_s;	/* default: [schedule] interval_s */
	unsigned jitter_s;	/* default: [schedule] jitter_s */
	unsigned keys_seen;	/* parse bookkeeping: keys given */
};

struct config {
	/* [agent] */
	char *host_id;		/* identity named in bundles; default hostname */
	char *content;		/* SCAP data stream or XCCDF file to evaluate */
	char *profile;		/* XCCDF profile id; NULL: the default/(all) */
	char *tailoring;	/* tailoring file, or NULL */
	char *root;		/* tree scanned instead of "/", or NULL */
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
	unsigned max_scans;	/* most scans configured; default 16 */
	struct plumb_limits caps;	/* content and probe caps;
					 * default PLUMB_LIMITS_DEFAULTS */
	/* Every scan, filled by config_load(): the [agent] one first (when
	 * [agent] content is set), then the [scan NAME] sections in file
	 * order. */
	struct config_scan *scans;
	size_t nscans;
};

/* Set every field to its default (strings allocated). */
int config_defaults(struct config *cfg, struct plumb_err *err);

/*
 * Read path over the defaults already in cfg.  PLUMB_ENOENT / EIO when
 * the file cannot be read, PLUMB_EPARSE with err "FILE:LINE: ..." for a
 * syntax error, an unknown key or a bad value.  On success the file's
 * [limits] content caps become the process's (plumb_limits), so every
 * command run under an agent configuration honours them.
 */
int config_load(struct config *cfg, const char *path, struct plumb_err *err);

/*
 * For the commands that evaluate content without needing the agent's
 * configuration (xccdf eval, oval eval): install the [limits] of path,
 * or of CONFIG_DEFAULT_PATH when path is NULL and that file exists (its
 * absence leaves the defaults).  Returns 0 or a PLUMB_E* code with err
 * naming the file (as config_load()).
 */
int config_limits_load(const char *path, struct plumb_err *err);

/*
 * The scan called name (NULL: the only one; with several, an error
 * naming them), or NULL with err set (PLUMB_ENOENT: no such scan, or
 * none configured).
 */
const struct config_scan *config_scan_find(const struct config *cfg,
    const char *name, struct plumb_err *err);

/* Free the strings; cfg is left zeroed.  Accepts NULL. */
void config_clear(struct config *cfg);

#endif /* PLUMB_AGENT_CONFIG_H */
