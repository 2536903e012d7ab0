/*
 * check_drift.c - the ISMS control set (controls.h), drift per host
 * (drift.h), waivers (waivers.h) and the exports (export.h), through
 * their functions and their API route tables.  The store is a SQLite
 * file in a temporary directory, or the PostgreSQL database named by
 * PLUMB_TEST_PG (wiped first) when that is set.
 *
 * The fleet (every expected value below is worked out by hand from it
 * and tests/collector/fixtures/controls-small.ini; T = 1000000):
 *
 *   host h1 (role mes), benchmark bm, profile p:
 *     S1 @T+100  r_cm pass aa   r_ssh pass   r_other fail
 *     S2 @T+200  r_cm pass bb   r_ssh fail   r_other pass   r_new pass
 *     S3 @T+300  r_cm fail dd   r_ssh fail   r_other pass
 *   host h2 (role scada):
 *     U1 @T+150  r_cm pass cc   r_ssh pass
 *     U2 @T+250  r_cm pass cc   r_ssh pass
 *   host h3 (role other): r_multi is a multi-check rule (two rows)
 *     V1 @T+120  r_multi pass m1, pass m2
 *     V2 @T+220  r_multi pass m1, fail
 *     V3 @T+320  profile q: r_multi fail
 *
 * r_cm references NIST SP 800-53 "CM-6(a), AC-99": CM-6 maps onto
 * A.8.9 and PR.PS-01, AC-99 onto nothing; r_ssh maps onto A.8.5 by its
 * rule id; r_other, r_new and r_multi map onto nothing.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "plumb/error.h"
#include "api.h"
#include "collector_config.h"
#include "controls.h"
#include "drift.h"
#include "evidence.h"
#include "export.h"
#include "store.h"
#include "waivers.h"

#define T	1000000
#define NIST_HREF	"http://nvlpubs.nist.gov/nistpubs/" \
	"SpecialPublications/NIST.SP.800-53r4.pdf"
#define REFS_CM \
	"[{\"href\":\"" NIST_HREF "\",\"text\":\"CM-6(a), AC-99\"}]"

#define S1 "11111111-1111-4111-8111-000000000001"
#define S2 "11111111-1111-4111-8111-000000000002"
#define S3 "11111111-1111-4111-8111-000000000003"
#define U1 "22222222-2222-4222-8222-000000000001"
#define U2 "22222222-2222-4222-8222-000000000002"
#define V1 "33333333-3333-4333-8333-000000000001"
#define V2 "33333333-3333-4333-8333-000000000002"
#define V3 "33333333-3333-4333-8333-000000000003"
#define W1 "44444444-4444-4444-8444-000000000001"
#define W2 "44444444-4444-4444-8444-000000000002"
#define W3 "44444444-4444-4444-8444-000000000003"
#define C1 "55555555-5555-4555-8555-000000000001"
#define C2 "55555555-5555-4555-8555-000000000002"
#define C3 "55555555-5555-4555-8555-000000000003"
#define C4 "55555555-5555-4555-8555-000000000004"

static char dir[64];
static char dbpath[128];
static char evdir[128];
static const char *dburl;
static struct store *st;
static struct controls *ctl;
static struct collector_config cfg;
static struct api_ctx ctx;

/* The evidence SHA-256 of each scan, by index of scan_uuids. */
static const char *const scan_uuids[] = { S1, S2, S3, U1, U2, V1, V2, V3 };
static char scan_sha[8][STORE_SHA256_HEX];

static const char *
srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s != NULL && *s != '\0' ? s : ".";
}

struct rule_spec {
	const char *id, *result, *digest, *refs;
};

/* Store one scan with its rules (and fake evidence bytes). */
static void
scan(const char *uuid, const char *host, const char *role, time_t created,
    const char *profile, const struct rule_spec *rs, size_t n)
{
	struct store_host h;
	struct store_bundle b;
	struct store_rule r[4];
	struct plumb_err err;
	char tmp[EVIDENCE_PATH_MAX], sha[STORE_SHA256_HEX], data[128];
	size_t i;
	int dup = -1, existed;

	memset(&err, 0, sizeof(err));
	ck_assert_uint_le(n, 4);
	snprintf(data, sizeof(data), "not really CMS: bundle %s of %s", uuid,
	    host);
	ck_assert_msg(evidence_write_tmp(evdir, data, strlen(data), tmp, sha,
	    &err) == PLUMB_OK, "%s", err.msg);
	ck_assert_msg(evidence_commit(evdir, tmp, sha, &existed, &err) ==
	    PLUMB_OK, "%s", err.msg);
	for (i = 0; i < 8; i++)
		if (strcmp(scan_uuids[i], uuid) == 0)
			snprintf(scan_sha[i], sizeof(scan_sha[i]), "%s", sha);
	memset(&h, 0, sizeof(h));
	snprintf(h.id, sizeof(h.id), "%s", host);
	snprintf(h.role, sizeof(h.role), "%s", role);
	snprintf(h.site, sizeof(h.site), "north");
	snprintf(h.zone, sizeof(h.zone), "z1");
	memset(&b, 0, sizeof(b));
	snprintf(b.uuid, sizeof(b.uuid), "%s", uuid);
	snprintf(b.host, sizeof(b.host), "%s", host);
	snprintf(b.signer, sizeof(b.signer), "CN = %s", host);
	snprintf(b.signer_sha256, sizeof(b.signer_sha256), "%064d", 0);
	snprintf(b.evidence_sha256, sizeof(b.evidence_sha256), "%s", sha);
	snprintf(b.archive_sha256, sizeof(b.archive_sha256), "%064d", 1);
	snprintf(b.benchmark_id, sizeof(b.benchmark_id), "bm");
	snprintf(b.profile_id, sizeof(b.profile_id), "%s", profile);
	b.created = created;
	b.received = created + 5;
	b.evidence_bytes = strlen(data);
	b.platform_applicable = 1;
	memset(r, 0, sizeof(r));
	for (i = 0; i < n; i++) {
		r[i].seq = (unsigned)i;
		r[i].rule_id = (char *)rs[i].id;
		r[i].result = (char *)rs[i].result;
		r[i].severity = "medium";
		r[i].weight = 1;
		r[i].items_digest = (char *)rs[i].digest;
		r[i].references = (char *)(rs[i].refs != NULL ? rs[i].refs :
		    "[]");
	}
	ck_assert_msg(store_bundle_insert(st, &h, &b, r, n, &dup, &err) ==
	    PLUMB_OK, "%s", err.msg);
	ck_assert_int_eq(dup, 0);
}

static void
fleet(void)
{
	const struct rule_spec s1[] = {
		{ "r_cm", "pass", "sha256:aa", REFS_CM },
		{ "r_ssh", "pass", NULL, NULL },
		{ "r_other", "fail", NULL, NULL } };
	const struct rule_spec s2[] = {
		{ "r_cm", "pass", "sha256:bb", REFS_CM },
		{ "r_ssh", "fail", NULL, NULL },
		{ "r_other", "pass", NULL, NULL },
		{ "r_new", "pass", NULL, NULL } };
	const struct rule_spec s3[] = {
		{ "r_cm", "fail", "sha256:dd", REFS_CM },
		{ "r_ssh", "fail", NULL, NULL },
		{ "r_other", "pass", NULL, NULL } };
	const struct rule_spec u[] = {
		{ "r_cm", "pass", "sha256:cc", REFS_CM },
		{ "r_ssh", "pass", NULL, NULL } };
	const struct rule_spec v1[] = {
		{ "r_multi", "pass", "sha256:m1", NULL },
		{ "r_multi", "pass", "sha256:m2", NULL } };
	const struct rule_spec v2[] = {
		{ "r_multi", "pass", "sha256:m1", NULL },
		{ "r_multi", "fail", NULL, NULL } };
	const struct rule_spec v3[] = {
		{ "r_multi", "fail", NULL, NULL } };

	/* Inserted out of time order on purpose. */
	scan(S3, "h1", "mes", T + 300, "p", s3, 3);
	scan(S1, "h1", "mes", T + 100, "p", s1, 3);
	scan(U1, "h2", "scada", T + 150, "p", u, 2);
	scan(S2, "h1", "mes", T + 200, "p", s2, 4);
	scan(U2, "h2", "scada", T + 250, "p", u, 2);
	scan(V1, "h3", "other", T + 120, "p", v1, 2);
	scan(V2, "h3", "other", T + 220, "p", v2, 2);
	scan(V3, "h3", "other", T + 320, "q", v3, 1);
}

static void
setup(void)
{
	struct plumb_err err;
	char path[256];
	struct store *w = NULL;

	memset(&err, 0, sizeof(err));
	snprintf(dir, sizeof(dir), "/tmp/check_drift.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/plumb.db", dir);
	snprintf(evdir, sizeof(evdir), "%s/evidence", dir);
	ck_assert_msg(evidence_init(evdir, &err) == PLUMB_OK, "%s", err.msg);
	dburl = getenv("PLUMB_TEST_PG");
	if (dburl != NULL && *dburl != '\0') {
		/* Start from an empty schema, through the store itself. */
		ck_assert_msg(store_open(dburl, &w, &err) == PLUMB_OK, "%s: %s",
		    dburl, err.msg);
		ck_assert_msg(store_query(w, "DROP SCHEMA IF EXISTS public "
		    "CASCADE", NULL, 0, NULL, NULL, NULL, &err) == PLUMB_OK,
		    "%s", err.msg);
		ck_assert_msg(store_query(w, "CREATE SCHEMA public", NULL, 0,
		    NULL, NULL, NULL, &err) == PLUMB_OK, "%s", err.msg);
		store_close(w);
	} else
		dburl = dbpath;
	ck_assert_msg(store_open(dburl, &st, &err) == PLUMB_OK, "%s", err.msg);
	ck_assert_msg(drift_init(st, &err) == PLUMB_OK, "%s", err.msg);
	ck_assert_msg(waivers_init(st, &err) == PLUMB_OK, "%s", err.msg);
	/* Idempotent. */
	ck_assert_msg(drift_init(st, &err) == PLUMB_OK, "%s", err.msg);
	ck_assert_msg(waivers_init(st, &err) == PLUMB_OK, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/tests/collector/fixtures/"
	    "controls-small.ini", srcdir());
	ck_assert_msg(controls_load(path, &ctl, &err) == PLUMB_OK, "%s",
	    err.msg);
	/* Rollups from now on, made as each scan below is stored. */
	ck_assert_msg(controls_attach(ctl, st, &err) == PLUMB_OK, "%s",
	    err.msg);
	memset(&cfg, 0, sizeof(cfg));
	cfg.evidence_dir = evdir;
	cfg.controls_trend_days = 366;
	memset(&ctx, 0, sizeof(ctx));
	ctx.store = st;
	ctx.cfg = &cfg;
	ctx.controls = ctl;
	fleet();
}

static void
teardown(void)
{
	char cmd[128];

	store_close(st);
	st = NULL;
	controls_free(ctl);
	ctl = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "%s: could not remove %s\n", __FILE__, dir);
}

/*
 * Call the API: method, path under /api/v1/ ("hosts/h1/drift"), query
 * (or NULL), body (or NULL), time, credentials.  Returns the reply
 * (status, json); the caller clears it.
 */
static struct api_reply
call_as(const char *method, const char *path, const char *query,
    const char *body, time_t now, int auth, const char *scope)
{
	static char pbuf[512];
	struct api_req req;
	struct api_reply rep;
	char *p, *slash;

	memset(&req, 0, sizeof(req));
	snprintf(pbuf, sizeof(pbuf), "%s", path);
	for (p = pbuf; p != NULL && req.nseg < API_SEG_MAX; p = slash) {
		if ((slash = strchr(p, '/')) != NULL)
			*slash++ = '\0';
		req.seg[req.nseg++] = p;
	}
	req.method = method;
	req.query = query;
	req.body = (const unsigned char *)body;
	req.body_len = body != NULL ? strlen(body) : 0;
	req.auth = auth;
	/* One person per role: alice the admin, bob the approver, carol
	 * the auditor (call_by() names another). */
	req.principal = auth == API_AUTH_ADMIN ? "token:alice" :
	    auth == API_AUTH_APPROVER ? "token:bob" :
	    auth == API_AUTH_AUDITOR ? "token:carol" : "agent:h1";
	req.scope_host = scope;
	req.now = now;
	api_dispatch(&ctx, &req, &rep);
	return rep;
}

static struct api_reply
call(const char *method, const char *path, const char *query,
    const char *body, time_t now)
{
	return call_as(method, path, query, body, now, API_AUTH_ADMIN, NULL);
}

/* Member key of object o as a string ("" when absent, "(null)" null). */
static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return "";
	if (json_is_null(v))
		return "(null)";
	return json_string_value(v) != NULL ? json_string_value(v) : "?";
}

static long long
jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -999;
}

/* ---------------------------------------------------------- controls */

START_TEST(test_controls_match)
{
	unsigned char hit[3];
	size_t unmapped = 0;
	long a89, a85, ps01;

	ck_assert_uint_eq(controls_count(ctl), 3);
	a89 = controls_find(ctl, "iso27001-2022", "A.8.9");
	a85 = controls_find(ctl, "iso27001-2022", "A.8.5");
	ps01 = controls_find(ctl, "csf2", "PR.PS-01");
	ck_assert_int_eq(a89, 0);
	ck_assert_int_eq(a85, 1);
	ck_assert_int_eq(ps01, 2);
	ck_assert_int_eq(controls_find(ctl, "csf2", "A.8.9"), -1);
	ck_assert_str_eq(controls_framework_title(ctl, "csf2"),
	    "NIST Cybersecurity Framework 2.0");
	/* CM-6(a) falls back to CM-6; AC-99 maps to nothing. */
	memset(hit, 0, sizeof(hit));
	controls_match(ctl, "r_cm", REFS_CM, hit, &unmapped);
	ck_assert_int_eq(hit[0], 1);
	ck_assert_int_eq(hit[1], 0);
	ck_assert_int_eq(hit[2], 1);
	ck_assert_uint_eq(unmapped, 1);
	/* By rule id. */
	memset(hit, 0, sizeof(hit));
	unmapped = 0;
	controls_match(ctl, "r_ssh", "[]", hit, &unmapped);
	ck_assert(hit[0] == 0 && hit[1] == 1 && hit[2] == 0);
	ck_assert_uint_eq(unmapped, 0);
	/* A reference of a target framework counts directly; an unknown
	 * target value and a foreign href do not. */
	memset(hit, 0, sizeof(hit));
	controls_match(ctl, "r_x", "[{\"href\":\"https://www.iso.org/"
	    "standard/82875.html\",\"text\":\"A.8.5, A.9.9\"},"
	    "{\"href\":\"https://example.org/\",\"text\":\"A.8.9\"},"
	    "{\"href\":null,\"text\":\"CM-6\"}]", hit, &unmapped);
	ck_assert(hit[0] == 0 && hit[1] == 1 && hit[2] == 0);
	ck_assert_uint_eq(unmapped, 1);
	/* Broken JSON: no references, no crash. */
	memset(hit, 0, sizeof(hit));
	controls_match(ctl, "r_x", "[{", hit, NULL);
	ck_assert(hit[0] == 0 && hit[1] == 0 && hit[2] == 0);
}
END_TEST

/* Write text to dir/name; returns the path (static buffer). */
static const char *
write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	return path;
}

START_TEST(test_controls_errors)
{
	struct controls *c = (struct controls *)1;
	struct plumb_err err;
	const char *p;
	char want[300];

	/* A map naming a control without a [control] section: line 9. */
	p = write_file("bad1.ini",
	    "[framework iso27001-2022]\n"
	    "title = ISO\n"
	    "href = https://iso\n"
	    "role = target\n"
	    "[framework nist800-53]\n"
	    "title = NIST\n"
	    "role = source\n"
	    "[map nist800-53 CM-6]\n"
	    "iso27001-2022 = A.8.9\n"
	    "[control iso27001-2022 A.8.5]\n"
	    "title = Secure authentication\n");
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(controls_load(p, &c, &err), PLUMB_EPARSE);
	ck_assert_ptr_null(c);
	snprintf(want, sizeof(want), "%s:9: ", p);
	ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "%s",
	    err.msg);
	ck_assert_ptr_nonnull(strstr(err.msg, "A.8.9"));
	/* An unknown section kind on line 2, an unknown key on line 3. */
	p = write_file("bad2.ini", "# x\n[mapping rule r]\nx = y\n");
	ck_assert_int_eq(controls_load(p, &c, &err), PLUMB_EPARSE);
	snprintf(want, sizeof(want), "%s:2: ", p);
	ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "%s",
	    err.msg);
	p = write_file("bad3.ini", "[framework csf2]\nrole = target\n"
	    "colour = red\n");
	ck_assert_int_eq(controls_load(p, &c, &err), PLUMB_EPARSE);
	snprintf(want, sizeof(want), "%s:3: ", p);
	ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "%s",
	    err.msg);
	/* A control of an undeclared framework. */
	p = write_file("bad4.ini", "\n\n[control csf3 PR.X]\ntitle = x\n");
	ck_assert_int_eq(controls_load(p, &c, &err), PLUMB_EPARSE);
	snprintf(want, sizeof(want), "%s:3: ", p);
	ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "%s",
	    err.msg);
	/* Missing file. */
	ck_assert_int_eq(controls_load("/nonexistent/c.ini", &c, &err),
	    PLUMB_ENOENT);
}
END_TEST

/* The shipped control set loads and maps SSG-style references. */
START_TEST(test_controls_shipped)
{
	struct controls *c = NULL;
	struct plumb_err err;
	unsigned char *hit;
	char path[256];
	size_t n, unmapped = 0;
	long k;

	snprintf(path, sizeof(path), "%s/benchmarks/controls/"
	    "isms-controls.ini", srcdir());
	memset(&err, 0, sizeof(err));
	ck_assert_msg(controls_load(path, &c, &err) == PLUMB_OK, "%s",
	    err.msg);
	n = controls_count(c);
	/* 27 ISO/IEC 27001:2022 controls in the file, plus CSF and 62443. */
	ck_assert_uint_gt(n, 27);
	ck_assert_int_ge(controls_find(c, "iec62443-3-3", "SR 7.6"), 0);
	ck_assert_ptr_nonnull(hit = calloc(n, 1));
	/* [map nist800-53 AC-7]: A.8.5, PR.AA-03, SR 1.11; AC-7(a) falls
	 * back to it. */
	controls_match(c, "xccdf_org.ssgproject.content_rule_x",
	    "[{\"href\":\"" NIST_HREF "\",\"text\":\"AC-7(a)\"}]", hit,
	    &unmapped);
	ck_assert_int_ge(k = controls_find(c, "iso27001-2022", "A.8.5"), 0);
	ck_assert_int_eq(hit[k], 1);
	ck_assert_int_ge(k = controls_find(c, "csf2", "PR.AA-03"), 0);
	ck_assert_int_eq(hit[k], 1);
	ck_assert_int_ge(k = controls_find(c, "iec62443-3-3", "SR 1.11"), 0);
	ck_assert_int_eq(hit[k], 1);
	ck_assert_uint_eq(unmapped, 0);
	free(hit);
	controls_free(c);
}
END_TEST

/* ------------------------------------------------------------- drift */

START_TEST(test_drift_host)
{
	struct drift_change *c = NULL;
	struct plumb_err err;
	size_t n = 0;

	memset(&err, 0, sizeof(err));
	ck_assert_msg(drift_host(st, "h1", 0, &c, &n, &err) == PLUMB_OK, "%s",
	    err.msg);
	ck_assert_uint_eq(n, 6);
	/* T+200, by rule id. */
	ck_assert_str_eq(c[0].rule_id, "r_cm");
	ck_assert_int_eq(c[0].kind, DRIFT_CONFIG);
	ck_assert_str_eq(c[0].from_digest, "sha256:aa");
	ck_assert_str_eq(c[0].to_digest, "sha256:bb");
	ck_assert_str_eq(c[0].from_scan, S1);
	ck_assert_str_eq(c[0].scan, S2);
	ck_assert_int_eq(c[0].time, T + 200);
	ck_assert_str_eq(c[1].rule_id, "r_new");
	ck_assert_int_eq(c[1].kind, DRIFT_NEW);
	ck_assert_ptr_null(c[1].from);
	ck_assert_str_eq(c[1].to, "pass");
	ck_assert_str_eq(c[2].rule_id, "r_other");
	ck_assert_int_eq(c[2].kind, DRIFT_IMPROVEMENT);
	ck_assert_str_eq(c[3].rule_id, "r_ssh");
	ck_assert_int_eq(c[3].kind, DRIFT_REGRESSION);
	ck_assert_str_eq(c[3].from, "pass");
	ck_assert_str_eq(c[3].to, "fail");
	ck_assert_int_eq(c[3].first_seen, T + 200);
	/* T+300. */
	ck_assert_str_eq(c[4].rule_id, "r_cm");
	ck_assert_int_eq(c[4].kind, DRIFT_REGRESSION);
	ck_assert_str_eq(c[4].scan, S3);
	ck_assert_int_eq(c[4].time, T + 300);
	ck_assert_str_eq(c[5].rule_id, "r_new");
	ck_assert_int_eq(c[5].kind, DRIFT_REMOVED);
	ck_assert_str_eq(c[5].from, "pass");
	ck_assert_ptr_null(c[5].to);
	drift_free(c, n);
	/* since T+250: only the changes of S3. */
	ck_assert(drift_host(st, "h1", T + 250, &c, &n, &err) == PLUMB_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(c[0].rule_id, "r_cm");
	ck_assert_str_eq(c[1].rule_id, "r_new");
	drift_free(c, n);
	/* h2 never changed. */
	ck_assert(drift_host(st, "h2", 0, &c, &n, &err) == PLUMB_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(c);
	/* h3: the multi-check rule folds to its worst result and joined
	 * digests; V3 has another profile and no predecessor. */
	ck_assert(drift_host(st, "h3", 0, &c, &n, &err) == PLUMB_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(c[0].rule_id, "r_multi");
	ck_assert_int_eq(c[0].kind, DRIFT_REGRESSION);
	ck_assert_str_eq(c[0].from, "pass");
	ck_assert_str_eq(c[0].to, "fail");
	ck_assert_str_eq(c[0].from_digest, "sha256:m1,sha256:m2");
	ck_assert_str_eq(c[0].to_digest, "sha256:m1");
	ck_assert_str_eq(c[0].scan, V2);
	drift_free(c, n);
}
END_TEST

/* The changes of host as one line each (drift_stored). */
static void
drift_text(const char *host, char *buf, size_t size)
{
	struct drift_change *c = NULL;
	struct plumb_err err;
	size_t n = 0, i, len = 0;

	memset(&err, 0, sizeof(err));
	ck_assert_msg(drift_host(st, host, 0, &c, &n, &err) == PLUMB_OK, "%s",
	    err.msg);
	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len,
		    "%s %s %s %s>%s %s>%s %s %s %lld %s/%s/%s\n", c[i].host,
		    c[i].rule_id, drift_kind_name(c[i].kind),
		    c[i].from ? c[i].from : "-", c[i].to ? c[i].to : "-",
		    c[i].from_digest ? c[i].from_digest : "-",
		    c[i].to_digest ? c[i].to_digest : "-", c[i].from_scan,
		    c[i].scan, (long long)c[i].time, c[i].benchmark_id,
		    c[i].profile_id, c[i].target_root);
	drift_free(c, n);
}

static void
drift_sql(const char *sql)
{
	struct plumb_err err;

	memset(&err, 0, sizeof(err));
	ck_assert_msg(store_query(st, sql, NULL, 0, NULL, NULL, NULL, &err) ==
	    PLUMB_OK, "%s: %s", sql, err.msg);
}

/*
 * The stored changes (drift_changes, kept at ingest; S1 was stored
 * after S3, so S3 was compared again) are those derived again from the
 * rule results: for a database made before they were kept (migration 2
 * and drift_sync() at drift_init()), for scans stored without the hook,
 * and after a scan between two others is removed (retention).
 */
START_TEST(test_drift_stored)
{
	static char want1[4096], want3[4096], got[4096];
	struct plumb_err err;
	size_t nh = 0;

	memset(&err, 0, sizeof(err));
	drift_text("h1", want1, sizeof(want1));
	drift_text("h3", want3, sizeof(want3));
	ck_assert_msg(strstr(want1, "r_ssh regression pass>fail -" ">- "
	    S1 " " S2) != NULL, "%s", want1);
	/* A database of the previous schema: no tables, no version 2. */
	drift_sql("DROP TABLE drift_changes");
	drift_sql("DROP TABLE drift_scans");
	drift_sql("DELETE FROM schema_migrations WHERE component = 'drift' "
	    "AND version = 2");
	ck_assert_msg(drift_init(st, &err) == PLUMB_OK, "%s", err.msg);
	drift_text("h1", got, sizeof(got));
	ck_assert_str_eq(got, want1);
	drift_text("h3", got, sizeof(got));
	ck_assert_str_eq(got, want3);
	/* Rows lost (scans stored by a process without the hook): the
	 * readers notice the newest scan has none and derive them. */
	drift_sql("DELETE FROM drift_changes");
	drift_sql("DELETE FROM drift_scans");
	drift_text("h1", got, sizeof(got));
	ck_assert_str_eq(got, want1);
	ck_assert_msg(drift_sync(st, &nh, &err) == PLUMB_OK, "%s", err.msg);
	ck_assert_uint_eq(nh, 0);
	/* S2 removed (as store_prune() removes a scan): S3 is now
	 * compared with S1. */
	drift_sql("DELETE FROM rule_results WHERE bundle_id = (SELECT id "
	    "FROM bundles WHERE uuid = '" S2 "')");
	drift_sql("DELETE FROM bundles WHERE uuid = '" S2 "'");
	ck_assert_msg(drift_sync(st, &nh, &err) == PLUMB_OK, "%s", err.msg);
	ck_assert_uint_eq(nh, 1);
	drift_text("h1", got, sizeof(got));
	ck_assert_str_eq(got,
	    "h1 r_cm regression pass>fail sha256:aa>sha256:dd " S1 " " S3
	    " 1000300 bm/p/\n"
	    "h1 r_other improvement fail>pass ->- " S1 " " S3
	    " 1000300 bm/p/\n"
	    "h1 r_ssh regression pass>fail ->- " S1 " " S3
	    " 1000300 bm/p/\n");
	drift_text("h3", got, sizeof(got));
	ck_assert_str_eq(got, want3);
}
END_TEST

START_TEST(test_drift_api)
{
	struct api_reply r;
	json_t *ch;

	r = call("GET", "hosts/h1/drift", "since=1000250", NULL, T + 1000);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(jstr(r.json, "host"), "h1");
	ch = json_object_get(r.json, "changes");
	ck_assert_uint_eq(json_array_size(ch), 2);
	ck_assert_str_eq(jstr(json_array_get(ch, 0), "kind"), "regression");
	ck_assert_str_eq(jstr(json_array_get(ch, 0), "from"), "pass");
	ck_assert_str_eq(jstr(json_array_get(ch, 0), "to"), "fail");
	ck_assert_str_eq(jstr(json_array_get(ch, 0), "from_digest"),
	    "sha256:bb");
	ck_assert_str_eq(jstr(json_array_get(ch, 0), "to_digest"),
	    "sha256:dd");
	ck_assert_int_eq(jint(json_array_get(ch, 0), "time"), T + 300);
	ck_assert_str_eq(jstr(json_array_get(ch, 1), "kind"), "removed");
	ck_assert_str_eq(jstr(json_array_get(ch, 1), "to"), "(null)");
	api_reply_clear(&r);
	/* ISO 8601 since: 1970-01-12T13:50:50Z = 1000250. */
	r = call("GET", "hosts/h1/drift", "since=1970-01-12T13%3A50%3A50Z",
	    NULL, T + 1000);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "changes")),
	    2);
	api_reply_clear(&r);
	r = call("GET", "hosts/h1/drift", "since=yesterday", NULL, T + 1000);
	ck_assert_int_eq(r.status, 400);
	api_reply_clear(&r);
	r = call("GET", "hosts/nosuch/drift", NULL, NULL, T + 1000);
	ck_assert_int_eq(r.status, 404);
	api_reply_clear(&r);
	/* Fleet: h1's 6 and h3's 1, oldest first; filtered by role. */
	r = call("GET", "drift", NULL, NULL, T + 1000);
	ck_assert_int_eq(r.status, 200);
	ch = json_object_get(r.json, "changes");
	ck_assert_uint_eq(json_array_size(ch), 7);
	ck_assert_str_eq(jstr(json_array_get(ch, 4), "host"), "h3");
	ck_assert_int_eq(jint(json_array_get(ch, 4), "time"), T + 220);
	api_reply_clear(&r);
	r = call("GET", "drift", "role=scada", NULL, T + 1000);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "changes")),
	    0);
	api_reply_clear(&r);
	r = call("GET", "drift", "role=other&site=north", NULL, T + 1000);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "changes")),
	    1);
	api_reply_clear(&r);
	/* An agent sees its own host only; the fleet route is admin's. */
	r = call_as("GET", "hosts/h1/drift", NULL, NULL, T + 1000,
	    API_AUTH_AGENT, "h1");
	ck_assert_int_eq(r.status, 200);
	api_reply_clear(&r);
	r = call_as("GET", "hosts/h2/drift", NULL, NULL, T + 1000,
	    API_AUTH_AGENT, "h1");
	ck_assert_int_eq(r.status, 404);
	api_reply_clear(&r);
	r = call_as("GET", "drift", NULL, NULL, T + 1000, API_AUTH_AGENT,
	    "h1");
	ck_assert_int_eq(r.status, 403);
	api_reply_clear(&r);
}
END_TEST

/* GET drift's kind, until and limit, and the counts beside the list. */
START_TEST(test_drift_fleet_page)
{
	static const char *const bad[] = { "kind=bogus", "limit=0",
	    "limit=100001", "limit=x", "until=yesterday" };
	struct api_reply r;
	json_t *ch, *cnt;
	size_t i;

	/* The newest 2 of the 7, still oldest first. */
	r = call("GET", "drift", "limit=2", NULL, T + 1000);
	ck_assert_int_eq(r.status, 200);
	ch = json_object_get(r.json, "changes");
	ck_assert_uint_eq(json_array_size(ch), 2);
	ck_assert_str_eq(jstr(json_array_get(ch, 0), "rule_id"), "r_cm");
	ck_assert_str_eq(jstr(json_array_get(ch, 1), "rule_id"), "r_new");
	ck_assert_int_eq(jint(json_array_get(ch, 1), "time"), T + 300);
	ck_assert_int_eq(jint(r.json, "total"), 7);
	ck_assert(json_is_true(json_object_get(r.json, "truncated")));
	ck_assert_int_eq(jint(r.json, "hosts_changed"), 2);
	ck_assert_int_eq(jint(r.json, "limit"), 2);
	cnt = json_object_get(r.json, "counts");
	ck_assert_int_eq(jint(cnt, "regression"), 3);
	ck_assert_int_eq(jint(cnt, "improvement"), 1);
	ck_assert_int_eq(jint(cnt, "config"), 1);
	ck_assert_int_eq(jint(cnt, "changed"), 0);
	ck_assert_int_eq(jint(cnt, "new"), 1);
	ck_assert_int_eq(jint(cnt, "removed"), 1);
	api_reply_clear(&r);
	/* One kind: the list and total of that kind, counts of all. */
	r = call("GET", "drift", "kind=regression", NULL, T + 1000);
	ck_assert_int_eq(r.status, 200);
	ch = json_object_get(r.json, "changes");
	ck_assert_uint_eq(json_array_size(ch), 3);
	for (i = 0; i < 3; i++)
		ck_assert_str_eq(jstr(json_array_get(ch, i), "kind"),
		    "regression");
	ck_assert_int_eq(jint(r.json, "total"), 3);
	ck_assert(json_is_false(json_object_get(r.json, "truncated")));
	ck_assert_int_eq(jint(json_object_get(r.json, "counts"), "config"), 1);
	api_reply_clear(&r);
	/* A period: until, since; hosts counted within it. */
	r = call("GET", "drift", "until=1000250", NULL, T + 1000);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "changes")),
	    5);
	ck_assert_int_eq(jint(r.json, "hosts_changed"), 2);
	api_reply_clear(&r);
	r = call("GET", "drift", "since=1000250", NULL, T + 1000);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "changes")),
	    2);
	ck_assert_int_eq(jint(r.json, "hosts_changed"), 1);
	api_reply_clear(&r);
	r = call("GET", "drift", "role=other", NULL, T + 1000);
	ck_assert_int_eq(jint(r.json, "total"), 1);
	ck_assert_int_eq(jint(r.json, "hosts_changed"), 1);
	ck_assert_int_eq(jint(json_object_get(r.json, "counts"), "config"), 0);
	api_reply_clear(&r);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = call("GET", "drift", bad[i], NULL, T + 1000);
		ck_assert_msg(r.status == 400, "%s: %d", bad[i], r.status);
		api_reply_clear(&r);
	}
}
END_TEST

START_TEST(test_baseline)
{
	struct api_reply r;
	json_t *ch, *c;

	r = call("GET", "hosts/h1/baseline", NULL, NULL, T + 400);
	ck_assert_int_eq(r.status, 404);
	api_reply_clear(&r);
	/* Another host's scan is refused. */
	r = call("POST", "hosts/h1/baseline", NULL, "{\"scan\":\"" U1 "\"}",
	    T + 400);
	ck_assert_int_eq(r.status, 404);
	api_reply_clear(&r);
	/* No body: the newest scan, S3; then S1 replaces it. */
	r = call("POST", "hosts/h1/baseline", NULL, NULL, T + 400);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(jstr(r.json, "scan"), S3);
	api_reply_clear(&r);
	r = call("GET", "hosts/h1/baseline", NULL, NULL, T + 400);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(jstr(r.json, "compared_scan"), "(null)");
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "changes")),
	    0);
	api_reply_clear(&r);
	r = call("POST", "hosts/h1/baseline", NULL, "{\"scan\":\"" S1 "\"}",
	    T + 410);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(jstr(r.json, "scan"), S1);
	ck_assert_str_eq(jstr(r.json, "accepted_by"), "token:alice");
	ck_assert_int_eq(jint(r.json, "accepted_time"), T + 410);
	api_reply_clear(&r);
	/*
	 * S3 against S1: r_cm pass -> fail (first seen in S3, since S2
	 * still passed), r_other fail -> pass and r_ssh pass -> fail (both
	 * already so in S2, T+200); r_new is absent from both.
	 */
	r = call_as("GET", "hosts/h1/baseline", NULL, NULL, T + 500,
	    API_AUTH_AGENT, "h1");
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(jstr(r.json, "scan"), S1);
	ck_assert_str_eq(jstr(r.json, "compared_scan"), S3);
	ck_assert_int_eq(jint(r.json, "accepted_time"), T + 410);
	ch = json_object_get(r.json, "changes");
	ck_assert_uint_eq(json_array_size(ch), 3);
	c = json_array_get(ch, 0);
	ck_assert_str_eq(jstr(c, "rule_id"), "r_cm");
	ck_assert_str_eq(jstr(c, "kind"), "regression");
	ck_assert_str_eq(jstr(c, "from_digest"), "sha256:aa");
	ck_assert_int_eq(jint(c, "time"), T + 300);
	ck_assert_int_eq(jint(c, "first_seen"), T + 300);
	c = json_array_get(ch, 1);
	ck_assert_str_eq(jstr(c, "rule_id"), "r_other");
	ck_assert_str_eq(jstr(c, "kind"), "improvement");
	ck_assert_int_eq(jint(c, "first_seen"), T + 200);
	c = json_array_get(ch, 2);
	ck_assert_str_eq(jstr(c, "rule_id"), "r_ssh");
	ck_assert_str_eq(jstr(c, "kind"), "regression");
	ck_assert_int_eq(jint(c, "first_seen"), T + 200);
	api_reply_clear(&r);
	/* Agents may not set a baseline. */
	r = call_as("POST", "hosts/h1/baseline", NULL, NULL, T + 500,
	    API_AUTH_AGENT, "h1");
	ck_assert_int_eq(r.status, 403);
	api_reply_clear(&r);
}
END_TEST

/* ---------------------------------------------------- compliance */

/* The CONTROL object of framework/id in a /controls answer. */
static json_t *
find_control(json_t *list, const char *fw, const char *id)
{
	json_t *c;
	size_t i;

	json_array_foreach(list, i, c)
		if (strcmp(jstr(c, "framework"), fw) == 0 &&
		    strcmp(jstr(c, "id"), id) == 0)
			return c;
	return NULL;
}

static void
assert_counts(json_t *o, const char *status, int pass, int fail,
    int waived)
{
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(jstr(o, "status"), status);
	ck_assert_int_eq(jint(o, "pass_hosts"), pass);
	ck_assert_int_eq(jint(o, "fail_hosts"), fail);
	ck_assert_int_eq(jint(o, "waived_hosts"), waived);
}

START_TEST(test_controls_status)
{
	struct api_reply r;
	json_t *list, *c, *h;

	r = call("GET", "controls", NULL, NULL, T + 1000);
	ck_assert_int_eq(r.status, 200);
	list = json_object_get(r.json, "controls");
	ck_assert_uint_eq(json_array_size(list), 3);
	/* h1's S3 fails r_cm and r_ssh; h2 passes; h3 maps nothing. */
	c = find_control(list, "iso27001-2022", "A.8.9");
	assert_counts(c, "fail", 1, 1, 0);
	ck_assert_int_eq(jint(c, "failing_since"), T + 300);
	ck_assert_uint_eq(json_array_size(json_object_get(c, "rules")), 1);
	ck_assert_str_eq(json_string_value(json_array_get(
	    json_object_get(c, "rules"), 0)), "r_cm");
	c = find_control(list, "iso27001-2022", "A.8.5");
	assert_counts(c, "fail", 1, 1, 0);
	ck_assert_int_eq(jint(c, "failing_since"), T + 200);
	ck_assert_str_eq(json_string_value(json_array_get(
	    json_object_get(c, "rules"), 0)), "r_ssh");
	c = find_control(list, "csf2", "PR.PS-01");
	assert_counts(c, "fail", 1, 1, 0);
	api_reply_clear(&r);
	r = call("GET", "controls", "framework=csf2", NULL, T + 1000);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json,
	    "controls")), 1);
	api_reply_clear(&r);
	r = call("GET", "controls", "framework=cobit", NULL, T + 1000);
	ck_assert_int_eq(r.status, 400);
	api_reply_clear(&r);
	/* Detail: a control id with a space would be percent-decoded by
	 * the HTTP layer; here the ids have none. */
	r = call("GET", "controls/iso27001-2022/A.8.5", NULL, NULL, T + 1000);
	ck_assert_int_eq(r.status, 200);
	list = json_object_get(r.json, "hosts");
	ck_assert_uint_eq(json_array_size(list), 2);
	h = json_array_get(list, 0);
	ck_assert_str_eq(jstr(h, "host"), "h1");
	ck_assert_str_eq(jstr(h, "status"), "fail");
	ck_assert_int_eq(jint(h, "since"), T + 200);
	ck_assert_str_eq(jstr(h, "scan"), S3);
	ck_assert_str_eq(json_string_value(json_array_get(
	    json_object_get(h, "failing_rules"), 0)), "r_ssh");
	h = json_array_get(list, 1);
	ck_assert_str_eq(jstr(h, "host"), "h2");
	ck_assert_str_eq(jstr(h, "status"), "pass");
	ck_assert_int_eq(jint(h, "since"), T + 150);
	api_reply_clear(&r);
	r = call("GET", "controls/iso27001-2022/A.1.1", NULL, NULL, T + 1000);
	ck_assert_int_eq(r.status, 404);
	api_reply_clear(&r);
	/* Agents do not see the fleet. */
	r = call_as("GET", "controls", NULL, NULL, T + 1000, API_AUTH_AGENT,
	    "h1");
	ck_assert_int_eq(r.status, 403);
	api_reply_clear(&r);
}
END_TEST

static void
assert_point(json_t *p, time_t t, const char *status, int pass, int fail,
    int waived)
{
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(jint(p, "time"), t);
	assert_counts(p, status, pass, fail, waived);
}

/* A control's host entry in a /controls/FW/ID answer. */
static json_t *
find_host(json_t *detail, const char *host)
{
	json_t *h;
	size_t i;

	json_array_foreach(json_object_get(detail, "hosts"), i, h)
		if (strcmp(jstr(h, "host"), host) == 0)
			return h;
	return NULL;
}

/* The status of baseline profile on host h of a control's detail. */
static const char *
base_status(json_t *h, const char *profile)
{
	json_t *b;
	size_t i;

	json_array_foreach(json_object_get(h, "baselines"), i, b)
		if (strcmp(jstr(b, "profile_id"), profile) == 0)
			return jstr(b, "status");
	return "absent";
}

/*
 * Two baselines on one host (h4, profiles "p" and "o" of benchmark bm):
 *   W1 @T+400 p: r_ssh pass, r_cm pass      -> A.8.5, A.8.9 pass
 *   W2 @T+410 o: r_ssh, r_cm notapplicable  -> o alone: unknown; the
 *	host still passes both from p (the newest scan no longer wins)
 *   W3 @T+420 o: r_ssh fail                 -> A.8.5: p pass, o fail:
 *	host fail; A.8.9: only p maps (r_cm absent from W3): pass
 * Drift compares W3 with W2 only (same baseline): r_ssh notapplicable
 * -> fail is a regression, r_cm removed; W1 is never compared.
 */
START_TEST(test_controls_baselines)
{
	const struct rule_spec pass[] = {
		{ "r_ssh", "pass", NULL, NULL },
		{ "r_cm", "pass", "sha256:aa", REFS_CM } };
	const struct rule_spec na[] = {
		{ "r_ssh", "notapplicable", NULL, NULL },
		{ "r_cm", "notapplicable", NULL, REFS_CM } };
	const struct rule_spec bad[] = {
		{ "r_ssh", "fail", NULL, NULL } };
	struct api_reply r;
	json_t *h, *c;
	size_t i;

	scan(W1, "h4", "mes", T + 400, "p", pass, 2);
	scan(W2, "h4", "mes", T + 410, "o", na, 2);
	r = call("GET", "controls/iso27001-2022/A.8.5", NULL, NULL, T + 415);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(h = find_host(r.json, "h4"));
	ck_assert_str_eq(jstr(h, "status"), "pass");
	ck_assert_uint_eq(json_array_size(json_object_get(h, "baselines")),
	    2);
	ck_assert_str_eq(base_status(h, "p"), "pass");
	ck_assert_str_eq(base_status(h, "o"), "unknown");
	api_reply_clear(&r);
	scan(W3, "h4", "mes", T + 420, "o", bad, 1);
	r = call("GET", "controls/iso27001-2022/A.8.5", NULL, NULL, T + 425);
	ck_assert_ptr_nonnull(h = find_host(r.json, "h4"));
	ck_assert_str_eq(jstr(h, "status"), "fail");
	ck_assert_str_eq(base_status(h, "p"), "pass");
	ck_assert_str_eq(base_status(h, "o"), "fail");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(h,
	    "failing_rules"), 0)), "r_ssh");
	api_reply_clear(&r);
	r = call("GET", "controls/iso27001-2022/A.8.9", NULL, NULL, T + 425);
	ck_assert_ptr_nonnull(h = find_host(r.json, "h4"));
	ck_assert_str_eq(jstr(h, "status"), "pass");
	ck_assert_str_eq(base_status(h, "p"), "pass");
	ck_assert_str_eq(base_status(h, "o"), "absent");
	api_reply_clear(&r);
	/* The host lists both baselines with their newest scans. */
	r = call("GET", "hosts/h4", NULL, NULL, T + 425);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json,
	    "baselines")), 2);
	json_array_foreach(json_object_get(r.json, "baselines"), i, c)
		ck_assert_str_eq(jstr(c, "scan"), strcmp(jstr(c,
		    "profile_id"), "p") == 0 ? W1 : W3);
	api_reply_clear(&r);
	r = call("GET", "hosts/h4/drift", NULL, NULL, T + 425);
	ck_assert_int_eq(r.status, 200);
	c = json_object_get(r.json, "changes");
	ck_assert_uint_eq(json_array_size(c), 2);
	json_array_foreach(c, i, h) {
		ck_assert_str_eq(jstr(h, "from_scan"), W2);
		ck_assert_str_eq(jstr(h, "profile_id"), "o");
		ck_assert_str_eq(jstr(h, "kind"), strcmp(jstr(h, "rule_id"),
		    "r_ssh") == 0 ? "regression" : "removed");
	}
	api_reply_clear(&r);
}
END_TEST

/* Rollups lost (or made by another control set) are rebuilt from the
 * rule results by controls_attach(): the same answers as before. */
START_TEST(test_controls_rebuild)
{
	struct plumb_err err;
	struct api_reply r;
	char *before, *after;
	uint64_t n = 0;

	r = call("GET", "controls", NULL, NULL, T + 1000);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(before = json_dumps(r.json, JSON_SORT_KEYS));
	api_reply_clear(&r);
	ck_assert_msg(store_query(st, "DELETE FROM control_rollups", NULL, 0,
	    NULL, NULL, &n, &err) == PLUMB_OK, "%s", err.msg);
	ck_assert_uint_gt(n, 0);
	/* Without rollups the controls have no hosts. */
	r = call("GET", "controls", NULL, NULL, T + 1000);
	ck_assert_ptr_nonnull(after = json_dumps(r.json, JSON_SORT_KEYS));
	ck_assert_str_ne(before, after);
	free(after);
	api_reply_clear(&r);
	ck_assert_msg(controls_attach(ctl, st, &err) == PLUMB_OK, "%s",
	    err.msg);
	r = call("GET", "controls", NULL, NULL, T + 1000);
	ck_assert_ptr_nonnull(after = json_dumps(r.json, JSON_SORT_KEYS));
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	api_reply_clear(&r);
	/* Made by another control set: made again, none left over. */
	ck_assert_msg(store_query(st, "UPDATE control_rollups SET digest = "
	    "'x'", NULL, 0, NULL, NULL, &n, &err) == PLUMB_OK, "%s", err.msg);
	ck_assert_uint_gt(n, 0);
	ck_assert_msg(controls_attach(ctl, st, &err) == PLUMB_OK, "%s",
	    err.msg);
	n = 0;
	ck_assert_msg(store_query(st, "DELETE FROM control_rollups WHERE "
	    "digest = 'x'", NULL, 0, NULL, NULL, &n, &err) == PLUMB_OK, "%s",
	    err.msg);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_history)
{
	struct api_reply r;
	json_t *pts;

	/* A.8.9: h1 passes at T+100, h2 at T+150, h1 fails at T+300. */
	r = call("GET", "controls/iso27001-2022/A.8.9/history", NULL, NULL,
	    T + 1000);
	ck_assert_int_eq(r.status, 200);
	pts = json_object_get(r.json, "points");
	ck_assert_uint_eq(json_array_size(pts), 3);
	assert_point(json_array_get(pts, 0), T + 100, "pass", 1, 0, 0);
	assert_point(json_array_get(pts, 1), T + 150, "pass", 2, 0, 0);
	assert_point(json_array_get(pts, 2), T + 300, "fail", 1, 1, 0);
	ck_assert_int_eq(jint(r.json, "failing_since"), T + 300);
	api_reply_clear(&r);
	/* A.8.5: h1's r_ssh fails from T+200. */
	r = call("GET", "controls/iso27001-2022/A.8.5/history",
	    "since=1000150", NULL, T + 1000);
	pts = json_object_get(r.json, "points");
	ck_assert_uint_eq(json_array_size(pts), 2);
	assert_point(json_array_get(pts, 0), T + 150, "pass", 2, 0, 0);
	assert_point(json_array_get(pts, 1), T + 200, "fail", 1, 1, 0);
	api_reply_clear(&r);
}
END_TEST

/* ----------------------------------------------------- controls cache */

/* The answer without the cache's own members, as sorted JSON text. */
static char *
cache_strip(json_t *o)
{
	json_t *c = json_deep_copy(o);
	char *t;

	ck_assert_ptr_nonnull(c);
	json_object_del(c, "as_of");
	json_object_del(c, "built");
	json_object_del(c, "rebuilding");
	t = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(c);
	ck_assert_ptr_nonnull(t);
	return t;
}

/*
 * Every control route at now answers from cache cc what a replay at
 * now answers (once a rebuild it asks for is done: polled, 20 s at
 * most).  Returns 1 when the cache was rebuilding on the first call.
 */
static int
cache_same(struct controls_cache *cc, time_t now)
{
	char path[128], *got, *want;
	struct api_reply r;
	size_t k, n = controls_count(ctl);
	int rebuilt = -1, tries;

	for (k = 0; k <= 2 * n; k++) {
		if (k == 0)
			snprintf(path, sizeof(path), "controls");
		else
			snprintf(path, sizeof(path), "controls/%s/%s%s",
			    controls_at(ctl, (k - 1) / 2)->framework,
			    controls_at(ctl, (k - 1) / 2)->id,
			    k % 2 == 0 ? "/history" : "");
		ctx.controls_cache = cc;
		for (tries = 0; ; tries++) {
			r = call("GET", path, NULL, NULL, now);
			ck_assert_int_eq(r.status, 200);
			if (rebuilt < 0)
				rebuilt = json_is_true(json_object_get(r.json,
				    "rebuilding"));
			if (!json_is_true(json_object_get(r.json,
			    "rebuilding")))
				break;
			ck_assert_msg(tries < 400, "%s: still rebuilding",
			    path);
			api_reply_clear(&r);
			usleep(50000);
		}
		ck_assert_ptr_nonnull(json_object_get(r.json, "as_of"));
		got = cache_strip(r.json);
		api_reply_clear(&r);
		ctx.controls_cache = NULL;
		r = call("GET", path, NULL, NULL, now);
		ck_assert_int_eq(r.status, 200);
		ck_assert_ptr_null(json_object_get(r.json, "as_of"));
		want = cache_strip(r.json);
		api_reply_clear(&r);
		ck_assert_msg(strcmp(got, want) == 0, "%s at %lld:\n cache  %s\n "
		    "replay %s", path, (long long)now, got, want);
		free(got);
		free(want);
	}
	return rebuilt;
}

/* The cache answers as the replay does, through scans and waivers in
 * order (applied as they come) and out of order (a rebuild). */
START_TEST(test_controls_cache)
{
	const struct rule_spec bad[] = {
		{ "r_cm", "fail", NULL, REFS_CM },
		{ "r_ssh", "fail", NULL, NULL } };
	const struct rule_spec good[] = {
		{ "r_cm", "pass", NULL, REFS_CM },
		{ "r_ssh", "pass", NULL, NULL } };
	struct controls_cache_opts o;
	struct controls_cache *cc = NULL;
	struct plumb_err err;
	struct api_reply r;
	char path[128];

	memset(&err, 0, sizeof(err));
	memset(&o, 0, sizeof(o));
	o.database = dburl;
	o.history_points = 1000;
	o.rebuild_min_interval_s = 0;
	ck_assert_msg(controls_cache_new(ctl, &o, &cc, &err) == PLUMB_OK,
	    "%s", err.msg);
	ck_assert(controls_cache_wait(cc, 20000));
	ck_assert_int_eq(cache_same(cc, T + 1000), 0);
	/* A waiver (created and approved at T+1000, until T+2000) and a
	 * scan after it: in order, no rebuild. */
	r = call("POST", "waivers", NULL, "{\"rule_id\":\"r_ssh\",\"host\":"
	    "\"h1\",\"justification\":\"j\",\"approver\":\"a\","
	    "\"expires\":1002000}", T + 1000);
	ck_assert_int_eq(r.status, 201);
	snprintf(path, sizeof(path), "waivers/%s", jstr(r.json, "id"));
	api_reply_clear(&r);
	ck_assert_int_eq(cache_same(cc, T + 1000), 0);
	scan(C1, "h2", "scada", T + 1100, "p", bad, 2);
	ck_assert_int_eq(cache_same(cc, T + 1200), 0);
	/* A new host, in order. */
	scan(C2, "h4", "mes", T + 1250, "p", good, 2);
	ck_assert_int_eq(cache_same(cc, T + 1300), 0);
	/* Backdated: older than h2's newest scan of the baseline. */
	scan(C3, "h2", "scada", T + 50, "p", bad, 2);
	ck_assert_int_eq(cache_same(cc, T + 1400), 1);
	/* Revoked at T+1500, then time passes its expiry. */
	r = call("DELETE", path, NULL, NULL, T + 1500);
	ck_assert_int_eq(r.status, 200);
	api_reply_clear(&r);
	ck_assert_int_eq(cache_same(cc, T + 1600), 0);
	ck_assert_int_eq(cache_same(cc, T + 2500), 0);
	/* A waiver, then a later scan, both stored before the next
	 * answer: still in order. */
	r = call("POST", "waivers", NULL, "{\"rule_id\":\"r_cm\",\"role\":"
	    "\"scada\",\"justification\":\"j\",\"approver\":\"a\","
	    "\"expires\":1009000}", T + 2600);
	ck_assert_int_eq(r.status, 201);
	api_reply_clear(&r);
	scan(C4, "h2", "scada", T + 2700, "p", bad, 2);
	ck_assert_int_eq(cache_same(cc, T + 2800), 0);
	controls_cache_free(cc);
	ctx.controls_cache = NULL;
}
END_TEST

/* ------------------------------------------------------------- trend */

/* Point i of a trend answer: its time and counts "PASS FAIL WAIVED
 * UNKNOWN". */
static void
assert_trend(json_t *pts, size_t i, time_t t, const char *counts)
{
	json_t *p = json_array_get(pts, i);
	char got[64];

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(jint(p, "time"), t);
	snprintf(got, sizeof(got), "%lld %lld %lld %lld", jint(p, "pass"),
	    jint(p, "fail"), jint(p, "waived"), jint(p, "unknown"));
	ck_assert_str_eq(got, counts);
}

/*
 * The fleet of fleet() has its changes on day 11 (T = 1000000: day 11
 * starts at 950400): A.8.9 passes from T+100 and fails from T+300,
 * A.8.5 passes from T+100 and fails from T+200; csf2's PR.PS-01 fails.
 * Then h1 passes both at T+172800 (day 13).  Worked by hand: at the
 * end of day 10 (950400) neither ISO control has a host; at the end of
 * days 11 and 12 (1036800, 1123200) both fail; now both pass.
 */
START_TEST(test_trend)
{
	const struct rule_spec good[] = {
		{ "r_cm", "pass", NULL, REFS_CM },
		{ "r_ssh", "pass", NULL, NULL } };
	const time_t now = T + 172900;
	struct controls_cache_opts o;
	struct controls_cache *cc = NULL;
	struct plumb_err err;
	struct api_reply r, rc;
	json_t *pts;
	char *a, *b;

	r = call("GET", "controls/trend", "framework=csf2&days=1", NULL,
	    T + 1000);
	ck_assert_int_eq(r.status, 200);
	pts = json_object_get(r.json, "points");
	ck_assert_uint_eq(json_array_size(pts), 1);
	assert_trend(pts, 0, T + 1000, "0 1 0 0");
	api_reply_clear(&r);
	scan(C1, "h1", "mes", T + 172800, "p", good, 2);
	r = call("GET", "controls/trend", "framework=iso27001-2022&days=4",
	    NULL, now);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(jint(r.json, "days"), 4);
	pts = json_object_get(r.json, "points");
	ck_assert_uint_eq(json_array_size(pts), 4);
	assert_trend(pts, 0, 950400, "0 0 0 2");
	assert_trend(pts, 1, 1036800, "0 2 0 0");
	assert_trend(pts, 2, 1123200, "0 2 0 0");
	assert_trend(pts, 3, now, "2 0 0 0");
	ck_assert_str_eq(jstr(json_array_get(pts, 1), "time_iso"),
	    "1970-01-13T00:00:00Z");
	/* The cache answers the same. */
	memset(&err, 0, sizeof(err));
	memset(&o, 0, sizeof(o));
	o.database = dburl;
	o.history_points = 1000;
	ck_assert_msg(controls_cache_new(ctl, &o, &cc, &err) == PLUMB_OK,
	    "%s", err.msg);
	ck_assert(controls_cache_wait(cc, 20000));
	ctx.controls_cache = cc;
	rc = call("GET", "controls/trend", "framework=iso27001-2022&days=4",
	    NULL, now);
	ck_assert_int_eq(rc.status, 200);
	a = cache_strip(r.json);
	b = cache_strip(rc.json);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	api_reply_clear(&r);
	api_reply_clear(&rc);
	controls_cache_free(cc);
	/* Each control keeps its newest status change only (two at
	 * most, then one): the end of day 10 is before what is kept. */
	o.history_points = 1;
	ck_assert_msg(controls_cache_new(ctl, &o, &cc, &err) == PLUMB_OK,
	    "%s", err.msg);
	ck_assert(controls_cache_wait(cc, 20000));
	ctx.controls_cache = cc;
	r = call("GET", "controls/trend", "framework=iso27001-2022&days=4",
	    NULL, now);
	ck_assert_int_eq(r.status, 200);
	pts = json_object_get(r.json, "points");
	ck_assert_uint_eq(json_array_size(pts), 3);
	assert_trend(pts, 0, 1036800, "0 2 0 0");
	assert_trend(pts, 2, now, "2 0 0 0");
	api_reply_clear(&r);
	controls_cache_free(cc);
	ctx.controls_cache = NULL;
	/* Refused: no or an unknown framework, days out of range; agents
	 * do not see the fleet. */
	r = call("GET", "controls/trend", "days=4", NULL, now);
	ck_assert_int_eq(r.status, 400);
	api_reply_clear(&r);
	r = call("GET", "controls/trend", "framework=cobit", NULL, now);
	ck_assert_int_eq(r.status, 400);
	api_reply_clear(&r);
	r = call("GET", "controls/trend", "framework=csf2&days=0", NULL, now);
	ck_assert_int_eq(r.status, 400);
	api_reply_clear(&r);
	r = call("GET", "controls/trend", "framework=csf2&days=367", NULL,
	    now);
	ck_assert_int_eq(r.status, 400);
	api_reply_clear(&r);
	r = call("GET", "controls/trend", "framework=csf2&days=9x", NULL,
	    now);
	ck_assert_int_eq(r.status, 400);
	api_reply_clear(&r);
	r = call_as("GET", "controls/trend", "framework=csf2", NULL, now,
	    API_AUTH_AGENT, "h1");
	ck_assert_int_eq(r.status, 403);
	api_reply_clear(&r);
}
END_TEST

/* ------------------------------------------------------------ waivers */

START_TEST(test_waivers)
{
	struct api_reply r;
	json_t *list, *c, *pts;
	char id1[64], id2[64], path[128];

	/* Refusals. */
	r = call("POST", "waivers", NULL, "{\"rule_id\":\"r_ssh\",\"host\":"
	    "\"h1\",\"role\":\"mes\",\"justification\":\"j\",\"approver\":"
	    "\"a\",\"expires\":1002000}", T + 1000);
	ck_assert_int_eq(r.status, 400);
	api_reply_clear(&r);
	r = call("POST", "waivers", NULL, "{\"rule_id\":\"r_ssh\",\"host\":"
	    "\"h1\",\"justification\":\"j\",\"approver\":\"a\","
	    "\"expires\":1000999}", T + 1000);
	ck_assert_int_eq(r.status, 400);
	api_reply_clear(&r);
	r = call("POST", "waivers", NULL, "{\"rule_id\":\"r_ssh\",\"host\":"
	    "\"h1\",\"approver\":\"a\",\"expires\":1002000}", T + 1000);
	ck_assert_int_eq(r.status, 400);
	api_reply_clear(&r);
	r = call("POST", "waivers", NULL, "not json", T + 1000);
	ck_assert_int_eq(r.status, 400);
	api_reply_clear(&r);
	/* r_ssh on h1 until T+2000 (ISO 8601: 1970-01-12T14:20:00Z). */
	r = call("POST", "waivers", NULL, "{\"rule_id\":\"r_ssh\",\"host\":"
	    "\"h1\",\"justification\":\"legacy HMI needs it\",\"approver\":"
	    "\"ciso\",\"expires\":\"1970-01-12T14:20:00Z\"}", T + 1000);
	ck_assert_int_eq(r.status, 201);
	ck_assert_int_eq(jint(r.json, "expires"), T + 2000);
	ck_assert_int_eq(jint(r.json, "created"), T + 1000);
	ck_assert_str_eq(jstr(r.json, "role"), "(null)");
	ck_assert(json_is_true(json_object_get(r.json, "active")));
	snprintf(id1, sizeof(id1), "%s", jstr(r.json, "id"));
	ck_assert_uint_eq(strlen(id1), 36);
	api_reply_clear(&r);
	/* r_cm on every "mes" host until T+3000. */
	r = call("POST", "waivers", NULL, "{\"rule_id\":\"r_cm\",\"role\":"
	    "\"mes\",\"justification\":\"vendor fix due\",\"approver\":"
	    "\"ciso\",\"expires\":1003000}", T + 1000);
	ck_assert_int_eq(r.status, 201);
	snprintf(id2, sizeof(id2), "%s", jstr(r.json, "id"));
	api_reply_clear(&r);

	/* Now (T+1000) h1 is waived on both; h2 passes. */
	r = call("GET", "controls", NULL, NULL, T + 1000);
	list = json_object_get(r.json, "controls");
	c = find_control(list, "iso27001-2022", "A.8.5");
	assert_counts(c, "waived", 1, 0, 1);
	ck_assert(json_is_null(json_object_get(c, "failing_since")));
	assert_counts(find_control(list, "iso27001-2022", "A.8.9"), "waived",
	    1, 0, 1);
	api_reply_clear(&r);
	r = call("GET", "controls/iso27001-2022/A.8.5", NULL, NULL, T + 1000);
	c = json_array_get(json_object_get(r.json, "hosts"), 0);
	ck_assert_str_eq(jstr(c, "status"), "waived");
	ck_assert_uint_eq(json_array_size(json_object_get(c,
	    "failing_rules")), 0);
	ck_assert_str_eq(json_string_value(json_array_get(
	    json_object_get(c, "waived_rules"), 0)), "r_ssh");
	api_reply_clear(&r);
	/* Listing: both apply to h1 (one by host, one by role), none to
	 * h2. */
	r = call("GET", "waivers", "host=h1&active=1", NULL, T + 1000);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json,
	    "waivers")), 2);
	api_reply_clear(&r);
	r = call("GET", "waivers", "host=h2", NULL, T + 1000);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json,
	    "waivers")), 0);
	api_reply_clear(&r);

	/* At T+2500 the first has expired by itself: A.8.5 fails again
	 * from T+2000. */
	r = call("GET", "controls/iso27001-2022/A.8.5/history",
	    "since=1000300", NULL, T + 2500);
	pts = json_object_get(r.json, "points");
	ck_assert_uint_eq(json_array_size(pts), 2);
	assert_point(json_array_get(pts, 0), T + 1000, "waived", 1, 0, 1);
	assert_point(json_array_get(pts, 1), T + 2000, "fail", 1, 1, 0);
	ck_assert_int_eq(jint(r.json, "failing_since"), T + 2000);
	api_reply_clear(&r);
	r = call("GET", "waivers", "active=1", NULL, T + 2500);
	list = json_object_get(r.json, "waivers");
	ck_assert_uint_eq(json_array_size(list), 1);
	ck_assert_str_eq(jstr(json_array_get(list, 0), "id"), id2);
	api_reply_clear(&r);

	/* Revoke the role waiver at T+1500: A.8.9 fails from then on. */
	snprintf(path, sizeof(path), "waivers/%s", id2);
	r = call("DELETE", path, NULL, NULL, T + 1500);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(jint(r.json, "revoked_time"), T + 1500);
	ck_assert_str_eq(jstr(r.json, "revoked_by"), "token:alice");
	ck_assert(json_is_false(json_object_get(r.json, "active")));
	api_reply_clear(&r);
	r = call("DELETE", path, NULL, NULL, T + 1600);
	ck_assert_int_eq(r.status, 409);
	api_reply_clear(&r);
	r = call("DELETE", "waivers/00000000-0000-4000-8000-000000000000",
	    NULL, NULL, T + 1600);
	ck_assert_int_eq(r.status, 404);
	api_reply_clear(&r);
	r = call("GET", "controls/iso27001-2022/A.8.9/history",
	    "since=1000300", NULL, T + 1600);
	pts = json_object_get(r.json, "points");
	ck_assert_uint_eq(json_array_size(pts), 3);
	assert_point(json_array_get(pts, 0), T + 300, "fail", 1, 1, 0);
	assert_point(json_array_get(pts, 1), T + 1000, "waived", 1, 0, 1);
	assert_point(json_array_get(pts, 2), T + 1500, "fail", 1, 1, 0);
	api_reply_clear(&r);
	(void)id1;
}
END_TEST

/* POST path as the approver token:bob at now; the status. */
static int
approve_as_bob(const char *id, time_t now, struct api_reply *r)
{
	char path[128];

	snprintf(path, sizeof(path), "waivers/%s/approve", id);
	*r = call_as("POST", path, NULL, NULL, now, API_AUTH_APPROVER, NULL);
	return r->status;
}

/*
 * [waivers] require_approval: alice (admin) requests, the waiver does
 * not apply until bob (approver) approves it; nobody approves their
 * own request, an auditor reads but changes nothing, an admin does not
 * approve.  The fixture's h1 fails r_ssh (A.8.5) in its newest scan,
 * so A.8.5 is "fail" (1 host failing) until the approval and "waived"
 * after it (worked out as in test_waivers).
 */
START_TEST(test_waiver_approval)
{
	struct api_reply r;
	json_t *list;
	char id1[64], id2[64], path[128];

	cfg.waiver_approval = 1;
	/* Without the approval step the approver's name is required; with
	 * it, it is optional. */
	r = call("POST", "waivers", NULL, "{\"rule_id\":\"r_ssh\",\"host\":"
	    "\"h1\",\"justification\":\"legacy HMI\",\"expires\":1005000}",
	    T + 1000);
	ck_assert_int_eq(r.status, 201);
	ck_assert_str_eq(jstr(r.json, "status"), "requested");
	ck_assert(json_is_false(json_object_get(r.json, "active")));
	ck_assert_str_eq(jstr(r.json, "approved_by"), "(null)");
	ck_assert_str_eq(jstr(r.json, "created_by"), "token:alice");
	snprintf(id1, sizeof(id1), "%s", jstr(r.json, "id"));
	api_reply_clear(&r);
	r = call("GET", "controls", NULL, NULL, T + 1050);
	assert_counts(find_control(json_object_get(r.json, "controls"),
	    "iso27001-2022", "A.8.5"), "fail", 1, 1, 0);
	api_reply_clear(&r);

	/* The auditor reads waivers and controls, changes nothing. */
	r = call_as("GET", "waivers", NULL, NULL, T + 1050,
	    API_AUTH_AUDITOR, NULL);
	ck_assert_int_eq(r.status, 200);
	api_reply_clear(&r);
	r = call_as("GET", "controls", NULL, NULL, T + 1050,
	    API_AUTH_AUDITOR, NULL);
	ck_assert_int_eq(r.status, 200);
	api_reply_clear(&r);
	snprintf(path, sizeof(path), "waivers/%s/approve", id1);
	r = call_as("POST", path, NULL, NULL, T + 1050, API_AUTH_AUDITOR,
	    NULL);
	ck_assert_int_eq(r.status, 403);
	api_reply_clear(&r);
	r = call_as("POST", "waivers", NULL, "{\"rule_id\":\"r_x\",\"host\":"
	    "\"h1\",\"justification\":\"j\",\"expires\":1005000}", T + 1050,
	    API_AUTH_AUDITOR, NULL);
	ck_assert_int_eq(r.status, 403);
	api_reply_clear(&r);
	/* Nor do the admin or an agent approve. */
	r = call("POST", path, NULL, NULL, T + 1050);
	ck_assert_int_eq(r.status, 403);
	api_reply_clear(&r);
	r = call_as("POST", path, NULL, NULL, T + 1050, API_AUTH_AGENT, "h1");
	ck_assert_int_eq(r.status, 403);
	api_reply_clear(&r);

	/* bob requests one himself and may not approve it. */
	r = call_as("POST", "waivers", NULL, "{\"rule_id\":\"r_cm\",\"role\":"
	    "\"mes\",\"justification\":\"vendor fix due\",\"expires\":"
	    "1005000}", T + 1060, API_AUTH_APPROVER, NULL);
	ck_assert_int_eq(r.status, 201);
	snprintf(id2, sizeof(id2), "%s", jstr(r.json, "id"));
	api_reply_clear(&r);
	ck_assert_int_eq(approve_as_bob(id2, T + 1070, &r), 403);
	api_reply_clear(&r);

	/* bob approves alice's at T+1100: it applies from then on. */
	ck_assert_int_eq(approve_as_bob(id1, T + 1100, &r), 200);
	ck_assert_str_eq(jstr(r.json, "status"), "approved");
	ck_assert_str_eq(jstr(r.json, "approved_by"), "token:bob");
	ck_assert_int_eq(jint(r.json, "approved_time"), T + 1100);
	ck_assert(json_is_true(json_object_get(r.json, "active")));
	api_reply_clear(&r);
	ck_assert_int_eq(approve_as_bob(id1, T + 1110, &r), 409);
	api_reply_clear(&r);
	ck_assert_int_eq(approve_as_bob("00000000-0000-4000-8000-000000000000",
	    T + 1110, &r), 404);
	api_reply_clear(&r);
	r = call("GET", "controls", NULL, NULL, T + 1099);
	assert_counts(find_control(json_object_get(r.json, "controls"),
	    "iso27001-2022", "A.8.5"), "fail", 1, 1, 0);
	api_reply_clear(&r);
	r = call("GET", "controls", NULL, NULL, T + 1200);
	assert_counts(find_control(json_object_get(r.json, "controls"),
	    "iso27001-2022", "A.8.5"), "waived", 1, 0, 1);
	api_reply_clear(&r);

	/* Listing by status; bob rejects his own request. */
	r = call("GET", "waivers", "status=requested", NULL, T + 1200);
	list = json_object_get(r.json, "waivers");
	ck_assert_uint_eq(json_array_size(list), 1);
	ck_assert_str_eq(jstr(json_array_get(list, 0), "id"), id2);
	api_reply_clear(&r);
	r = call("GET", "waivers", "status=pending", NULL, T + 1200);
	ck_assert_int_eq(r.status, 400);
	api_reply_clear(&r);
	snprintf(path, sizeof(path), "waivers/%s", id2);
	r = call_as("DELETE", path, NULL, NULL, T + 1300, API_AUTH_APPROVER,
	    NULL);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(jstr(r.json, "status"), "rejected");
	api_reply_clear(&r);
	ck_assert_int_eq(approve_as_bob(id2, T + 1310, &r), 403);
	api_reply_clear(&r);
	r = call("GET", "waivers", "status=approved", NULL, T + 1400);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json,
	    "waivers")), 1);
	api_reply_clear(&r);
}
END_TEST

/* ------------------------------------------------------------ exports */

/* The member name of a ustar archive: its bytes into *data, *len. */
static int
tar_member(const unsigned char *p, size_t len, const char *name,
    const unsigned char **data, size_t *size)
{
	size_t off = 0, n;

	while (off + 512 <= len && p[off] != '\0') {
		ck_assert_int_eq(memcmp(p + off + 257, "ustar", 5), 0);
		n = strtoul((const char *)p + off + 124, NULL, 8);
		if (strncmp((const char *)p + off, name, 100) == 0) {
			*data = p + off + 512;
			*size = n;
			return 1;
		}
		off += 512 + (n + 511) / 512 * 512;
	}
	return 0;
}

START_TEST(test_evidence_export)
{
	struct api_reply r;
	const unsigned char *m;
	char name[128], want[256], path[EVIDENCE_PATH_MAX];
	struct plumb_err err;
	json_t *sum, *scans;
	size_t len;
	FILE *f;

	/*
	 * A.8.5 (r_ssh) from T+150 to T+250: U1, S2, U2 (V2 at T+220 has
	 * no mapped rule); S2 fails it.
	 */
	r = call("GET", "export/evidence", "framework=iso27001-2022&"
	    "control=A.8.5&since=1000150&until=1000250", NULL, T + 1000);
	ck_assert_msg(r.status == 200, "%d %s", r.status, r.msg);
	ck_assert_str_eq(r.content_type, "application/x-tar");
	ck_assert_uint_eq(r.text_len % 512, 0);
	ck_assert(tar_member((unsigned char *)r.text, r.text_len,
	    "summary.json", &m, &len));
	ck_assert_ptr_nonnull(sum = json_loadb((const char *)m, len, 0,
	    NULL));
	ck_assert_str_eq(jstr(sum, "control"), "A.8.5");
	scans = json_object_get(sum, "scans");
	ck_assert_uint_eq(json_array_size(scans), 3);
	ck_assert_str_eq(jstr(json_array_get(scans, 0), "uuid"), U1);
	ck_assert_str_eq(jstr(json_array_get(scans, 0), "status"), "pass");
	ck_assert_str_eq(jstr(json_array_get(scans, 1), "uuid"), S2);
	ck_assert_str_eq(jstr(json_array_get(scans, 1), "status"), "fail");
	ck_assert_str_eq(jstr(json_array_get(scans, 1), "sha256"),
	    scan_sha[1]);
	ck_assert_str_eq(jstr(json_array_get(scans, 2), "uuid"), U2);
	json_decref(sum);
	/* The bundle bytes, unchanged, under their SHA-256. */
	snprintf(name, sizeof(name), "bundles/%s.p7m", scan_sha[1]);
	ck_assert(tar_member((unsigned char *)r.text, r.text_len, name, &m,
	    &len));
	snprintf(want, sizeof(want), "not really CMS: bundle %s of h1", S2);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_int_eq(memcmp(m, want, len), 0);
	ck_assert(tar_member((unsigned char *)r.text, r.text_len,
	    "SHA256SUMS", &m, &len));
	snprintf(want, sizeof(want), "%s  bundles/%s.p7m\n", scan_sha[1],
	    scan_sha[1]);
	ck_assert_ptr_nonnull(memmem(m, len, want, strlen(want)));
	ck_assert(tar_member((unsigned char *)r.text, r.text_len,
	    "README.txt", &m, &len));
	ck_assert(!tar_member((unsigned char *)r.text, r.text_len,
	    "bundles/x", &m, &len));
	api_reply_clear(&r);
	/* Unknown control: 404; missing parameters: 400. */
	r = call("GET", "export/evidence", "framework=iso27001-2022&"
	    "control=A.0", NULL, T + 1000);
	ck_assert_int_eq(r.status, 404);
	api_reply_clear(&r);
	r = call("GET", "export/evidence", NULL, NULL, T + 1000);
	ck_assert_int_eq(r.status, 400);
	api_reply_clear(&r);
	/* A tampered evidence file is refused, not exported. */
	memset(&err, 0, sizeof(err));
	ck_assert(evidence_path(evdir, scan_sha[1], path, &err) == PLUMB_OK);
	chmod(path, 0600);
	ck_assert_ptr_nonnull(f = fopen(path, "a"));
	fputs("x", f);
	fclose(f);
	r = call("GET", "export/evidence", "framework=iso27001-2022&"
	    "control=A.8.5&since=1000150&until=1000250", NULL, T + 1000);
	ck_assert_int_eq(r.status, 500);
	ck_assert_ptr_nonnull(strstr(r.msg, "does not match"));
	api_reply_clear(&r);
}
END_TEST

/* The member of array a whose key is value, or NULL. */
static json_t *
find_by(json_t *a, const char *key, const char *value)
{
	json_t *v;
	size_t i;

	json_array_foreach(a, i, v)
		if (strcmp(jstr(v, key), value) == 0)
			return v;
	return NULL;
}

/* The value of the property called name in o's props, or "". */
static const char *
prop(json_t *o, const char *name)
{
	json_t *p = find_by(json_object_get(o, "props"), "name", name);

	return p != NULL ? jstr(p, "value") : "";
}

START_TEST(test_oscal)
{
	struct api_reply r;
	struct store_bundle *b;
	json_t *ar, *res, *f, *fi, *obs, *o, *rk, *risks;
	char wid[64], href[64];
	size_t i, nsat = 0, nnot = 0;
	int found = 0;

	/* A waiver of h1's failing r_ssh (A.8.5), in force at once. */
	r = call("POST", "waivers", NULL, "{\"rule_id\":\"r_ssh\",\"host\":"
	    "\"h1\",\"justification\":\"legacy HMI\",\"approver\":\"ciso\","
	    "\"expires\":1005000}", T + 900);
	ck_assert_int_eq(r.status, 201);
	snprintf(wid, sizeof(wid), "%s", jstr(r.json, "id"));
	api_reply_clear(&r);
	r = call("GET", "export/oscal", NULL, NULL, T + 1000);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(ar = json_object_get(r.json,
	    "assessment-results"));
	ck_assert_uint_eq(strlen(jstr(ar, "uuid")), 36);
	ck_assert_str_eq(jstr(json_object_get(ar, "metadata"),
	    "oscal-version"), "1.1.2");
	ck_assert_ptr_nonnull(json_object_get(json_object_get(ar, "metadata"),
	    "last-modified"));
	ck_assert_ptr_nonnull(json_object_get(json_object_get(ar,
	    "import-ap"), "href"));
	res = json_array_get(json_object_get(ar, "results"), 0);
	ck_assert_ptr_nonnull(res);
	/* 3 controls x 2 hosts (h3 maps nothing). */
	f = json_object_get(res, "findings");
	ck_assert_uint_eq(json_array_size(f), 6);
	ck_assert_uint_eq(json_array_size(json_object_get(res,
	    "observations")), 6);
	ck_assert_uint_eq(json_array_size(json_object_get(json_array_get(
	    json_object_get(json_object_get(res, "reviewed-controls"),
	    "control-selections"), 0), "include-controls")), 3);
	json_array_foreach(f, i, fi) {
		json_t *tg = json_object_get(fi, "target");
		const char *state = jstr(json_object_get(tg, "status"),
		    "state");

		ck_assert_str_eq(jstr(tg, "type"), "objective-id");
		if (strcmp(state, "satisfied") == 0)
			nsat++;
		else if (strcmp(state, "not-satisfied") == 0)
			nnot++;
		if (strcmp(jstr(tg, "target-id"), "iso27001-2022_A.8.5") == 0 &&
		    strcmp(state, "not-satisfied") == 0)
			found = 1;
	}
	ck_assert_uint_eq(nsat, 3);	/* h2 on each control */
	ck_assert_uint_eq(nnot, 3);	/* h1 on each control */
	ck_assert_int_eq(found, 1);

	/* import-ap names the plan in the back matter. */
	snprintf(href, sizeof(href), "#%s", jstr(json_array_get(
	    json_object_get(json_object_get(ar, "back-matter"), "resources"),
	    0), "uuid"));
	ck_assert_str_eq(jstr(json_object_get(ar, "import-ap"), "href"),
	    href);
	/* Hosts are inventory items, the subjects of the observations;
	 * each finding's observation is in the document and carries the
	 * SHA-256 of h1's newest scan (S3) as stored. */
	ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(res,
	    "local-definitions"), "inventory-items")), 2);
	obs = json_object_get(res, "observations");
	b = calloc(1, sizeof(*b));
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(store_bundle_get(st, S3, b, NULL), PLUMB_OK);
	json_array_foreach(f, i, fi) {
		o = find_by(obs, "uuid", jstr(json_array_get(json_object_get(
		    fi, "related-observations"), 0), "observation-uuid"));
		ck_assert_ptr_nonnull(o);
		ck_assert_str_eq(jstr(json_array_get(json_object_get(o,
		    "subjects"), 0), "type"), "inventory-item");
		ck_assert_ptr_nonnull(find_by(json_object_get(json_object_get(
		    res, "local-definitions"), "inventory-items"), "uuid",
		    jstr(json_array_get(json_object_get(o, "subjects"), 0),
		    "subject-uuid")));
		if (strcmp(prop(fi, "host"), "h1") == 0)
			ck_assert_str_eq(prop(json_array_get(json_object_get(o,
			    "relevant-evidence"), 0), "evidence-sha256"),
			    b->evidence_sha256);
	}
	free(b);
	/* The waiver is one risk, an approved deviation, tied to h1's
	 * A.8.5 finding, which names the waived rule. */
	risks = json_object_get(res, "risks");
	ck_assert_uint_eq(json_array_size(risks), 1);
	rk = json_array_get(risks, 0);
	ck_assert_str_eq(jstr(rk, "status"), "deviation-approved");
	ck_assert_str_eq(prop(rk, "waiver-id"), wid);
	json_array_foreach(f, i, fi) {
		if (strcmp(prop(fi, "host"), "h1") != 0 ||
		    strcmp(jstr(json_object_get(fi, "target"), "target-id"),
		    "iso27001-2022_A.8.5") != 0)
			continue;
		ck_assert_str_eq(jstr(json_array_get(json_object_get(fi,
		    "related-risks"), 0), "risk-uuid"), jstr(rk, "uuid"));
		ck_assert_str_eq(prop(fi, "waived-rule"), "r_ssh");
		ck_assert_str_eq(prop(fi, "status"), "waived");
		found = 2;
	}
	ck_assert_int_eq(found, 2);
	api_reply_clear(&r);
	r = call("GET", "export/oscal", "framework=csf2", NULL, T + 1000);
	ck_assert_uint_eq(json_array_size(json_object_get(json_array_get(
	    json_object_get(json_object_get(r.json, "assessment-results"),
	    "results"), 0), "findings")), 2);
	api_reply_clear(&r);
}
END_TEST

static Suite *
drift_suite(void)
{
	Suite *s = suite_create("drift");
	TCase *tc = tcase_create(getenv("PLUMB_TEST_PG") != NULL &&
	    *getenv("PLUMB_TEST_PG") != '\0' ? "postgresql" : "sqlite");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_controls_match);
	tcase_add_test(tc, test_controls_errors);
	tcase_add_test(tc, test_controls_shipped);
	tcase_add_test(tc, test_drift_host);
	tcase_add_test(tc, test_drift_stored);
	tcase_add_test(tc, test_drift_api);
	tcase_add_test(tc, test_drift_fleet_page);
	tcase_add_test(tc, test_baseline);
	tcase_add_test(tc, test_controls_status);
	tcase_add_test(tc, test_history);
	tcase_add_test(tc, test_controls_baselines);
	tcase_add_test(tc, test_controls_rebuild);
	tcase_add_test(tc, test_waivers);
	tcase_add_test(tc, test_waiver_approval);
	tcase_add_test(tc, test_evidence_export);
	tcase_add_test(tc, test_oscal);
	tcase_add_test(tc, test_controls_cache);
	tcase_add_test(tc, test_trend);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(drift_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
