/*
 * scan.h - one scan as the configuration describes it, and the delivery
 * of the spool; shared by "plumb scan", "plumb spool flush" and the
 * "plumb agent" daemon (which runs both in child processes).
 *
 * Messages go to stderr ("plumb: ...") or, after scan_log_open(1), to
 * syslog (facility daemon).
 */
#ifndef PLUMB_SCAN_H
#define PLUMB_SCAN_H

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "plumb/error.h"
#include "bundle.h"
#include "agent_config.h"

/*
 * TEST ONLY: when set and not empty, "plumb scan" (and the agent) read
 * the system under this directory instead of "/" for a scan without a
 * root of its own (--root, the root key), so the delivery tests can
 * scan a fixture tree.  Recorded like any root.
 */
#define SCAN_ROOT_ENV	"PLUMB_SCAN_ROOT"

/* Upload backoff between failed flushes of the daemon (seconds). */
#define SCAN_BACKOFF_BASE_S	30
#define SCAN_BACKOFF_MAX_S	3600

/* Send later messages to syslog (1) or stderr (0). */
void scan_log_open(int use_syslog);

/* Log one message at a syslog priority (LOG_ERR, LOG_WARNING...). */
void scan_log(int prio, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Scan once: verify the content's signature when required, evaluate the
 * content/profile/tailoring of scan sc (one of cfg->scans, or a copy)
 * under its root, write ARF and the JSON summary in a private directory
 * under state_dir, make the signed bundle and put it in the spool.  The
 * root scanned (when not "/") is recorded in the ARF target facts, the
 * JSON summary and the bundle manifest.  summary (may be NULL) gets the
 * result summary of plumb xccdf eval.  uuid (BUNDLE_UUID_LEN + 1 bytes,
 * may be NULL) receives the bundle's UUID.  Nothing partial is left in
 * the spool on failure or when the process is killed.
 */
int scan_run(const struct config *cfg, const struct config_scan *sc,
    FILE *summary, char *uuid, struct plumb_err *err);

/* PLUMB_OK when root is a directory, else an error naming it. */
int scan_root_check(const char *root, struct plumb_err *err);

/* What one flush did. */
struct scan_flush_stats {
	unsigned sent;		/* acknowledged and removed */
	unsigned rejected;	/* refused by the collector (kept) */
	unsigned left;		/* still in the spool afterwards */
	int retry;		/* stopped at a temporary failure */
};

/*
 * Upload the spooled bundles oldest first, removing each one the
 * collector acknowledged; stop at the first temporary failure so the
 * order is kept; a rejected bundle is kept and logged, and the next one
 * tried.  When cfg->run_as is set and the process is root, the CA,
 * certificate and key are read first and the network part runs in a
 * child that has dropped to that user.  PLUMB_OK when the spool could
 * be worked through (st says what happened), PLUMB_E* otherwise.
 */
int scan_flush(const struct config *cfg, struct scan_flush_stats *st,
    struct plumb_err *err);

/* Become run_as (looked up by name): groups, gid, uid; verified. */
int scan_drop_privileges(const char *user, struct plumb_err *err);

#endif /* PLUMB_SCAN_H */
