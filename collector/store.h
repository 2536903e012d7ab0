/*
 * store.h - the collector's storage: hosts, verified bundles and their
 * rule results.  One interface, two backends: SQLite (WAL mode, a file
 * path) and PostgreSQL (a postgresql:// URL, libpq).  The queries are
 * written once in collector/store.c over a small driver interface
 * (collector/store_driver.h: store_sqlite.c, store_pg.c), so both
 * backends give the same answers.
 *
 * Contracts common to every function below:
 *  - A struct store is used by one thread at a time (the collector's
 *    event loop).  Several processes (several collectors behind a load
 *    balancer) may open the same database; the UNIQUE bundle uuid keeps
 *    a bundle stored once even then, and migrations are serialised
 *    (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock).
 *  - Functions return PLUMB_OK or a negative PLUMB_E* code with err
 *    (may be NULL) saying why.  PLUMB_ENOENT: the host or bundle asked
 *    for does not exist.  Output parameters are cleared on entry.
 *  - Times are seconds since the epoch (UTC); 0 means "unknown".
 *  - Strings in the fixed-size fields are NUL-terminated and truncated
 *    to fit (the bounds are generous for what the agent sends); the
 *    char * fields of struct store_rule are allocated and owned by the
 *    array they are in (store_rules_free()); NULL means SQL NULL.
 *  - Lists are returned as one allocated array plus a count; the caller
 *    frees it with the matching *_free() (which accepts NULL).
 *
 * Schema: collector/schema.sql documents the tables; the same SQL is
 * applied as numbered migrations by store_open() (table
 * schema_migrations).  Components with tables of their own (drift,
 * ISMS controls) register them with store_migrate() under their own
 * component name instead of editing the core migrations.
 */
#ifndef PLUMB_COLLECTOR_STORE_H
#define PLUMB_COLLECTOR_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "plumb/error.h"

#define STORE_UUID_LEN		36	/* as BUNDLE_UUID_LEN */
#define STORE_HOST_MAX		256	/* host id incl. NUL */
#define STORE_ATTR_MAX		128	/* role / site / zone incl. NUL */
#define STORE_TEXT_MAX		512	/* ids, titles, subjects incl. NUL */
#define STORE_SHA256_HEX	65	/* 64 lower-case hex digits + NUL */
#define STORE_NSCORES		4	/* the XCCDF 1.2 scoring models */

struct store;				/* opaque */

/* A host as the collector knows it (one row of table hosts). */
struct store_host {
	char id[STORE_HOST_MAX];	/* the manifest's host id (= cert CN) */
	char role[STORE_ATTR_MAX];	/* from the client certificate: OU */
	char site[STORE_ATTR_MAX];	/*   O */
	char zone[STORE_ATTR_MAX];	/*   L ("" when absent) */
	time_t first_seen;		/* received time of its first bundle */
	time_t last_seen;		/* received time of its newest bundle */
};

/* One scoring model's result (summary.json "scores"). */
struct store_score {
	char system[STORE_TEXT_MAX];	/* urn:xccdf:scoring:default ... */
	double score;
	double max;
};

/* Rule result counts (summary.json "counts"). */
struct store_counts {
	unsigned pass, fail, error, unknown, notapplicable, notchecked,
	    notselected, informational, fixed;
};

/* One stored bundle (table bundles). */
struct store_bundle {
	char uuid[STORE_UUID_LEN + 1];
	char host[STORE_HOST_MAX];
	char signer[STORE_TEXT_MAX];	/* signer certificate subject */
	char signer_sha256[STORE_SHA256_HEX];	/* of the signer cert DER */
	time_t created;			/* manifest creation time */
	time_t signing_time;		/* CMS signing time */
	time_t received;		/* when the collector stored it */
	char evidence_sha256[STORE_SHA256_HEX];	/* of the raw signed bundle
						 * = its evidence file name */
	uint64_t evidence_bytes;
	char archive_sha256[STORE_SHA256_HEX];	/* of the signed archive */
	/* From summary.json: */
	char content_sha256[STORE_SHA256_HEX];	/* the evaluated SCAP content */
	char benchmark_id[STORE_TEXT_MAX];
	char benchmark_version[STORE_ATTR_MAX];
	char profile_id[STORE_TEXT_MAX];	/* "" for "(all)" */
	char profile_title[STORE_TEXT_MAX];
	char tool_version[STORE_ATTR_MAX];
	time_t start_time, end_time;
	int platform_applicable;
	struct store_score scores[STORE_NSCORES];
	size_t nscores;
	struct store_counts counts;
	size_t nrules;			/* rows in rule_results */
	char target_root[STORE_TEXT_MAX];	/* summary.json "target_root":
					 * the directory scanned instead of
					 * "/" ("" for the host itself) */
};

/* One rule result (table rule_results); a multi-check rule has several
 * rows with the same rule_id, told apart by seq. */
struct store_rule {
	unsigned seq;		/* position in summary.json "rules", 0-based */
	char *rule_id;
	char *title;		/* may be NULL */
	char *result;		/* pass, fail, error, ... */
	char *severity;		/* unknown, info, low, medium, high */
	double weight;
	char *role;		/* full, unscored, unchecked */
	char *items_digest;	/* "sha256:<hex>" or NULL */
	char *references;	/* JSON text: [{"href":..,"text":..},...] */
	char *idents;		/* JSON text: [{"system":..,"text":..},...] */
	char *oval_definitions;	/* JSON text: ["oval:...:def:1",...] */
	char *message;		/* may be NULL */
	/* The rule's rationale and fix text (summary.json, bounded by
	 * [limits] max_rule_text_bytes; NULL: none).  Stored once per
	 * set of texts (tables rule_texts, host_texts; store_texts.c),
	 * not per result: store_rules_get() leaves them NULL. */
	char *rationale;
	char *fixtext;
	/* Filled by store_rule_history() only: */
	char bundle_uuid[STORE_UUID_LEN + 1];
	time_t created;
};

/* One migration of a component: applied once, in version order. */
struct store_migration {
	int version;		/* 1, 2, ... never reused or edited */
	const char *sql;	/* one or more statements */
};

/*
 * Open the database named by url and apply the core migrations ("core"
 * component):
 *  - a file path, or "sqlite:PATH": SQLite, created if needed, with WAL,
 *    foreign keys, FULL sync and a busy timeout;
 *  - "postgresql://..." / "postgres://...": a libpq connection URI
 *    (the database must exist; PLUMB_EIO when it cannot connect; the
 *    password is never put in err);
 *  - any other "scheme://": PLUMB_ENOTSUP.
 * *out is NULL on failure.
 */
int store_open(const char *url, struct store **out, struct plumb_err *err);

/* Close; accepts NULL. */
void store_close(struct store *s);

/* Highest applied migration version of component (0: none). */
int store_schema_version(struct store *s, const char *component,
    int *version, struct plumb_err *err);

/*
 * Apply the migrations of component (for example "drift", "controls")
 * whose version is above the one recorded, each in its own transaction
 * together with its schema_migrations row.  Idempotent, and safe when
 * several processes migrate the same database at once.  The SQL is the
 * common subset described under store_query(); on PostgreSQL INTEGER
 * becomes BIGINT, REAL DOUBLE PRECISION and TEXT TEXT COLLATE "C".
 */
int store_migrate(struct store *s, const char *component,
    const struct store_migration *m, size_t n, struct plumb_err *err);

/*
 * Store one verified bundle with its rule results, creating or updating
 * its host (first_seen/last_seen; role/site/zone from h replace the
 * stored ones), in one transaction.  b->nrules is ignored (nrules is
 * used).  When a bundle with b->uuid is already stored nothing changes
 * and *duplicate is 1 (PLUMB_OK); otherwise *duplicate is 0.
 */
int store_bundle_insert(struct store *s, const struct store_host *h,
    const struct store_bundle *b, const struct store_rule *rules,
    size_t nrules, int *duplicate, struct plumb_err *err);

/*
 * A baseline is what a host is scanned against: (benchmark_id,
 * profile_id, target_root) of its bundles.  Table host_baselines keeps
 * the newest bundle of each baseline of each host (by created, then
 * received, then uuid), updated by the inserts below; a scan of one
 * baseline never replaces the status of another.
 *
 * The newest bundle of each baseline of host, ordered by benchmark,
 * profile, root; n = 0 for a host without scans.
 */
int store_baselines_list(struct store *s, const char *host,
    struct store_bundle **out, size_t *n, struct plumb_err *err);

/* The newest bundle of each baseline of every host, ordered by host,
 * then as store_baselines_list(); nrules is not counted (0). */
int store_baselines_all(struct store *s, struct store_bundle **out,
    size_t *n, struct plumb_err *err);

/*
 * Called by the inserts below for each newly stored bundle, inside its
 * transaction (after its rule rows and its baseline row): id is the
 * bundle's row id as text.  A non-zero return rolls the whole
 * transaction back.  For components that keep data derived from rule
 * results (the control rollups of controls_rollup.c).
 */
typedef int (*store_insert_hook)(void *arg, struct store *s, const char *id,
    const struct store_bundle *b, const struct store_rule *rules,
    size_t nrules, struct plumb_err *err);

/*
 * Process-wide: set (fn NULL: clear) before any thread stores bundles,
 * since every struct store of the process calls it.  arg is passed
 * through.  One slot per component, called in slot order:
 * store_set_insert_hook() sets the controls' slot and
 * store_insert_hook_arg() returns its arg.
 */
enum store_hook_slot {
	STORE_HOOK_CONTROLS,	/* control rollups (controls_rollup.c) */
	STORE_HOOK_DRIFT,	/* drift changes (drift.c) */
	STORE_HOOK_SLOTS
};
void store_set_insert_hook(store_insert_hook fn, void *arg);
void *store_insert_hook_arg(void);
void store_set_insert_hook_at(unsigned slot, store_insert_hook fn,
    void *arg);

/* One bundle of store_bundles_insert(); duplicate is set by it. */
struct store_insert {
	const struct store_host *h;
	const struct store_bundle *b;
	const struct store_rule *rules;
	size_t nrules;
	int duplicate;
};

/*
 * store_bundle_insert() for n bundles in one transaction (one commit,
 * one flush): each already stored one, or one repeated within v, is
 * skipped with its duplicate set.  On an error nothing is stored and
 * every duplicate is 0.
 */
int store_bundles_insert(struct store *s, struct store_insert *v, size_t n,
    struct plumb_err *err);

/* 1 in *exists when a bundle with uuid is stored, else 0. */
int store_bundle_exists(struct store *s, const char *uuid, int *exists,
    struct plumb_err *err);

/* The bundle with uuid into *out; PLUMB_ENOENT when unknown. */
int store_bundle_get(struct store *s, const char *uuid,
    struct store_bundle *out, struct plumb_err *err);

/*
 * Bundles newest first (by created, then received, then uuid): of host
 * (NULL: every host), created at or after since (0: no bound), at most
 * limit (0: no bound).  *out is an array of *n (NULL when 0).
 */
int store_bundles_list(struct store *s, const char *host, time_t since,
    size_t limit, struct store_bundle **out, size_t *n,
    struct plumb_err *err);
void store_bundles_free(struct store_bundle *b);

/* One host; PLUMB_ENOENT when unknown. */
/*
 * Host ids are DNS names, compared without case: every id is stored in
 * lower case (ASCII), so "AGENT01.Plant.Test" and "agent01.plant.test"
 * are one host.  Lower-cases s in place; returns s.
 */
char *store_host_lower(char *s);

int store_host_get(struct store *s, const char *id, struct store_host *out,
    struct plumb_err *err);

/* Every host, ordered by id. */
int store_hosts_list(struct store *s, struct store_host **out, size_t *n,
    struct plumb_err *err);
void store_hosts_free(struct store_host *h);

/* The rule results of one bundle in seq order (PLUMB_ENOENT: no such
 * bundle; a bundle without rules gives n = 0). */
int store_rules_get(struct store *s, const char *uuid,
    struct store_rule **out, size_t *n, struct plumb_err *err);

/*
 * The results of rule_id on host, newest bundle first, at most limit
 * (0: no bound); bundle_uuid and created are filled in each.
 */
int store_rule_history(struct store *s, const char *host,
    const char *rule_id, size_t limit, struct store_rule **out, size_t *n,
    struct plumb_err *err);

/* Free an array of n rules and their strings; accepts NULL. */
void store_rules_free(struct store_rule *r, size_t n);

/*
 * Rule texts (collector/store_texts.c): the rationale and fix text of
 * each rule.  The set of texts a bundle carries is stored once under
 * its SHA-256 (table rule_texts, shared by every bundle that sent the
 * same texts), and table host_texts names the set each host sent last
 * for each (content_sha256, benchmark_id): a host is shown only texts
 * its own agent sent (component "rule_texts").
 *
 * store_texts_migrate(): create or upgrade the tables; idempotent.  The
 * collector runs it at start.  Before it has run, only
 * store_texts_insert() of rules without texts works (it reads no
 * table then), so stores of older tools and tests are unaffected.
 * store_texts_insert(): inside the bundle insert's transaction, store
 * the texts of rules of b (when new) and point b's host at them.
 * store_texts_get(): the texts of rule_id that b's host sent for b's
 * content and benchmark into *rationale and *fixtext (allocated, NULL
 * when none; the caller frees both).
 */
int store_texts_migrate(struct store *s, struct plumb_err *err);
int store_texts_insert(struct store *s, const struct store_bundle *b,
    const struct store_rule *rules, size_t nrules, struct plumb_err *err);
int store_texts_get(struct store *s, const struct store_bundle *b,
    const char *rule_id, char **rationale, char **fixtext,
    struct plumb_err *err);

/*
 * Retention: delete the bundles (and their rule results) received
 * before cutoff, except the newest bundle of each baseline of each host
 * (store_baselines_list()), which is kept so that status and drift
 * always have it.  *digests receives the evidence SHA-256
 * (hex) of the deleted bundles that no remaining bundle references, for
 * the caller to remove from the evidence store (an array of *n strings,
 * freed with store_strings_free()).
 */
int store_prune(struct store *s, time_t cutoff, char ***digests, size_t *n,
    struct plumb_err *err);
void store_strings_free(char **v, size_t n);

/* ------------------------------------------------ backend-neutral SQL */

/*
 * For components with tables of their own (drift, controls, waivers,
 * API tokens): plain SQL in the common subset of SQLite and PostgreSQL,
 * so one query serves both backends.
 *
 *  - Parameters are written $1, $2 ... and bound as text (NULL binds
 *    SQL NULL); each backend converts them to the column's type, so
 *    compare and insert them against typed columns, never on their own
 *    (write "CAST($1 AS INTEGER)" where no column gives the type).
 *  - Results come back as text: one call of fn per row with ncols
 *    values (NULL for SQL NULL), valid only during the call.  fn
 *    returns 0 to go on, non-zero to stop early (store_query still
 *    returns PLUMB_OK).
 *  - Tables of a component: no INTEGER PRIMARY KEY / SERIAL (their
 *    auto-increment differs); use natural or composite keys, TEXT,
 *    INTEGER (64-bit: BIGINT in PostgreSQL is written INTEGER here and
 *    mapped by the PostgreSQL backend's migration filter), REAL.
 *  - On PostgreSQL the words INTEGER and REAL (outside quotes) are
 *    rewritten to BIGINT and DOUBLE PRECISION in store_query() SQL too,
 *    so CAST($1 AS INTEGER) is 64-bit on both.  TEXT columns of
 *    migrations compare and sort by bytes on both (COLLATE "C").
 *  - Values come back in each backend's text form; what differs:
 *    PostgreSQL booleans are "t"/"f" (compare with = 1 / = 0 on INTEGER
 *    columns instead); REAL values come back as the shortest text that
 *    reads back as the same double on both ("100", "75.5").  LIKE is
 *    case-insensitive for ASCII on SQLite, case-sensitive on
 *    PostgreSQL.
 *  - Every $N the SQL uses must be given (nparams >= N); a parameter
 *    the SQL does not use is ignored.
 */
typedef int (*store_row_fn)(void *arg, const char *const *vals,
    size_t ncols);

/*
 * Run one statement with nparams text parameters; rows go to fn (may
 * be NULL).  *changes (may be NULL) receives the number of rows an
 * INSERT, UPDATE or DELETE changed.
 */
int store_query(struct store *s, const char *sql, const char *const *params,
    size_t nparams, store_row_fn fn, void *arg, uint64_t *changes,
    struct plumb_err *err);

/* The first column of a query's rows as strings (store_strings_row()):
 * the caller frees v with store_strings_free(v, n). */
struct store_strings {
	char **v;
	size_t n, cap;
	int nomem;		/* a row was left out: out of memory */
};

/* Row callback for store_query() with arg a struct store_strings
 * (zeroed first): a copy of the row's first column appended (SQL NULL
 * skipped); stops the query with nomem set when out of memory. */
int store_strings_row(void *arg, const char *const *vals, size_t ncols);

/*
 * A transaction around several store_query() calls (writers are
 * serialised: SQLite BEGIN IMMEDIATE; PostgreSQL BEGIN, READ COMMITTED,
 * so use INSERT ... ON CONFLICT or unique keys, not read-then-write,
 * against concurrent collectors).  After a failed store_query() inside
 * it, roll back (PostgreSQL refuses further statements).
 * store_tx_rollback() accepts a store without an open transaction.
 */
int store_tx_begin(struct store *s, struct plumb_err *err);
int store_tx_commit(struct store *s, struct plumb_err *err);
void store_tx_rollback(struct store *s);

/* The sqlite3 * of a SQLite store, NULL for other backends: for the
 * schema checks of tests/unit/check_store.c only. */
void *store_sqlite_handle(struct store *s);

#endif /* PLUMB_COLLECTOR_STORE_H */
