/*
 * store_sqlite.c - the SQLite backend of store.h: WAL journal, foreign
 * keys, versioned migrations per component (table schema_migrations),
 * one transaction per stored bundle.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sqlite3.h>

#include "plumb/error.h"
#include "store.h"

#define STORE_BUSY_MS	10000

struct store {
	sqlite3 *db;
	char path[4096];
};

/*
 * The core schema, migration by migration.  Migration 1 is
 * collector/schema.sql without its CREATE TABLE schema_migrations
 * (tests/unit/check_store.c checks that both give the same tables).
 * Never edit an entry once released: append a new one.
 */
static const struct store_migration store_core[] = {
	{ 1,
	"CREATE TABLE hosts ("
	" id TEXT PRIMARY KEY,"
	" role TEXT NOT NULL DEFAULT '',"
	" site TEXT NOT NULL DEFAULT '',"
	" zone TEXT NOT NULL DEFAULT '',"
	" first_seen INTEGER NOT NULL,"
	" last_seen INTEGER NOT NULL);"
	"CREATE TABLE bundles ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" host TEXT NOT NULL REFERENCES hosts(id),"
	" signer TEXT NOT NULL,"
	" signer_sha256 TEXT NOT NULL,"
	" created INTEGER NOT NULL,"
	" signing_time INTEGER NOT NULL,"
	" received INTEGER NOT NULL,"
	" evidence_sha256 TEXT NOT NULL,"
	" evidence_bytes INTEGER NOT NULL,"
	" archive_sha256 TEXT NOT NULL,"
	" content_sha256 TEXT NOT NULL DEFAULT '',"
	" benchmark_id TEXT NOT NULL DEFAULT '',"
	" benchmark_version TEXT NOT NULL DEFAULT '',"
	" profile_id TEXT NOT NULL DEFAULT '',"
	" profile_title TEXT NOT NULL DEFAULT '',"
	" tool_version TEXT NOT NULL DEFAULT '',"
	" start_time INTEGER NOT NULL DEFAULT 0,"
	" end_time INTEGER NOT NULL DEFAULT 0,"
	" platform_applicable INTEGER NOT NULL DEFAULT 1,"
	" score_default REAL, score_default_max REAL,"
	" score_flat REAL, score_flat_max REAL,"
	" score_flat_unweighted REAL, score_flat_unweighted_max REAL,"
	" score_absolute REAL, score_absolute_max REAL,"
	" n_pass INTEGER NOT NULL DEFAULT 0,"
	" n_fail INTEGER NOT NULL DEFAULT 0,"
	" n_error INTEGER NOT NULL DEFAULT 0,"
	" n_unknown INTEGER NOT NULL DEFAULT 0,"
	" n_notapplicable INTEGER NOT NULL DEFAULT 0,"
	" n_notchecked INTEGER NOT NULL DEFAULT 0,"
	" n_notselected INTEGER NOT NULL DEFAULT 0,"
	" n_informational INTEGER NOT NULL DEFAULT 0,"
	" n_fixed INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX bundles_host_created ON bundles (host, created);"
	"CREATE INDEX bundles_received ON bundles (received);"
	"CREATE INDEX bundles_evidence ON bundles (evidence_sha256);"
	"CREATE TABLE rule_results ("
	" bundle_id INTEGER NOT NULL REFERENCES bundles(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" rule_id TEXT NOT NULL,"
	" title TEXT,"
	" result TEXT NOT NULL,"
	" severity TEXT NOT NULL,"
	" weight REAL NOT NULL DEFAULT 1,"
	" role TEXT NOT NULL DEFAULT 'full',"
	" items_digest TEXT,"
	" refs TEXT NOT NULL DEFAULT '[]',"
	" idents TEXT NOT NULL DEFAULT '[]',"
	" oval_definitions TEXT NOT NULL DEFAULT '[]',"
	" message TEXT,"
	" PRIMARY KEY (bundle_id, seq));"
	"CREATE INDEX rule_results_rule ON rule_results (rule_id);" },
};

/* The scoring models in column order (store.h STORE_NSCORES). */
static const struct {
	const char *system;
	const char *col;
} store_scoring[STORE_NSCORES] = {
	{ "urn:xccdf:scoring:default", "score_default" },
	{ "urn:xccdf:scoring:flat", "score_flat" },
	{ "urn:xccdf:scoring:flat-unweighted", "score_flat_unweighted" },
	{ "urn:xccdf:scoring:absolute", "score_absolute" },
};

/* Columns of a bundle as store_bundle_row() reads them. */
#define STORE_BUNDLE_COLS \
	"b.uuid, b.host, b.signer, b.signer_sha256, b.created," \
	" b.signing_time, b.received, b.evidence_sha256, b.evidence_bytes," \
	" b.archive_sha256, b.content_sha256, b.benchmark_id," \
	" b.benchmark_version, b.profile_id, b.profile_title," \
	" b.tool_version, b.start_time, b.end_time, b.platform_applicable," \
	" b.score_default, b.score_default_max, b.score_flat," \
	" b.score_flat_max, b.score_flat_unweighted," \
	" b.score_flat_unweighted_max, b.score_absolute," \
	" b.score_absolute_max, b.n_pass, b.n_fail, b.n_error, b.n_unknown," \
	" b.n_notapplicable, b.n_notchecked, b.n_notselected," \
	" b.n_informational, b.n_fixed," \
	" (SELECT count(*) FROM rule_results r WHERE r.bundle_id = b.id)"

#define STORE_RULE_COLS \
	"r.seq, r.rule_id, r.title, r.result, r.severity, r.weight, r.role," \
	" r.items_digest, r.refs, r.idents, r.oval_definitions, r.message"

#define STORE_HOST_COLS "id, role, site, zone, first_seen, last_seen"

/* err from the database's last error, with what was being done. */
static int
store_dberr(struct store *s, struct plumb_err *err, int code,
    const char *what)
{
	return plumb_err_set(err, code, "%s: %s: %s", s->path, what,
	    sqlite3_errmsg(s->db));
}

/* Run SQL without results (several statements allowed). */
static int
store_exec(struct store *s, const char *sql, struct plumb_err *err)
{
	char *msg = NULL;
	int rc;

	if ((rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg)) != SQLITE_OK) {
		plumb_err_set(err, PLUMB_EIO, "%s: %s", s->path,
		    msg != NULL ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return PLUMB_EIO;
	}
	return PLUMB_OK;
}

static int
store_prepare(struct store *s, const char *sql, sqlite3_stmt **st,
    struct plumb_err *err)
{
	*st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return store_dberr(s, err, PLUMB_EIO, "prepare");
	return PLUMB_OK;
}

/* Copy a text column (NULL: "") into a bounded buffer. */
static void
store_col_cpy(sqlite3_stmt *st, int col, char *dst, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(dst, size, "%s", t != NULL ? (const char *)t : "");
}

/* A text column as an allocated string, NULL for SQL NULL; -1 on
 * allocation failure. */
static int
store_col_dup(sqlite3_stmt *st, int col, char **out)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	*out = NULL;
	if (t == NULL)
		return 0;
	if ((*out = strdup((const char *)t)) == NULL)
		return -1;
	return 0;
}

/* Bind a C string; NULL binds SQL NULL. */
static int
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/* --------------------------------------------------------- migrations */

int
store_schema_version(struct store *s, const char *component, int *version,
    struct plumb_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*version = 0;
	if ((rc = store_prepare(s, "SELECT coalesce(max(version), 0) FROM "
	    "schema_migrations WHERE component = ?1", &st, err)) != 0)
		return rc;
	store_bind_text(st, 1, component);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = store_dberr(s, err, PLUMB_EIO, "schema version");
		goto out;
	}
	*version = sqlite3_column_int(st, 0);
	rc = PLUMB_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Record that version of component is applied (inside its transaction). */
static int
store_migration_mark(struct store *s, const char *component, int version,
    struct plumb_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(s, "INSERT INTO schema_migrations "
	    "(component, version, applied) VALUES (?1, ?2, ?3)", &st,
	    err)) != 0)
		return rc;
	store_bind_text(st, 1, component);
	sqlite3_bind_int(st, 2, version);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_dberr(s, err, PLUMB_EIO, "schema_migrations");
	sqlite3_finalize(st);
	return rc;
}

/* Apply each migration above the recorded version in its own write
 * transaction, reading the version inside it (another process may be
 * migrating the same file). */
int
store_migrate(struct store *s, const char *component,
    const struct store_migration *m, size_t n, struct plumb_err *err)
{
	size_t i;
	int rc, cur;

	if (component == NULL || *component == '\0')
		return plumb_err_set(err, PLUMB_EINVAL,
		    "store_migrate: no component name");
	for (i = 0; i < n; i++) {
		if (i > 0 && m[i].version <= m[i - 1].version)
			return plumb_err_set(err, PLUMB_EINVAL,
			    "%s migrations are not in increasing order",
			    component);
		if ((rc = store_exec(s, "BEGIN IMMEDIATE", err)) != 0)
			return rc;
		if ((rc = store_schema_version(s, component, &cur, err)) != 0)
			goto fail;
		if (m[i].version <= cur) {
			store_exec(s, "ROLLBACK", NULL);
			continue;
		}
		if ((rc = store_exec(s, m[i].sql, err)) != 0 ||
		    (rc = store_migration_mark(s, component, m[i].version,
		    err)) != 0 ||
		    (rc = store_exec(s, "COMMIT", err)) != 0) {
			char why[PLUMB_ERR_MSG_MAX];

			snprintf(why, sizeof(why), "%s",
			    err != NULL ? err->msg : "");
			why[PLUMB_ERR_MSG_MAX - 96] = '\0';
			plumb_err_set(err, rc, "migration %.32s %d: %s",
			    component, m[i].version, why);
			goto fail;
		}
	}
	return PLUMB_OK;
fail:
	store_exec(s, "ROLLBACK", NULL);
	return rc;
}

/* ------------------------------------------------------------- open */

/* The database file named by url; PLUMB_ENOTSUP for PostgreSQL. */
static int
store_url_path(const char *url, const char **path, struct plumb_err *err)
{
	*path = NULL;
	if (url == NULL || *url == '\0')
		return plumb_err_set(err, PLUMB_EINVAL, "no database given");
	if (strncasecmp(url, "postgresql://", 13) == 0 ||
	    strncasecmp(url, "postgres://", 11) == 0)
		return plumb_err_set(err, PLUMB_ENOTSUP,
		    "database %s: PostgreSQL storage is not supported yet; "
		    "use a SQLite file path", url);
	if (strncmp(url, "sqlite:", 7) == 0)
		url += 7;
	if (strstr(url, "://") != NULL || *url == '\0')
		return plumb_err_set(err, PLUMB_ENOTSUP,
		    "database %s: not a SQLite path", url);
	*path = url;
	return PLUMB_OK;
}

int
store_open(const char *url, struct store **out, struct plumb_err *err)
{
	struct store *s = NULL;
	sqlite3_stmt *st = NULL;
	const char *path, *mode;
	int rc;

	*out = NULL;
	if ((rc = store_url_path(url, &path, err)) != 0)
		return rc;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: cannot open: %s", path,
		    s->db != NULL ? sqlite3_errmsg(s->db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	sqlite3_extended_result_codes(s->db, 0);
	/* WAL: readers (API, sqlite3 CLI) never block the ingest. */
	if ((rc = store_prepare(s, "PRAGMA journal_mode=WAL", &st, err)) != 0)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = store_dberr(s, err, PLUMB_EIO, "journal_mode");
		goto out;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	if (mode == NULL || (strcasecmp(mode, "wal") != 0 &&
	    strcmp(path, ":memory:") != 0)) {
		rc = plumb_err_set(err, PLUMB_EIO,
		    "%s: cannot use the WAL journal (got %s)", path,
		    mode != NULL ? mode : "nothing");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* A 201 answer promises the bundle is stored: FULL sync. */
	if ((rc = store_exec(s, "PRAGMA foreign_keys=ON;"
	    "PRAGMA synchronous=FULL;"
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " component TEXT NOT NULL,"
	    " version INTEGER NOT NULL,"
	    " applied INTEGER NOT NULL,"
	    " PRIMARY KEY (component, version))", err)) != 0)
		goto out;
	if ((rc = store_migrate(s, "core", store_core,
	    sizeof(store_core) / sizeof(store_core[0]), err)) != 0)
		goto out;
	*out = s;
	s = NULL;
	rc = PLUMB_OK;
out:
	sqlite3_finalize(st);
	store_close(s);
	return rc;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	free(s);
}

void *
store_sqlite_handle(struct store *s)
{
	return s != NULL ? s->db : NULL;
}

/* ------------------------------------------------------------ insert */

static int
store_host_upsert(struct store *s, const struct store_host *h,
    time_t received, struct plumb_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(s, "INSERT INTO hosts (id, role, site, zone,"
	    " first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?5)"
	    " ON CONFLICT (id) DO UPDATE SET role = excluded.role,"
	    " site = excluded.site, zone = excluded.zone,"
	    " first_seen = min(first_seen, excluded.first_seen),"
	    " last_seen = max(last_seen, excluded.last_seen)", &st,
	    err)) != 0)
		return rc;
	store_bind_text(st, 1, h->id);
	store_bind_text(st, 2, h->role);
	store_bind_text(st, 3, h->site);
	store_bind_text(st, 4, h->zone);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)received);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_dberr(s, err, PLUMB_EIO, "host");
	sqlite3_finalize(st);
	return rc;
}

/* Insert the bundle row; *dup set when its uuid is already there. */
static int
store_bundle_row_insert(struct store *s, const struct store_bundle *b,
    sqlite3_int64 *id, int *dup, struct plumb_err *err)
{
	const struct store_counts *c = &b->counts;
	sqlite3_stmt *st = NULL;
	size_t i, k;
	int rc, src;

	*id = 0;
	*dup = 0;
	if ((rc = store_prepare(s, "INSERT INTO bundles (uuid, host, signer,"
	    " signer_sha256, created, signing_time, received,"
	    " evidence_sha256, evidence_bytes, archive_sha256,"
	    " content_sha256, benchmark_id, benchmark_version, profile_id,"
	    " profile_title, tool_version, start_time, end_time,"
	    " platform_applicable, score_default, score_default_max,"
	    " score_flat, score_flat_max, score_flat_unweighted,"
	    " score_flat_unweighted_max, score_absolute, score_absolute_max,"
	    " n_pass, n_fail, n_error, n_unknown, n_notapplicable,"
	    " n_notchecked, n_notselected, n_informational, n_fixed)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    " ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25,"
	    " ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36)", &st,
	    err)) != 0)
		return rc;
	store_bind_text(st, 1, b->uuid);
	store_bind_text(st, 2, b->host);
	store_bind_text(st, 3, b->signer);
	store_bind_text(st, 4, b->signer_sha256);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)b->created);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)b->signing_time);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)b->received);
	store_bind_text(st, 8, b->evidence_sha256);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)b->evidence_bytes);
	store_bind_text(st, 10, b->archive_sha256);
	store_bind_text(st, 11, b->content_sha256);
	store_bind_text(st, 12, b->benchmark_id);
	store_bind_text(st, 13, b->benchmark_version);
	store_bind_text(st, 14, b->profile_id);
	store_bind_text(st, 15, b->profile_title);
	store_bind_text(st, 16, b->tool_version);
	sqlite3_bind_int64(st, 17, (sqlite3_int64)b->start_time);
	sqlite3_bind_int64(st, 18, (sqlite3_int64)b->end_time);
	sqlite3_bind_int(st, 19, b->platform_applicable != 0);
	/* Scores by system name; a model not given stays NULL. */
	for (k = 0; k < STORE_NSCORES; k++) {
		for (i = 0; i < b->nscores && i < STORE_NSCORES; i++)
			if (strcmp(b->scores[i].system,
			    store_scoring[k].system) == 0)
				break;
		if (i < b->nscores && i < STORE_NSCORES) {
			sqlite3_bind_double(st, 20 + 2 * (int)k,
			    b->scores[i].score);
			sqlite3_bind_double(st, 21 + 2 * (int)k,
			    b->scores[i].max);
		}
	}
	sqlite3_bind_int64(st, 28, c->pass);
	sqlite3_bind_int64(st, 29, c->fail);
	sqlite3_bind_int64(st, 30, c->error);
	sqlite3_bind_int64(st, 31, c->unknown);
	sqlite3_bind_int64(st, 32, c->notapplicable);
	sqlite3_bind_int64(st, 33, c->notchecked);
	sqlite3_bind_int64(st, 34, c->notselected);
	sqlite3_bind_int64(st, 35, c->informational);
	sqlite3_bind_int64(st, 36, c->fixed);
	src = sqlite3_step(st);
	if (src == SQLITE_DONE)
		*id = sqlite3_last_insert_rowid(s->db);
	else if (src == SQLITE_CONSTRAINT &&
	    strstr(sqlite3_errmsg(s->db), "bundles.uuid") != NULL)
		*dup = 1;
	else
		rc = store_dberr(s, err, PLUMB_EIO, "bundle");
	sqlite3_finalize(st);
	return rc;
}

static int
store_rules_insert(struct store *s, sqlite3_int64 id,
    const struct store_rule *r, size_t n, struct plumb_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	if ((rc = store_prepare(s, "INSERT INTO rule_results (bundle_id, seq,"
	    " rule_id, title, result, severity, weight, role, items_digest,"
	    " refs, idents, oval_definitions, message) VALUES (?1, ?2, ?3,"
	    " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", &st, err)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		if (r[i].rule_id == NULL || r[i].result == NULL) {
			rc = plumb_err_set(err, PLUMB_EINVAL,
			    "rule result %zu without rule id or result", i);
			break;
		}
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		store_bind_text(st, 3, r[i].rule_id);
		store_bind_text(st, 4, r[i].title);
		store_bind_text(st, 5, r[i].result);
		store_bind_text(st, 6, r[i].severity != NULL ? r[i].severity :
		    "unknown");
		sqlite3_bind_double(st, 7, r[i].weight);
		store_bind_text(st, 8, r[i].role != NULL ? r[i].role : "full");
		store_bind_text(st, 9, r[i].items_digest);
		store_bind_text(st, 10, r[i].references != NULL ?
		    r[i].references : "[]");
		store_bind_text(st, 11, r[i].idents != NULL ? r[i].idents :
		    "[]");
		store_bind_text(st, 12, r[i].oval_definitions != NULL ?
		    r[i].oval_definitions : "[]");
		store_bind_text(st, 13, r[i].message);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = store_dberr(s, err, PLUMB_EIO, "rule result");
			break;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* One transaction: a re-send finds the row and changes nothing; two
 * writers racing are ordered by BEGIN IMMEDIATE and the UNIQUE uuid. */
int
store_bundle_insert(struct store *s, const struct store_host *h,
    const struct store_bundle *b, const struct store_rule *rules,
    size_t nrules, int *duplicate, struct plumb_err *err)
{
	sqlite3_int64 id;
	int rc, dup;

	*duplicate = 0;
	if (b->uuid[0] == '\0' || b->host[0] == '\0' ||
	    strcmp(h->id, b->host) != 0)
		return plumb_err_set(err, PLUMB_EINVAL,
		    "bundle without uuid or host, or for another host");
	if ((rc = store_exec(s, "BEGIN IMMEDIATE", err)) != 0)
		return rc;
	if ((rc = store_host_upsert(s, h, b->received, err)) != 0 ||
	    (rc = store_bundle_row_insert(s, b, &id, &dup, err)) != 0)
		goto fail;
	if (dup) {
		store_exec(s, "ROLLBACK", NULL);
		*duplicate = 1;
		return PLUMB_OK;
	}
	if ((rc = store_rules_insert(s, id, rules, nrules, err)) != 0 ||
	    (rc = store_exec(s, "COMMIT", err)) != 0)
		goto fail;
	return PLUMB_OK;
fail:
	store_exec(s, "ROLLBACK", NULL);
	return rc;
}

/* ------------------------------------------------------------ queries */

int
store_bundle_exists(struct store *s, const char *uuid, int *exists,
    struct plumb_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, src;

	*exists = 0;
	if ((rc = store_prepare(s, "SELECT 1 FROM bundles WHERE uuid = ?1",
	    &st, err)) != 0)
		return rc;
	store_bind_text(st, 1, uuid);
	if ((src = sqlite3_step(st)) == SQLITE_ROW)
		*exists = 1;
	else if (src != SQLITE_DONE)
		rc = store_dberr(s, err, PLUMB_EIO, "bundle lookup");
	sqlite3_finalize(st);
	return rc;
}

/* Fill b from a row of STORE_BUNDLE_COLS. */
static void
store_bundle_row(sqlite3_stmt *st, struct store_bundle *b)
{
	size_t k;
	int c;

	memset(b, 0, sizeof(*b));
	store_col_cpy(st, 0, b->uuid, sizeof(b->uuid));
	store_col_cpy(st, 1, b->host, sizeof(b->host));
	store_col_cpy(st, 2, b->signer, sizeof(b->signer));
	store_col_cpy(st, 3, b->signer_sha256, sizeof(b->signer_sha256));
	b->created = (time_t)sqlite3_column_int64(st, 4);
	b->signing_time = (time_t)sqlite3_column_int64(st, 5);
	b->received = (time_t)sqlite3_column_int64(st, 6);
	store_col_cpy(st, 7, b->evidence_sha256, sizeof(b->evidence_sha256));
	b->evidence_bytes = (uint64_t)sqlite3_column_int64(st, 8);
	store_col_cpy(st, 9, b->archive_sha256, sizeof(b->archive_sha256));
	store_col_cpy(st, 10, b->content_sha256, sizeof(b->content_sha256));
	store_col_cpy(st, 11, b->benchmark_id, sizeof(b->benchmark_id));
	store_col_cpy(st, 12, b->benchmark_version,
	    sizeof(b->benchmark_version));
	store_col_cpy(st, 13, b->profile_id, sizeof(b->profile_id));
	store_col_cpy(st, 14, b->profile_title, sizeof(b->profile_title));
	store_col_cpy(st, 15, b->tool_version, sizeof(b->tool_version));
	b->start_time = (time_t)sqlite3_column_int64(st, 16);
	b->end_time = (time_t)sqlite3_column_int64(st, 17);
	b->platform_applicable = sqlite3_column_int(st, 18);
	for (k = 0; k < STORE_NSCORES; k++) {
		c = 19 + 2 * (int)k;
		if (sqlite3_column_type(st, c) == SQLITE_NULL)
			continue;
		snprintf(b->scores[b->nscores].system,
		    sizeof(b->scores[b->nscores].system), "%s",
		    store_scoring[k].system);
		b->scores[b->nscores].score = sqlite3_column_double(st, c);
		b->scores[b->nscores].max = sqlite3_column_double(st, c + 1);
		b->nscores++;
	}
	b->counts.pass = (unsigned)sqlite3_column_int64(st, 27);
	b->counts.fail = (unsigned)sqlite3_column_int64(st, 28);
	b->counts.error = (unsigned)sqlite3_column_int64(st, 29);
	b->counts.unknown = (unsigned)sqlite3_column_int64(st, 30);
	b->counts.notapplicable = (unsigned)sqlite3_column_int64(st, 31);
	b->counts.notchecked = (unsigned)sqlite3_column_int64(st, 32);
	b->counts.notselected = (unsigned)sqlite3_column_int64(st, 33);
	b->counts.informational = (unsigned)sqlite3_column_int64(st, 34);
	b->counts.fixed = (unsigned)sqlite3_column_int64(st, 35);
	b->nrules = (size_t)sqlite3_column_int64(st, 36);
}

int
store_bundle_get(struct store *s, const char *uuid, struct store_bundle *out,
    struct plumb_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, src;

	memset(out, 0, sizeof(*out));
	if ((rc = store_prepare(s, "SELECT " STORE_BUNDLE_COLS
	    " FROM bundles b WHERE b.uuid = ?1", &st, err)) != 0)
		return rc;
	store_bind_text(st, 1, uuid);
	if ((src = sqlite3_step(st)) == SQLITE_ROW)
		store_bundle_row(st, out);
	else if (src == SQLITE_DONE)
		rc = plumb_err_set(err, PLUMB_ENOENT, "no bundle %s", uuid);
	else
		rc = store_dberr(s, err, PLUMB_EIO, "bundle");
	sqlite3_finalize(st);
	return rc;
}

/* Grow an array of elements of size sz to hold one more. */
static int
store_grow(void **v, size_t *cap, size_t n, size_t sz)
{
	void *nv;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap == 0 ? 16 : *cap * 2;
	if (nc > SIZE_MAX / sz || (nv = realloc(*v, nc * sz)) == NULL)
		return -1;
	*v = nv;
	*cap = nc;
	return 0;
}

static int store_rows(struct store *, sqlite3_stmt *, size_t,
    void (*)(sqlite3_stmt *, void *), const char *, void **, size_t *,
    struct plumb_err *);
static void store_bundle_fill(sqlite3_stmt *, void *);
static void store_host_fill(sqlite3_stmt *, void *);

int
store_bundles_list(struct store *s, const char *host, time_t since,
    size_t limit, struct store_bundle **out, size_t *n,
    struct plumb_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, "SELECT " STORE_BUNDLE_COLS
	    " FROM bundles b WHERE (?1 IS NULL OR b.host = ?1)"
	    " AND b.created >= ?2"
	    " ORDER BY b.created DESC, b.received DESC, b.uuid DESC"
	    " LIMIT ?3", &st, err)) != 0)
		return rc;
	store_bind_text(st, 1, host);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)since);
	sqlite3_bind_int64(st, 3, limit == 0 || limit > INT64_MAX ? -1 :
	    (sqlite3_int64)limit);
	return store_rows(s, st, sizeof(**out), store_bundle_fill, "bundles",
	    (void **)out, n, err);
}

void
store_bundles_free(struct store_bundle *b)
{
	free(b);
}

static void
store_host_row(sqlite3_stmt *st, struct store_host *h)
{
	memset(h, 0, sizeof(*h));
	store_col_cpy(st, 0, h->id, sizeof(h->id));
	store_col_cpy(st, 1, h->role, sizeof(h->role));
	store_col_cpy(st, 2, h->site, sizeof(h->site));
	store_col_cpy(st, 3, h->zone, sizeof(h->zone));
	h->first_seen = (time_t)sqlite3_column_int64(st, 4);
	h->last_seen = (time_t)sqlite3_column_int64(st, 5);
}

/*
 * Step st to the end, filling one element of size sz per row with
 * fill (the rows own no memory).  On success *out (malloc'ed, NULL when
 * there were no rows) and *n; st is finalized in every case.
 */
static int
store_rows(struct store *s, sqlite3_stmt *st, size_t sz,
    void (*fill)(sqlite3_stmt *, void *), const char *what, void **out,
    size_t *n, struct plumb_err *err)
{
	unsigned char *v = NULL;
	size_t cap = 0, cnt = 0;
	int rc, src;

	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (store_grow((void **)&v, &cap, cnt, sz) != 0) {
			rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
			goto out;
		}
		fill(st, v + sz * cnt++);
	}
	if (src != SQLITE_DONE) {
		rc = store_dberr(s, err, PLUMB_EIO, what);
		goto out;
	}
	if (cnt > 0) {
		*out = v;
		*n = cnt;
		v = NULL;
	}
	rc = PLUMB_OK;
out:
	free(v);
	sqlite3_finalize(st);
	return rc;
}

static void
store_bundle_fill(sqlite3_stmt *st, void *dst)
{
	store_bundle_row(st, dst);
}

static void
store_host_fill(sqlite3_stmt *st, void *dst)
{
	store_host_row(st, dst);
}

int
store_host_get(struct store *s, const char *id, struct store_host *out,
    struct plumb_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, src;

	memset(out, 0, sizeof(*out));
	if ((rc = store_prepare(s, "SELECT " STORE_HOST_COLS
	    " FROM hosts WHERE id = ?1", &st, err)) != 0)
		return rc;
	store_bind_text(st, 1, id);
	if ((src = sqlite3_step(st)) == SQLITE_ROW)
		store_host_row(st, out);
	else if (src == SQLITE_DONE)
		rc = plumb_err_set(err, PLUMB_ENOENT, "no host %s", id);
	else
		rc = store_dberr(s, err, PLUMB_EIO, "host");
	sqlite3_finalize(st);
	return rc;
}

int
store_hosts_list(struct store *s, struct store_host **out, size_t *n,
    struct plumb_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, "SELECT " STORE_HOST_COLS
	    " FROM hosts ORDER BY id", &st, err)) != 0)
		return rc;
	return store_rows(s, st, sizeof(**out), store_host_fill, "hosts",
	    (void **)out, n, err);
}

void
store_hosts_free(struct store_host *h)
{
	free(h);
}

/* Fill r from a row of STORE_RULE_COLS (then uuid, created when
 * history is set); -1 on allocation failure. */
static int
store_rule_row(sqlite3_stmt *st, struct store_rule *r, int history)
{
	memset(r, 0, sizeof(*r));
	r->seq = (unsigned)sqlite3_column_int64(st, 0);
	r->weight = sqlite3_column_double(st, 5);
	if (store_col_dup(st, 1, &r->rule_id) != 0 ||
	    store_col_dup(st, 2, &r->title) != 0 ||
	    store_col_dup(st, 3, &r->result) != 0 ||
	    store_col_dup(st, 4, &r->severity) != 0 ||
	    store_col_dup(st, 6, &r->role) != 0 ||
	    store_col_dup(st, 7, &r->items_digest) != 0 ||
	    store_col_dup(st, 8, &r->references) != 0 ||
	    store_col_dup(st, 9, &r->idents) != 0 ||
	    store_col_dup(st, 10, &r->oval_definitions) != 0 ||
	    store_col_dup(st, 11, &r->message) != 0)
		return -1;
	if (history) {
		store_col_cpy(st, 12, r->bundle_uuid, sizeof(r->bundle_uuid));
		r->created = (time_t)sqlite3_column_int64(st, 13);
	}
	return 0;
}

/* Collect the rows of a prepared rule query. */
static int
store_rules_collect(struct store *s, sqlite3_stmt *st, int history,
    struct store_rule **out, size_t *n, struct plumb_err *err)
{
	struct store_rule *v = NULL;
	size_t cap = 0, cnt = 0;
	int src;

	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (store_grow((void **)&v, &cap, cnt, sizeof(*v)) != 0)
			goto nomem;
		cnt++;
		if (store_rule_row(st, &v[cnt - 1], history) != 0)
			goto nomem;
	}
	if (src != SQLITE_DONE) {
		store_rules_free(v, cnt);
		return store_dberr(s, err, PLUMB_EIO, "rule results");
	}
	if (cnt == 0) {
		free(v);
		v = NULL;
	}
	*out = v;
	*n = cnt;
	return PLUMB_OK;
nomem:
	store_rules_free(v, cnt);
	return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
}

int
store_rules_get(struct store *s, const char *uuid, struct store_rule **out,
    size_t *n, struct plumb_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, exists;

	*out = NULL;
	*n = 0;
	if ((rc = store_bundle_exists(s, uuid, &exists, err)) != 0)
		return rc;
	if (!exists)
		return plumb_err_set(err, PLUMB_ENOENT, "no bundle %s", uuid);
	if ((rc = store_prepare(s, "SELECT " STORE_RULE_COLS
	    " FROM rule_results r JOIN bundles b ON r.bundle_id = b.id"
	    " WHERE b.uuid = ?1 ORDER BY r.seq", &st, err)) != 0)
		return rc;
	store_bind_text(st, 1, uuid);
	rc = store_rules_collect(s, st, 0, out, n, err);
	sqlite3_finalize(st);
	return rc;
}

int
store_rule_history(struct store *s, const char *host, const char *rule_id,
    size_t limit, struct store_rule **out, size_t *n, struct plumb_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, "SELECT " STORE_RULE_COLS
	    ", b.uuid, b.created"
	    " FROM rule_results r JOIN bundles b ON r.bundle_id = b.id"
	    " WHERE b.host = ?1 AND r.rule_id = ?2"
	    " ORDER BY b.created DESC, b.received DESC, b.uuid DESC, r.seq"
	    " LIMIT ?3", &st, err)) != 0)
		return rc;
	store_bind_text(st, 1, host);
	store_bind_text(st, 2, rule_id);
	sqlite3_bind_int64(st, 3, limit == 0 || limit > INT64_MAX ? -1 :
	    (sqlite3_int64)limit);
	rc = store_rules_collect(s, st, 1, out, n, err);
	sqlite3_finalize(st);
	return rc;
}

void
store_rules_free(struct store_rule *r, size_t n)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(r[i].rule_id);
		free(r[i].title);
		free(r[i].result);
		free(r[i].severity);
		free(r[i].role);
		free(r[i].items_digest);
		free(r[i].references);
		free(r[i].idents);
		free(r[i].oval_definitions);
		free(r[i].message);
	}
	free(r);
}

/* ---------------------------------------------------------- retention */

void
store_strings_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Delete old bundles (each host's newest kept) in one transaction and
 * return the evidence digests nothing references any more. */
int
store_prune(struct store *s, time_t cutoff, char ***digests, size_t *n,
    struct plumb_err *err)
{
	sqlite3_stmt *sel = NULL, *del = NULL, *delb = NULL, *ref = NULL;
	char **v = NULL;
	size_t cap = 0, cnt = 0, i, len;
	int rc, src;

	*digests = NULL;
	*n = 0;
	if ((rc = store_exec(s, "BEGIN IMMEDIATE", err)) != 0)
		return rc;
	if ((rc = store_prepare(s, "SELECT b.id, b.evidence_sha256"
	    " FROM bundles b WHERE b.received < ?1 AND b.id <>"
	    " (SELECT n.id FROM bundles n WHERE n.host = b.host"
	    "  ORDER BY n.created DESC, n.received DESC, n.uuid DESC"
	    "  LIMIT 1)", &sel, err)) != 0 ||
	    (rc = store_prepare(s, "DELETE FROM rule_results"
	    " WHERE bundle_id = ?1", &del, err)) != 0 ||
	    (rc = store_prepare(s, "DELETE FROM bundles WHERE id = ?1",
	    &delb, err)) != 0 ||
	    (rc = store_prepare(s, "SELECT 1 FROM bundles"
	    " WHERE evidence_sha256 = ?1", &ref, err)) != 0)
		goto fail;
	sqlite3_bind_int64(sel, 1, (sqlite3_int64)cutoff);
	/* Collect first: deleting while stepping would move the cursor. */
	while ((src = sqlite3_step(sel)) == SQLITE_ROW) {
		char idbuf[32];
		const unsigned char *d = sqlite3_column_text(sel, 1);

		if (store_grow((void **)&v, &cap, cnt, sizeof(*v)) != 0)
			goto nomem;
		snprintf(idbuf, sizeof(idbuf), "%lld",
		    (long long)sqlite3_column_int64(sel, 0));
		/* "id digest" until the rows are gone. */
		len = strlen(idbuf) + 2 + (d != NULL ?
		    strlen((const char *)d) : 0);
		if ((v[cnt] = malloc(len)) == NULL)
			goto nomem;
		snprintf(v[cnt], len, "%s %s", idbuf,
		    d != NULL ? (const char *)d : "");
		cnt++;
	}
	if (src != SQLITE_DONE) {
		rc = store_dberr(s, err, PLUMB_EIO, "retention");
		goto fail;
	}
	for (i = 0; i < cnt; i++) {
		long long id = strtoll(v[i], NULL, 10);

		sqlite3_reset(del);
		sqlite3_reset(delb);
		sqlite3_bind_int64(del, 1, id);
		sqlite3_bind_int64(delb, 1, id);
		if (sqlite3_step(del) != SQLITE_DONE ||
		    sqlite3_step(delb) != SQLITE_DONE) {
			rc = store_dberr(s, err, PLUMB_EIO, "retention");
			goto fail;
		}
	}
	/* Keep the digests no remaining bundle uses, without the id. */
	{
		size_t k = 0;

		for (i = 0; i < cnt; i++) {
			char *d = strchr(v[i], ' ') + 1;
			size_t j;
			int dupe = 0;

			memmove(v[i], d, strlen(d) + 1);
			for (j = 0; j < k; j++)
				if (strcmp(v[j], v[i]) == 0)
					dupe = 1;
			sqlite3_reset(ref);
			store_bind_text(ref, 1, v[i]);
			src = sqlite3_step(ref);
			if (src != SQLITE_ROW && src != SQLITE_DONE) {
				rc = store_dberr(s, err, PLUMB_EIO,
				    "retention");
				goto fail;
			}
			if (dupe || src == SQLITE_ROW || v[i][0] == '\0') {
				free(v[i]);
				v[i] = NULL;
				continue;
			}
			v[k++] = v[i];
			if (k - 1 != i)
				v[i] = NULL;
		}
		cnt = k;
	}
	if ((rc = store_exec(s, "COMMIT", err)) != 0)
		goto fail;
	sqlite3_finalize(sel);
	sqlite3_finalize(del);
	sqlite3_finalize(delb);
	sqlite3_finalize(ref);
	if (cnt == 0) {
		free(v);
		v = NULL;
	}
	*digests = v;
	*n = cnt;
	return PLUMB_OK;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
fail:
	store_exec(s, "ROLLBACK", NULL);
	sqlite3_finalize(sel);
	sqlite3_finalize(del);
	sqlite3_finalize(delb);
	sqlite3_finalize(ref);
	for (i = 0; i < cap && i < cnt; i++)
		free(v[i]);
	free(v);
	return rc;
}
