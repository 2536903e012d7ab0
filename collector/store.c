/*
 * store.c - store.h over a database driver (store_driver.h): every
 * query of the store and every row -> struct conversion lives here,
 * once, in the SQL subset SQLite and PostgreSQL share, so the two
 * backends cannot drift apart.  Values travel as text both ways.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/grow.h"
#include "plumb/error.h"
#include "store.h"
#include "store_driver.h"

#define STORE_INT_MAX	24	/* "-9223372036854775808" + NUL */
#define STORE_DBL_MAX	32	/* "%.17g" of a double + NUL */
#define STORE_RULE_PARAMS	13	/* parameters of one rule row */

/*
 * The core schema, migration by migration, in the common subset; the
 * PostgreSQL driver's rewrite turns "INTEGER PRIMARY KEY" into an
 * identity column, INTEGER into BIGINT, REAL into DOUBLE PRECISION and
 * TEXT into TEXT COLLATE "C" (byte order, as SQLite compares).
 * Migration 1 is collector/schema.sql without its CREATE TABLE
 * schema_migrations (tests/unit/check_store.c checks that both give the
 * same tables).  Never edit an entry once released: append a new one.
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
	/* Status per baseline: the newest scan of each (host, benchmark,
	 * profile, scanned root), filled from the stored bundles. */
	{ 2,
	"ALTER TABLE bundles ADD COLUMN target_root TEXT NOT NULL"
	" DEFAULT '';"
	"CREATE TABLE host_baselines ("
	" host TEXT NOT NULL REFERENCES hosts(id),"
	" benchmark_id TEXT NOT NULL,"
	" profile_id TEXT NOT NULL,"
	" target_root TEXT NOT NULL DEFAULT '',"
	" bundle_id INTEGER NOT NULL REFERENCES bundles(id),"
	" uuid TEXT NOT NULL,"
	" created INTEGER NOT NULL,"
	" received INTEGER NOT NULL,"
	" PRIMARY KEY (host, benchmark_id, profile_id, target_root));"
	"INSERT INTO host_baselines (host, benchmark_id, profile_id,"
	" target_root, bundle_id, uuid, created, received)"
	" SELECT b.host, b.benchmark_id, b.profile_id, b.target_root, b.id,"
	" b.uuid, b.created, b.received FROM bundles b WHERE NOT EXISTS"
	" (SELECT 1 FROM bundles x WHERE x.host = b.host"
	"  AND x.benchmark_id = b.benchmark_id"
	"  AND x.profile_id = b.profile_id"
	"  AND x.target_root = b.target_root"
	"  AND (x.created > b.created OR (x.created = b.created"
	"  AND (x.received > b.received OR (x.received = b.received"
	"  AND x.uuid > b.uuid)))));" },
};

/* The components told of each stored bundle, in slot order
 * (store_set_insert_hook, store_set_insert_hook_at). */
static store_insert_hook store_hook[STORE_HOOK_SLOTS];
static void *store_hook_arg[STORE_HOOK_SLOTS];

/* Created before any migration runs (the same table as schema.sql). */
static const char store_migrations_table[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" component TEXT NOT NULL,"
	" version INTEGER NOT NULL,"
	" applied INTEGER NOT NULL,"
	" PRIMARY KEY (component, version))";

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
	STORE_BUNDLE_HEAD \
	" (SELECT count(*) FROM rule_results r WHERE r.bundle_id = b.id)," \
	" b.target_root"
#define STORE_BUNDLE_HEAD \
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
	" b.n_informational, b.n_fixed,"
#define STORE_BUNDLE_NCOLS	38
/* The same without counting rule rows (nrules 0): for lists of many
 * bundles whose rules are not shown. */
#define STORE_BUNDLE_COLS_NOCOUNT \
	STORE_BUNDLE_HEAD " 0, b.target_root"

#define STORE_RULE_COLS \
	"r.seq, r.rule_id, r.title, r.result, r.severity, r.weight, r.role," \
	" r.items_digest, r.refs, r.idents, r.oval_definitions, r.message"
#define STORE_RULE_NCOLS	12

#define STORE_HOST_COLS "id, role, site, zone, first_seen, last_seen"
#define STORE_HOST_NCOLS	6

/* ------------------------------------------------------------ helpers */

/* A text value as an integer (NULL and garbage: 0). */
static long long
store_ll(const char *v)
{
	return v != NULL ? strtoll(v, NULL, 10) : 0;
}

static double
store_dbl(const char *v)
{
	return v != NULL ? strtod(v, NULL) : 0;
}

/* Copy a text value (NULL: "") into a bounded buffer. */
static void
store_cpy(char *dst, size_t size, const char *v)
{
	snprintf(dst, size, "%s", v != NULL ? v : "");
}

/* A text value as an allocated string, NULL for SQL NULL; -1 on
 * allocation failure. */
static int
store_dup(const char *v, char **out)
{
	*out = NULL;
	if (v == NULL)
		return 0;
	if ((*out = strdup(v)) == NULL)
		return -1;
	return 0;
}

static const char *
store_fmt_ll(char *buf, long long v)
{
	snprintf(buf, STORE_INT_MAX, "%lld", v);
	return buf;
}

/* A double as text that reads back as the same double. */
static const char *
store_fmt_dbl(char *buf, double v)
{
	snprintf(buf, STORE_DBL_MAX, "%.17g", v);
	return buf;
}

/* Internal queries: SQL of this file, already in both dialects. */
static int
store_q(struct store *s, const char *sql, const char *const *params,
    size_t nparams, store_row_fn fn, void *arg, struct plumb_err *err)
{
	return s->drv->query(s, sql, 1, params, nparams, fn, arg, NULL, err);
}

static int
store_begin(struct store *s, struct plumb_err *err)
{
	return s->drv->exec(s, s->drv->begin_sql, err);
}

/* Row callback: the first column of the first row as an integer. */
static int
store_first_ll(void *arg, const char *const *vals, size_t ncols)
{
	*(long long *)arg = ncols > 0 ? store_ll(vals[0]) : 0;
	return 1;
}

/* Row callback: counts the rows. */
static int
store_count_rows(void *arg, const char *const *vals, size_t ncols)
{
	(*(size_t *)arg)++;
	return 0;
}

/* --------------------------------------------------------- migrations */

int
store_schema_version(struct store *s, const char *component, int *version,
    struct plumb_err *err)
{
	const char *p[1] = { component };
	long long v = 0;
	int rc;

	*version = 0;
	if ((rc = store_q(s, "SELECT coalesce(max(version), 0) FROM "
	    "schema_migrations WHERE component = $1", p, 1, store_first_ll,
	    &v, err)) != 0)
		return rc;
	*version = (int)v;
	return PLUMB_OK;
}

/* Record that version of component is applied (inside its transaction). */
static int
store_migration_mark(struct store *s, const char *component, int version,
    struct plumb_err *err)
{
	char vb[STORE_INT_MAX], tb[STORE_INT_MAX];
	const char *p[3];

	p[0] = component;
	p[1] = store_fmt_ll(vb, version);
	p[2] = store_fmt_ll(tb, (long long)time(NULL));
	return store_q(s, "INSERT INTO schema_migrations (component, version,"
	    " applied) VALUES ($1, $2, $3)", p, 3, NULL, NULL, err);
}

/* Run the migration SQL as the backend spells it. */
static int
store_migration_exec(struct store *s, const char *sql, struct plumb_err *err)
{
	char *own = NULL;
	int rc;

	if (s->drv->rewrite != NULL &&
	    (sql = own = s->drv->rewrite(sql, 1)) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	rc = s->drv->exec(s, sql, err);
	free(own);
	return rc;
}

/* Apply each migration above the recorded version in its own write
 * transaction, reading the version inside it after the backend's
 * migration lock (another process may be migrating the same database). */
int
store_migrate(struct store *s, const char *component,
    const struct store_migration *m, size_t n, struct plumb_err *err)
{
	size_t i;
	int rc, cur;

	if (component == NULL || *component == '\0')
		return plumb_err_set(err, PLUMB_EINVAL,
		    "store_migrate: no component name");
	for (i = 1; i < n; i++)
		if (m[i].version <= m[i - 1].version)
			return plumb_err_set(err, PLUMB_EINVAL,
			    "%s migrations are not in increasing order",
			    component);
	for (i = 0; i < n; i++) {
		if ((rc = store_begin(s, err)) != 0)
			return rc;
		if (s->drv->migrate_lock_sql != NULL &&
		    (rc = s->drv->exec(s, s->drv->migrate_lock_sql, err)) != 0)
			goto fail;
		if ((rc = store_schema_version(s, component, &cur, err)) != 0)
			goto fail;
		if (m[i].version <= cur) {
			s->drv->exec(s, "ROLLBACK", NULL);
			continue;
		}
		if ((rc = store_migration_exec(s, m[i].sql, err)) != 0 ||
		    (rc = store_migration_mark(s, component, m[i].version,
		    err)) != 0 ||
		    (rc = s->drv->exec(s, "COMMIT", err)) != 0) {
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
	store_tx_rollback(s);
	return rc;
}

/* ------------------------------------------------------------- open */

/* The driver for url; PLUMB_ENOTSUP for other URL schemes. */
static int
store_url_driver(const char *url, const struct store_driver **drv,
    struct plumb_err *err)
{
	*drv = NULL;
	if (url == NULL || *url == '\0')
		return plumb_err_set(err, PLUMB_EINVAL, "no database given");
	if (strncasecmp(url, "postgresql://", 13) == 0 ||
	    strncasecmp(url, "postgres://", 11) == 0) {
		*drv = &store_pg_driver;
		return PLUMB_OK;
	}
	if (strncmp(url, "sqlite:", 7) == 0)
		url += 7;
	if (strstr(url, "://") != NULL || *url == '\0')
		return plumb_err_set(err, PLUMB_ENOTSUP,
		    "database %.64s: neither a SQLite path nor a "
		    "postgresql:// URL", url);
	*drv = &store_sqlite_driver;
	return PLUMB_OK;
}

int
store_open(const char *url, struct store **out, struct plumb_err *err)
{
	const struct store_driver *drv;
	struct store *s = NULL;
	int rc;

	*out = NULL;
	if ((rc = store_url_driver(url, &drv, err)) != 0)
		return rc;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	s->drv = drv;
	if ((rc = drv->open(s, url, err)) != 0)
		goto out;
	/* Under the migration lock too: concurrent CREATE TABLE IF NOT
	 * EXISTS can collide in PostgreSQL's catalog. */
	if ((rc = store_begin(s, err)) != 0)
		goto out;
	if ((drv->migrate_lock_sql != NULL &&
	    (rc = drv->exec(s, drv->migrate_lock_sql, err)) != 0) ||
	    (rc = store_migration_exec(s, store_migrations_table, err)) != 0 ||
	    (rc = drv->exec(s, "COMMIT", err)) != 0) {
		store_tx_rollback(s);
		goto out;
	}
	if ((rc = store_migrate(s, "core", store_core,
	    sizeof(store_core) / sizeof(store_core[0]), err)) != 0)
		goto out;
	*out = s;
	s = NULL;
	rc = PLUMB_OK;
out:
	store_close(s);
	return rc;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	s->drv->close(s);
	free(s);
}

/* ------------------------------------------------ backend-neutral SQL */

int
store_query(struct store *s, const char *sql, const char *const *params,
    size_t nparams, store_row_fn fn, void *arg, uint64_t *changes,
    struct plumb_err *err)
{
	char *own = NULL;
	int rc;

	if (changes != NULL)
		*changes = 0;
	if (nparams > 0 && params == NULL)
		return plumb_err_set(err, PLUMB_EINVAL,
		    "store_query: %zu parameters but none given", nparams);
	if (s->drv->rewrite != NULL &&
	    (sql = own = s->drv->rewrite(sql, 0)) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	rc = s->drv->query(s, sql, 0, params, nparams, fn, arg, changes, err);
	free(own);
	return rc;
}

int
store_tx_begin(struct store *s, struct plumb_err *err)
{
	return store_begin(s, err);
}

int
store_tx_commit(struct store *s, struct plumb_err *err)
{
	return s->drv->exec(s, "COMMIT", err);
}

void
store_tx_rollback(struct store *s)
{
	if (s != NULL && s->drv->in_tx(s))
		s->drv->exec(s, "ROLLBACK", NULL);
}

/* ------------------------------------------------------------ insert */

/* Create the host or update its attributes and first/last seen. */
static int
store_host_upsert(struct store *s, const struct store_host *h,
    time_t received, struct plumb_err *err)
{
	char tb[STORE_INT_MAX];
	const char *p[5];

	p[0] = h->id;
	p[1] = h->role;
	p[2] = h->site;
	p[3] = h->zone;
	p[4] = store_fmt_ll(tb, (long long)received);
	/* CASE, not min()/max(): PostgreSQL has no scalar min(), SQLite
	 * no least(). */
	return store_q(s, "INSERT INTO hosts (id, role, site, zone,"
	    " first_seen, last_seen) VALUES ($1, $2, $3, $4, $5, $5)"
	    " ON CONFLICT (id) DO UPDATE SET role = excluded.role,"
	    " site = excluded.site, zone = excluded.zone,"
	    " first_seen = CASE WHEN excluded.first_seen < hosts.first_seen"
	    "  THEN excluded.first_seen ELSE hosts.first_seen END,"
	    " last_seen = CASE WHEN excluded.last_seen > hosts.last_seen"
	    "  THEN excluded.last_seen ELSE hosts.last_seen END", p, 5, NULL,
	    NULL, err);
}

/* Row callback of the bundle INSERT ... RETURNING id. */
static int
store_id_row(void *arg, const char *const *vals, size_t ncols)
{
	store_cpy(arg, STORE_INT_MAX, ncols > 0 ? vals[0] : NULL);
	return 0;
}

/*
 * Insert the bundle row; id (STORE_INT_MAX bytes) receives its id, or
 * "" when its uuid is already stored: ON CONFLICT DO NOTHING waits for
 * a concurrent insert of the same uuid and then inserts nothing.
 */
static int
store_bundle_row_insert(struct store *s, const struct store_bundle *b,
    char *id, struct plumb_err *err)
{
	const struct store_counts *c = &b->counts;
	char ib[10][STORE_INT_MAX], cb[9][STORE_INT_MAX];
	char db[2 * STORE_NSCORES][STORE_DBL_MAX];
	const char *p[37];
	size_t i, k;

	id[0] = '\0';
	memset(p, 0, sizeof(p));
	p[0] = b->uuid;
	p[1] = b->host;
	p[2] = b->signer;
	p[3] = b->signer_sha256;
	p[4] = store_fmt_ll(ib[0], (long long)b->created);
	p[5] = store_fmt_ll(ib[1], (long long)b->signing_time);
	p[6] = store_fmt_ll(ib[2], (long long)b->received);
	p[7] = b->evidence_sha256;
	p[8] = store_fmt_ll(ib[3], b->evidence_bytes > INT64_MAX ?
	    INT64_MAX : (long long)b->evidence_bytes);
	p[9] = b->archive_sha256;
	p[10] = b->content_sha256;
	p[11] = b->benchmark_id;
	p[12] = b->benchmark_version;
	p[13] = b->profile_id;
	p[14] = b->profile_title;
	p[15] = b->tool_version;
	p[16] = store_fmt_ll(ib[4], (long long)b->start_time);
	p[17] = store_fmt_ll(ib[5], (long long)b->end_time);
	p[18] = store_fmt_ll(ib[6], b->platform_applicable != 0);
	/* Scores by system name; a model not given stays NULL. */
	for (k = 0; k < STORE_NSCORES; k++) {
		for (i = 0; i < b->nscores && i < STORE_NSCORES; i++)
			if (strcmp(b->scores[i].system,
			    store_scoring[k].system) == 0)
				break;
		if (i < b->nscores && i < STORE_NSCORES) {
			p[19 + 2 * k] = store_fmt_dbl(db[2 * k],
			    b->scores[i].score);
			p[20 + 2 * k] = store_fmt_dbl(db[2 * k + 1],
			    b->scores[i].max);
		}
	}
	p[27] = store_fmt_ll(cb[0], c->pass);
	p[28] = store_fmt_ll(cb[1], c->fail);
	p[29] = store_fmt_ll(cb[2], c->error);
	p[30] = store_fmt_ll(cb[3], c->unknown);
	p[31] = store_fmt_ll(cb[4], c->notapplicable);
	p[32] = store_fmt_ll(cb[5], c->notchecked);
	p[33] = store_fmt_ll(cb[6], c->notselected);
	p[34] = store_fmt_ll(cb[7], c->informational);
	p[35] = store_fmt_ll(cb[8], c->fixed);
	p[36] = b->target_root;
	return store_q(s, "INSERT INTO bundles (uuid, host, signer,"
	    " signer_sha256, created, signing_time, received,"
	    " evidence_sha256, evidence_bytes, archive_sha256,"
	    " content_sha256, benchmark_id, benchmark_version, profile_id,"
	    " profile_title, tool_version, start_time, end_time,"
	    " platform_applicable, score_default, score_default_max,"
	    " score_flat, score_flat_max, score_flat_unweighted,"
	    " score_flat_unweighted_max, score_absolute, score_absolute_max,"
	    " n_pass, n_fail, n_error, n_unknown, n_notapplicable,"
	    " n_notchecked, n_notselected, n_informational, n_fixed,"
	    " target_root)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
	    " $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25,"
	    " $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37)"
	    " ON CONFLICT (uuid) DO NOTHING RETURNING id", p, 37,
	    store_id_row, id, err);
}

/* The rule rows, up to the driver's insert_rows to an INSERT. */
static int
store_rules_insert(struct store *s, const char *id,
    const struct store_rule *r, size_t n, struct plumb_err *err)
{
	static const char head[] = "INSERT INTO rule_results (bundle_id,"
	    " seq, rule_id, title, result, severity, weight, role,"
	    " items_digest, refs, idents, oval_definitions, message) VALUES ";
	const char *p[STORE_RULE_CHUNK * STORE_RULE_PARAMS];
	char seq[STORE_RULE_CHUNK][STORE_INT_MAX];
	char w[STORE_RULE_CHUNK][STORE_DBL_MAX];
	char *sql = NULL;
	size_t i, j, k, m, off, cap, per = s->drv->insert_rows;
	int rc = PLUMB_OK;

	/* "($1, ..., $13)," is at most 13 * 6 + 3 bytes a row. */
	cap = sizeof(head) + STORE_RULE_CHUNK * (STORE_RULE_PARAMS * 6 + 3);
	if ((sql = malloc(cap)) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	for (i = 0; i < n && rc == PLUMB_OK; i += m) {
		if (per < 1 || per > STORE_RULE_CHUNK)
			per = 1;
		m = n - i < per ? n - i : per;
		off = (size_t)snprintf(sql, cap, "%s", head);
		for (j = 0; j < m; j++) {
			const struct store_rule *x = &r[i + j];
			const char **q = p + j * STORE_RULE_PARAMS;

			if (x->rule_id == NULL || x->result == NULL) {
				rc = plumb_err_set(err, PLUMB_EINVAL,
				    "rule result %zu without rule id or "
				    "result", i + j);
				goto out;
			}
			q[0] = id;
			q[1] = store_fmt_ll(seq[j], (long long)(i + j));
			q[2] = x->rule_id;
			q[3] = x->title;
			q[4] = x->result;
			q[5] = x->severity != NULL ? x->severity : "unknown";
			q[6] = store_fmt_dbl(w[j], x->weight);
			q[7] = x->role != NULL ? x->role : "full";
			q[8] = x->items_digest;
			q[9] = x->references != NULL ? x->references : "[]";
			q[10] = x->idents != NULL ? x->idents : "[]";
			q[11] = x->oval_definitions != NULL ?
			    x->oval_definitions : "[]";
			q[12] = x->message;
			for (k = 0; k < STORE_RULE_PARAMS; k++)
				off += (size_t)snprintf(sql + off, cap - off,
				    "%s$%zu%s", k == 0 ? (j == 0 ? "(" :
				    ", (") : ", ", j * STORE_RULE_PARAMS +
				    k + 1, k + 1 == STORE_RULE_PARAMS ? ")" :
				    "");
		}
		rc = store_q(s, sql, p, m * STORE_RULE_PARAMS, NULL, NULL,
		    err);
	}
out:
	free(sql);
	return rc;
}

/*
 * The bundle with row id becomes the newest of its baseline unless a
 * newer one (by created, received, uuid: the order of every list) is
 * already there, which happens when scans arrive out of order.
 */
static int
store_baseline_upsert(struct store *s, const struct store_bundle *b,
    const char *id, struct plumb_err *err)
{
	char cb[STORE_INT_MAX], rb[STORE_INT_MAX];
	const char *p[8];

	p[0] = b->host;
	p[1] = b->benchmark_id;
	p[2] = b->profile_id;
	p[3] = b->target_root;
	p[4] = id;
	p[5] = b->uuid;
	p[6] = store_fmt_ll(cb, (long long)b->created);
	p[7] = store_fmt_ll(rb, (long long)b->received);
	return store_q(s, "INSERT INTO host_baselines (host, benchmark_id,"
	    " profile_id, target_root, bundle_id, uuid, created, received)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
	    " ON CONFLICT (host, benchmark_id, profile_id, target_root)"
	    " DO UPDATE SET bundle_id = excluded.bundle_id,"
	    " uuid = excluded.uuid, created = excluded.created,"
	    " received = excluded.received"
	    " WHERE excluded.created > host_baselines.created"
	    " OR (excluded.created = host_baselines.created"
	    " AND (excluded.received > host_baselines.received"
	    " OR (excluded.received = host_baselines.received"
	    " AND excluded.uuid > host_baselines.uuid)))", p, 8, NULL, NULL,
	    err);
}

void
store_set_insert_hook(store_insert_hook fn, void *arg)
{
	store_set_insert_hook_at(STORE_HOOK_CONTROLS, fn, arg);
}

void *
store_insert_hook_arg(void)
{
	return store_hook_arg[STORE_HOOK_CONTROLS];
}

void
store_set_insert_hook_at(unsigned slot, store_insert_hook fn, void *arg)
{
	if (slot >= STORE_HOOK_SLOTS)
		return;
	store_hook[slot] = fn;
	store_hook_arg[slot] = arg;
}

/* One transaction: a re-send finds the row and changes nothing; two
 * writers racing are ordered by the UNIQUE uuid (ON CONFLICT DO
 * NOTHING), and on SQLite by BEGIN IMMEDIATE as well. */
int
store_bundle_insert(struct store *s, const struct store_host *h,
    const struct store_bundle *b, const struct store_rule *rules,
    size_t nrules, int *duplicate, struct plumb_err *err)
{
	struct store_insert one;
	int rc;

	memset(&one, 0, sizeof(one));
	one.h = h;
	one.b = b;
	one.rules = rules;
	one.nrules = nrules;
	rc = store_bundles_insert(s, &one, 1, err);
	*duplicate = one.duplicate;
	return rc;
}

int
store_bundles_insert(struct store *s, struct store_insert *v, size_t n,
    struct plumb_err *err)
{
	char id[STORE_INT_MAX];
	size_t i, k;
	int rc, exists;

	for (i = 0; i < n; i++) {
		v[i].duplicate = 0;
		if (v[i].b->uuid[0] == '\0' || v[i].b->host[0] == '\0' ||
		    strcmp(v[i].h->id, v[i].b->host) != 0)
			return plumb_err_set(err, PLUMB_EINVAL, "bundle "
			    "without uuid or host, or for another host");
	}
	if ((rc = store_begin(s, err)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		/* A duplicate leaves its host alone.  Another collector
		 * may still store the uuid between this check and the
		 * insert (PostgreSQL, READ COMMITTED): the insert then
		 * adds nothing and only last_seen moved. */
		if ((rc = store_bundle_exists(s, v[i].b->uuid, &exists,
		    err)) != 0)
			goto fail;
		if (exists) {
			v[i].duplicate = 1;
			continue;
		}
		if ((rc = store_host_upsert(s, v[i].h, v[i].b->received,
		    err)) != 0 ||
		    (rc = store_bundle_row_insert(s, v[i].b, id, err)) != 0)
			goto fail;
		if (id[0] == '\0') {
			v[i].duplicate = 1;
			continue;
		}
		if ((rc = store_rules_insert(s, id, v[i].rules, v[i].nrules,
		    err)) != 0 ||
		    (rc = store_baseline_upsert(s, v[i].b, id, err)) != 0 ||
		    (rc = store_texts_insert(s, v[i].b, v[i].rules,
		    v[i].nrules, err)) != 0)
			goto fail;
		for (k = 0; k < STORE_HOOK_SLOTS; k++)
			if (store_hook[k] != NULL && (rc = store_hook[k](
			    store_hook_arg[k], s, id, v[i].b, v[i].rules,
			    v[i].nrules, err)) != 0)
				goto fail;
	}
	if ((rc = s->drv->exec(s, "COMMIT", err)) != 0)
		goto fail;
	return PLUMB_OK;
fail:
	store_tx_rollback(s);
	for (i = 0; i < n; i++)
		v[i].duplicate = 0;
	return rc;
}

/* ------------------------------------------------------------ queries */

int
store_bundle_exists(struct store *s, const char *uuid, int *exists,
    struct plumb_err *err)
{
	const char *p[1] = { uuid };
	size_t n = 0;
	int rc;

	*exists = 0;
	if ((rc = store_q(s, "SELECT 1 FROM bundles WHERE uuid = $1", p, 1,
	    store_count_rows, &n, err)) != 0)
		return rc;
	*exists = n > 0;
	return PLUMB_OK;
}

/* Fill b from a row of STORE_BUNDLE_COLS. */
static void
store_bundle_row(const char *const *v, struct store_bundle *b)
{
	size_t k, c;

	memset(b, 0, sizeof(*b));
	store_cpy(b->uuid, sizeof(b->uuid), v[0]);
	store_cpy(b->host, sizeof(b->host), v[1]);
	store_cpy(b->signer, sizeof(b->signer), v[2]);
	store_cpy(b->signer_sha256, sizeof(b->signer_sha256), v[3]);
	b->created = (time_t)store_ll(v[4]);
	b->signing_time = (time_t)store_ll(v[5]);
	b->received = (time_t)store_ll(v[6]);
	store_cpy(b->evidence_sha256, sizeof(b->evidence_sha256), v[7]);
	b->evidence_bytes = (uint64_t)store_ll(v[8]);
	store_cpy(b->archive_sha256, sizeof(b->archive_sha256), v[9]);
	store_cpy(b->content_sha256, sizeof(b->content_sha256), v[10]);
	store_cpy(b->benchmark_id, sizeof(b->benchmark_id), v[11]);
	store_cpy(b->benchmark_version, sizeof(b->benchmark_version), v[12]);
	store_cpy(b->profile_id, sizeof(b->profile_id), v[13]);
	store_cpy(b->profile_title, sizeof(b->profile_title), v[14]);
	store_cpy(b->tool_version, sizeof(b->tool_version), v[15]);
	b->start_time = (time_t)store_ll(v[16]);
	b->end_time = (time_t)store_ll(v[17]);
	b->platform_applicable = (int)store_ll(v[18]);
	for (k = 0; k < STORE_NSCORES; k++) {
		c = 19 + 2 * k;
		if (v[c] == NULL)
			continue;
		store_cpy(b->scores[b->nscores].system,
		    sizeof(b->scores[b->nscores].system),
		    store_scoring[k].system);
		b->scores[b->nscores].score = store_dbl(v[c]);
		b->scores[b->nscores].max = store_dbl(v[c + 1]);
		b->nscores++;
	}
	b->counts.pass = (unsigned)store_ll(v[27]);
	b->counts.fail = (unsigned)store_ll(v[28]);
	b->counts.error = (unsigned)store_ll(v[29]);
	b->counts.unknown = (unsigned)store_ll(v[30]);
	b->counts.notapplicable = (unsigned)store_ll(v[31]);
	b->counts.notchecked = (unsigned)store_ll(v[32]);
	b->counts.notselected = (unsigned)store_ll(v[33]);
	b->counts.informational = (unsigned)store_ll(v[34]);
	b->counts.fixed = (unsigned)store_ll(v[35]);
	b->nrules = (size_t)store_ll(v[36]);
	store_cpy(b->target_root, sizeof(b->target_root), v[37]);
}

static void
store_host_row(const char *const *v, struct store_host *h)
{
	memset(h, 0, sizeof(*h));
	store_cpy(h->id, sizeof(h->id), v[0]);
	store_cpy(h->role, sizeof(h->role), v[1]);
	store_cpy(h->site, sizeof(h->site), v[2]);
	store_cpy(h->zone, sizeof(h->zone), v[3]);
	h->first_seen = (time_t)store_ll(v[4]);
	h->last_seen = (time_t)store_ll(v[5]);
}

/* Rows collected into an array of fixed-size elements. */
struct store_rows {
	unsigned char *v;
	size_t cap, n, sz, ncols;
	int nomem;
	void (*fill)(const char *const *, void *);
};

static void
store_bundle_fill(const char *const *v, void *dst)
{
	store_bundle_row(v, dst);
}

static void
store_host_fill(const char *const *v, void *dst)
{
	store_host_row(v, dst);
}

static int
store_rows_add(void *arg, const char *const *vals, size_t ncols)
{
	struct store_rows *a = arg;

	if (ncols < a->ncols ||
	    grow_array(&a->v, a->n, &a->cap, a->sz, 16) != 0) {
		a->nomem = 1;
		return 1;
	}
	a->fill(vals, a->v + a->sz * a->n++);
	return 0;
}

/*
 * Run sql and collect one element of size sz per row with fill (the
 * rows own no memory); on success *out (malloc'ed, NULL when there were
 * no rows) and *n.
 */
static int
store_rows(struct store *s, const char *sql, const char *const *params,
    size_t nparams, size_t sz, size_t ncols,
    void (*fill)(const char *const *, void *), void **out, size_t *n,
    struct plumb_err *err)
{
	struct store_rows a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.sz = sz;
	a.ncols = ncols;
	a.fill = fill;
	if ((rc = store_q(s, sql, params, nparams, store_rows_add, &a,
	    err)) != 0)
		goto out;
	if (a.nomem) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	if (a.n > 0) {
		*out = a.v;
		*n = a.n;
		a.v = NULL;
	}
	rc = PLUMB_OK;
out:
	free(a.v);
	return rc;
}

int
store_bundle_get(struct store *s, const char *uuid, struct store_bundle *out,
    struct plumb_err *err)
{
	const char *p[1] = { uuid };
	struct store_bundle *b = NULL;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_rows(s, "SELECT " STORE_BUNDLE_COLS
	    " FROM bundles b WHERE b.uuid = $1", p, 1, sizeof(*b),
	    STORE_BUNDLE_NCOLS, store_bundle_fill, (void **)&b, &n, err)) != 0)
		return rc;
	if (n == 0)
		return plumb_err_set(err, PLUMB_ENOENT, "no bundle %s", uuid);
	*out = b[0];
	free(b);
	return PLUMB_OK;
}

/* " LIMIT n" for limit (0: no bound, ""); PostgreSQL has no LIMIT -1. */
static void
store_limit(char *buf, size_t size, size_t limit)
{
	buf[0] = '\0';
	if (limit > 0 && limit <= INT64_MAX)
		snprintf(buf, size, " LIMIT %zu", limit);
}

int
store_bundles_list(struct store *s, const char *host, time_t since,
    size_t limit, struct store_bundle **out, size_t *n,
    struct plumb_err *err)
{
	char sql[2048], lim[32], tb[STORE_INT_MAX];
	const char *p[2];

	*out = NULL;
	*n = 0;
	store_limit(lim, sizeof(lim), limit);
	p[0] = store_fmt_ll(tb, (long long)since);
	p[1] = host;
	snprintf(sql, sizeof(sql), "SELECT " STORE_BUNDLE_COLS
	    " FROM bundles b WHERE b.created >= $1%s"
	    " ORDER BY b.created DESC, b.received DESC, b.uuid DESC%s",
	    host != NULL ? " AND b.host = $2" : "", lim);
	return store_rows(s, sql, p, host != NULL ? 2 : 1, sizeof(**out),
	    STORE_BUNDLE_NCOLS, store_bundle_fill, (void **)out, n, err);
}

int
store_baselines_list(struct store *s, const char *host,
    struct store_bundle **out, size_t *n, struct plumb_err *err)
{
	const char *p[1] = { host };

	*out = NULL;
	*n = 0;
	return store_rows(s, "SELECT " STORE_BUNDLE_COLS
	    " FROM host_baselines hb JOIN bundles b ON b.id = hb.bundle_id"
	    " WHERE hb.host = $1 ORDER BY hb.benchmark_id, hb.profile_id,"
	    " hb.target_root", p, 1, sizeof(**out), STORE_BUNDLE_NCOLS,
	    store_bundle_fill, (void **)out, n, err);
}

int
store_baselines_all(struct store *s, struct store_bundle **out, size_t *n,
    struct plumb_err *err)
{
	*out = NULL;
	*n = 0;
	/* One query for the whole fleet (GET hosts): the baselines come
	 * from host_baselines, never from a scan of bundles. */
	return store_rows(s, "SELECT " STORE_BUNDLE_COLS_NOCOUNT
	    " FROM host_baselines hb JOIN bundles b ON b.id = hb.bundle_id"
	    " ORDER BY hb.host, hb.benchmark_id, hb.profile_id,"
	    " hb.target_root", NULL, 0, sizeof(**out), STORE_BUNDLE_NCOLS,
	    store_bundle_fill, (void **)out, n, err);
}

void
store_bundles_free(struct store_bundle *b)
{
	free(b);
}

int
store_host_get(struct store *s, const char *id, struct store_host *out,
    struct plumb_err *err)
{
	const char *p[1] = { id };
	struct store_host *h = NULL;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_rows(s, "SELECT " STORE_HOST_COLS
	    " FROM hosts WHERE id = $1", p, 1, sizeof(*h), STORE_HOST_NCOLS,
	    store_host_fill, (void **)&h, &n, err)) != 0)
		return rc;
	if (n == 0)
		return plumb_err_set(err, PLUMB_ENOENT, "no host %s", id);
	*out = h[0];
	free(h);
	return PLUMB_OK;
}

int
store_hosts_list(struct store *s, struct store_host **out, size_t *n,
    struct plumb_err *err)
{
	*out = NULL;
	*n = 0;
	return store_rows(s, "SELECT " STORE_HOST_COLS
	    " FROM hosts ORDER BY id", NULL, 0, sizeof(**out),
	    STORE_HOST_NCOLS, store_host_fill, (void **)out, n, err);
}

void
store_hosts_free(struct store_host *h)
{
	free(h);
}

/* Rule rows being collected (their strings are allocated). */
struct store_rule_rows {
	struct store_rule *v;
	size_t cap, n;
	int history, nomem;
};

/* Fill a rule from a row of STORE_RULE_COLS (then uuid, created for
 * history). */
static int
store_rule_add(void *arg, const char *const *v, size_t ncols)
{
	struct store_rule_rows *a = arg;
	struct store_rule *r;

	if (ncols < STORE_RULE_NCOLS + (a->history ? 2 : 0) ||
	    grow_array(&a->v, a->n, &a->cap, sizeof(*a->v), 16) != 0) {
		a->nomem = 1;
		return 1;
	}
	r = &a->v[a->n++];
	memset(r, 0, sizeof(*r));
	r->seq = (unsigned)store_ll(v[0]);
	r->weight = store_dbl(v[5]);
	if (store_dup(v[1], &r->rule_id) != 0 ||
	    store_dup(v[2], &r->title) != 0 ||
	    store_dup(v[3], &r->result) != 0 ||
	    store_dup(v[4], &r->severity) != 0 ||
	    store_dup(v[6], &r->role) != 0 ||
	    store_dup(v[7], &r->items_digest) != 0 ||
	    store_dup(v[8], &r->references) != 0 ||
	    store_dup(v[9], &r->idents) != 0 ||
	    store_dup(v[10], &r->oval_definitions) != 0 ||
	    store_dup(v[11], &r->message) != 0) {
		a->nomem = 1;
		return 1;
	}
	if (a->history) {
		store_cpy(r->bundle_uuid, sizeof(r->bundle_uuid), v[12]);
		r->created = (time_t)store_ll(v[13]);
	}
	return 0;
}

/* Run a rule query and hand over its rows. */
static int
store_rules_collect(struct store *s, const char *sql,
    const char *const *params, size_t nparams, int history,
    struct store_rule **out, size_t *n, struct plumb_err *err)
{
	struct store_rule_rows a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.history = history;
	if ((rc = store_q(s, sql, params, nparams, store_rule_add, &a,
	    err)) == 0 && a.nomem)
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	if (rc != 0) {
		store_rules_free(a.v, a.n);
		return rc;
	}
	if (a.n == 0) {
		free(a.v);
		a.v = NULL;
	}
	*out = a.v;
	*n = a.n;
	return PLUMB_OK;
}

int
store_rules_get(struct store *s, const char *uuid, struct store_rule **out,
    size_t *n, struct plumb_err *err)
{
	const char *p[1] = { uuid };
	int rc, exists;

	*out = NULL;
	*n = 0;
	if ((rc = store_bundle_exists(s, uuid, &exists, err)) != 0)
		return rc;
	if (!exists)
		return plumb_err_set(err, PLUMB_ENOENT, "no bundle %s", uuid);
	return store_rules_collect(s, "SELECT " STORE_RULE_COLS
	    " FROM rule_results r JOIN bundles b ON r.bundle_id = b.id"
	    " WHERE b.uuid = $1 ORDER BY r.seq", p, 1, 0, out, n, err);
}

int
store_rule_history(struct store *s, const char *host, const char *rule_id,
    size_t limit, struct store_rule **out, size_t *n, struct plumb_err *err)
{
	const char *p[2] = { host, rule_id };
	char sql[1024], lim[32];

	*out = NULL;
	*n = 0;
	store_limit(lim, sizeof(lim), limit);
	snprintf(sql, sizeof(sql), "SELECT " STORE_RULE_COLS
	    ", b.uuid, b.created"
	    " FROM rule_results r JOIN bundles b ON r.bundle_id = b.id"
	    " WHERE b.host = $1 AND r.rule_id = $2"
	    " ORDER BY b.created DESC, b.received DESC, b.uuid DESC, r.seq%s",
	    lim);
	return store_rules_collect(s, sql, p, 2, 1, out, n, err);
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
		free(r[i].rationale);
		free(r[i].fixtext);
	}
	free(r);
}

int
store_strings_row(void *arg, const char *const *vals, size_t ncols)
{
	struct store_strings *a = arg;

	if (ncols < 1 || vals[0] == NULL)
		return 0;
	if (grow_array(&a->v, a->n, &a->cap, sizeof(*a->v), 64) != 0 ||
	    (a->v[a->n] = strdup(vals[0])) == NULL) {
		a->nomem = 1;
		return 1;
	}
	a->n++;
	return 0;
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

/* The bundles prune deletes: "id digest" strings. */
struct store_prune_rows {
	char **v;
	size_t cap, n;
	int nomem;
};

static int
store_prune_add(void *arg, const char *const *vals, size_t ncols)
{
	struct store_prune_rows *a = arg;
	size_t len;

	if (ncols < 2 || vals[0] == NULL ||
	    grow_array(&a->v, a->n, &a->cap, sizeof(*a->v), 16) != 0)
		goto nomem;
	len = strlen(vals[0]) + 2 + (vals[1] != NULL ? strlen(vals[1]) : 0);
	if ((a->v[a->n] = malloc(len)) == NULL)
		goto nomem;
	snprintf(a->v[a->n++], len, "%s %s", vals[0],
	    vals[1] != NULL ? vals[1] : "");
	return 0;
nomem:
	a->nomem = 1;
	return 1;
}

/* Delete old bundles (the newest of each baseline kept) in one transaction and
 * return the evidence digests nothing references any more. */
int
store_prune(struct store *s, time_t cutoff, char ***digests, size_t *n,
    struct plumb_err *err)
{
	struct store_prune_rows a;
	char tb[STORE_INT_MAX];
	const char *p[1];
	size_t i, j, k, refs;
	int rc, dupe;

	*digests = NULL;
	*n = 0;
	memset(&a, 0, sizeof(a));
	if ((rc = store_begin(s, err)) != 0)
		return rc;
	p[0] = store_fmt_ll(tb, (long long)cutoff);
	/* Collect first, then delete by id. */
	if ((rc = store_q(s, "SELECT b.id, b.evidence_sha256"
	    " FROM bundles b WHERE b.received < $1 AND NOT EXISTS"
	    " (SELECT 1 FROM host_baselines hb WHERE hb.bundle_id = b.id)",
	    p, 1, store_prune_add, &a, err)) != 0)
		goto fail;
	if (a.nomem)
		goto nomem;
	for (i = 0; i < a.n; i++) {
		char *sp = strchr(a.v[i], ' ');

		*sp = '\0';
		p[0] = a.v[i];
		if ((rc = store_q(s, "DELETE FROM rule_results"
		    " WHERE bundle_id = $1", p, 1, NULL, NULL, err)) != 0 ||
		    (rc = store_q(s, "DELETE FROM bundles WHERE id = $1",
		    p, 1, NULL, NULL, err)) != 0)
			goto fail;
		/* Keep only the digest. */
		memmove(a.v[i], sp + 1, strlen(sp + 1) + 1);
	}
	/* Keep the digests no remaining bundle uses, once each. */
	for (i = 0, k = 0; i < a.n; i++) {
		dupe = a.v[i][0] == '\0';
		for (j = 0; j < k && !dupe; j++)
			if (strcmp(a.v[j], a.v[i]) == 0)
				dupe = 1;
		refs = 0;
		p[0] = a.v[i];
		if (!dupe && (rc = store_q(s, "SELECT 1 FROM bundles"
		    " WHERE evidence_sha256 = $1", p, 1, store_count_rows,
		    &refs, err)) != 0)
			goto fail;
		if (dupe || refs > 0) {
			free(a.v[i]);
			a.v[i] = NULL;
			continue;
		}
		a.v[k++] = a.v[i];
		if (k - 1 != i)
			a.v[i] = NULL;
	}
	a.n = k;
	if ((rc = s->drv->exec(s, "COMMIT", err)) != 0)
		goto fail;
	if (a.n == 0) {
		free(a.v);
		a.v = NULL;
	}
	*digests = a.v;
	*n = a.n;
	return PLUMB_OK;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
fail:
	store_tx_rollback(s);
	store_strings_free(a.v, a.n);
	return rc;
}

char *
store_host_lower(char *s)
{
	char *p;

	for (p = s; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}
