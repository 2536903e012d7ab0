/*
 * check_api.c - the REST API without HTTP (collector/api.c): path
 * segments, query parameters, dispatch (401/403/404/405/500), the
 * agent scope of the core routes against a real SQLite store, and the
 * CSV export.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "plumb/error.h"
#include "api.h"
#include "collector_config.h"
#include "store.h"
#include "waivers.h"

/* ------------------------------------------------------------- paths */

static int
parse(struct api_req *r, const char *path, char *buf, size_t size)
{
	char msg[API_MSG_MAX];

	memset(r, 0, sizeof(*r));
	return api_parse_path(r, path, buf, size, msg, sizeof(msg));
}

START_TEST(test_path_segments)
{
	struct api_req r;
	char buf[256];

	ck_assert_int_eq(parse(&r, "/api/v1/hosts/a%2Eb%20c/scans", buf,
	    sizeof(buf)), PLUMB_OK);
	ck_assert_uint_eq(r.nseg, 3);
	ck_assert_str_eq(r.seg[0], "hosts");
	ck_assert_str_eq(r.seg[1], "a.b c");
	ck_assert_str_eq(r.seg[2], "scans");
	ck_assert_int_eq(parse(&r, "/api/v1/a/b/c/d/e/f/g/h", buf,
	    sizeof(buf)), PLUMB_OK);
	ck_assert_uint_eq(r.nseg, API_SEG_MAX);
	ck_assert_str_eq(r.seg[7], "h");
}
END_TEST

START_TEST(test_path_refused)
{
	static const char *const bad[] = {
		"/api/v1/hosts/..", "/api/v1/hosts/%2e%2E", "/api/v1/./x",
		"/api/v1/hosts//scans", "/api/v1/", "/api/v1/hosts/",
		"/api/v1/a/b/c/d/e/f/g/h/i", "/api/v1/x%zz", "/api/v1/x%4",
		"/api/v1/x%00y", "/api/v1/a%2Fb",
	};
	struct api_req r;
	char buf[256], tiny[4];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(&r, bad[i], buf, sizeof(buf)) ==
		    PLUMB_EINVAL, "%s accepted", bad[i]);
	ck_assert_int_eq(parse(&r, "/metrics", buf, sizeof(buf)),
	    PLUMB_ENOENT);
	ck_assert_int_eq(parse(&r, "/api/v1/hosts", tiny, sizeof(tiny)),
	    PLUMB_EINVAL);
}
END_TEST

START_TEST(test_query_param)
{
	struct api_req r;
	char buf[16];

	memset(&r, 0, sizeof(r));
	r.query = "rolex=1&role=a%20b&site=x+y&zone=&flag&"
	    "long=0123456789abcdefg";
	ck_assert_str_eq(api_query_param(&r, "role", buf, sizeof(buf)),
	    "a b");
	ck_assert_str_eq(api_query_param(&r, "site", buf, sizeof(buf)),
	    "x y");
	ck_assert_str_eq(api_query_param(&r, "zone", buf, sizeof(buf)), "");
	ck_assert_str_eq(api_query_param(&r, "flag", buf, sizeof(buf)), "");
	ck_assert_ptr_null(api_query_param(&r, "rol", buf, sizeof(buf)));
	ck_assert_ptr_null(api_query_param(&r, "long", buf, sizeof(buf)));
	r.query = NULL;
	ck_assert_ptr_null(api_query_param(&r, "role", buf, sizeof(buf)));
}
END_TEST

START_TEST(test_may_see)
{
	struct api_req r;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(api_may_see(&r, "h1"), 0);
	r.auth = API_AUTH_ADMIN;
	ck_assert_int_eq(api_may_see(&r, "h1"), 1);
	r.auth = API_AUTH_AGENT;
	r.scope_host = "h1";
	ck_assert_int_eq(api_may_see(&r, "h1"), 1);
	ck_assert_int_eq(api_may_see(&r, "H1"), 1);
	ck_assert_int_eq(api_may_see(&r, "h2"), 0);
	ck_assert_int_eq(api_may_see(&r, NULL), 0);
}
END_TEST

/* ----------------------------------------------------------- dispatch */

static char seen[64];

static int
t_echo(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	snprintf(seen, sizeof(seen), "%s %s", req->method,
	    req->nseg > 1 ? req->seg[1] : "-");
	rep->json = json_pack("{s:s}", "seg", req->nseg > 1 ?
	    req->seg[1] : "");
	return PLUMB_OK;
}

static int
t_fail(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	return plumb_err_set(err, PLUMB_EIO, "disk on fire");
}

static const struct api_route t_routes[] = {
	{ "GET", "zthings/*/sub", API_AUTH_ADMIN | API_AUTH_AGENT, t_echo },
	{ "POST", "zthings", API_AUTH_ADMIN, t_echo },
	{ "GET", "zopen", API_AUTH_NONE, t_echo },
	{ "GET", "zfail", API_AUTH_ADMIN, t_fail },
};

static int
call(const char *method, const char *path, int auth, struct api_reply *rep)
{
	struct api_ctx ctx;
	struct api_req r;
	char buf[256];

	memset(&ctx, 0, sizeof(ctx));
	ck_assert_int_eq(parse(&r, path, buf, sizeof(buf)), PLUMB_OK);
	r.method = method;
	r.auth = auth;
	r.principal = auth == API_AUTH_AGENT ? "agent:h1" : auth != 0 ?
	    "token:t" : "";
	r.scope_host = auth == API_AUTH_AGENT ? "h1" : NULL;
	seen[0] = '\0';
	api_dispatch(&ctx, &r, rep);
	return rep->status;
}

START_TEST(test_dispatch_matrix)
{
	struct api_reply rep;

	ck_assert_int_eq(api_register(t_routes,
	    sizeof(t_routes) / sizeof(t_routes[0])), PLUMB_OK);
	ck_assert_int_eq(call("GET", "/api/v1/zthings/x/sub", 0, &rep), 401);
	ck_assert_str_eq(seen, "");
	api_reply_clear(&rep);
	ck_assert_int_eq(call("GET", "/api/v1/zthings/x/sub", API_AUTH_AGENT,
	    &rep), 200);
	ck_assert_str_eq(seen, "GET x");
	ck_assert_str_eq(json_string_value(json_object_get(rep.json, "seg")),
	    "x");
	api_reply_clear(&rep);
	ck_assert_ptr_null(rep.json);
	ck_assert_int_eq(call("HEAD", "/api/v1/zthings/y/sub",
	    API_AUTH_ADMIN, &rep), 200);
	ck_assert_str_eq(seen, "HEAD y");
	api_reply_clear(&rep);
	ck_assert_int_eq(call("POST", "/api/v1/zthings/x/sub",
	    API_AUTH_ADMIN, &rep), 405);
	api_reply_clear(&rep);
	ck_assert_int_eq(call("GET", "/api/v1/zthings", API_AUTH_ADMIN,
	    &rep), 405);
	api_reply_clear(&rep);
	ck_assert_int_eq(call("POST", "/api/v1/zthings", API_AUTH_AGENT,
	    &rep), 403);
	ck_assert_str_eq(seen, "");
	ck_assert_ptr_nonnull(strstr(rep.msg, "agent:h1"));
	api_reply_clear(&rep);
	ck_assert_int_eq(call("POST", "/api/v1/zthings", 0, &rep), 401);
	api_reply_clear(&rep);
	ck_assert_int_eq(call("POST", "/api/v1/zthings", API_AUTH_ADMIN,
	    &rep), 200);
	api_reply_clear(&rep);
	ck_assert_int_eq(call("GET", "/api/v1/zthings/x/sub/more",
	    API_AUTH_ADMIN, &rep), 404);
	api_reply_clear(&rep);
	ck_assert_int_eq(call("GET", "/api/v1/nope", API_AUTH_ADMIN, &rep),
	    404);
	api_reply_clear(&rep);
	ck_assert_int_eq(call("GET", "/api/v1/zopen", 0, &rep), 200);
	ck_assert_str_eq(seen, "GET -");
	api_reply_clear(&rep);
	ck_assert_int_eq(call("GET", "/api/v1/zfail", API_AUTH_ADMIN, &rep),
	    500);
	ck_assert_ptr_nonnull(strstr(rep.msg, "disk on fire"));
	api_reply_clear(&rep);
	/* Core routes: the CSV export is admin only. */
	ck_assert_int_eq(call("GET", "/api/v1/export/results.csv",
	    API_AUTH_AGENT, &rep), 403);
	api_reply_clear(&rep);
	ck_assert_int_eq(call("GET", "/api/v1/export/results.csv", 0, &rep),
	    401);
	api_reply_clear(&rep);
	ck_assert_int_eq(call("DELETE", "/api/v1/hosts", API_AUTH_ADMIN,
	    &rep), 405);
	api_reply_clear(&rep);
}
END_TEST

/* ------------------------------------------------ core routes, scoped */

static char dbdir[64];
static struct store *st;
static struct collector_config cfg;

/* One bundle of host with two rules (pass, fail). */
static void
add_bundle(const char *host, const char *role, const char *uuid,
    time_t created)
{
	struct store_host h;
	struct store_bundle *b = calloc(1, sizeof(*b));
	struct store_rule r[2];
	int dup = -1;

	ck_assert_ptr_nonnull(b);
	memset(&h, 0, sizeof(h));
	snprintf(h.id, sizeof(h.id), "%s", host);
	snprintf(h.role, sizeof(h.role), "%s", role);
	snprintf(h.site, sizeof(h.site), "site, \"north\"");
	snprintf(b->uuid, sizeof(b->uuid), "%s", uuid);
	snprintf(b->host, sizeof(b->host), "%s", host);
	snprintf(b->signer, sizeof(b->signer), "CN=%s", host);
	memset(b->signer_sha256, 'a', 64);
	memset(b->evidence_sha256, 'b', 64);
	b->evidence_sha256[0] = host[strlen(host) - 1];
	memset(b->archive_sha256, 'c', 64);
	memset(b->content_sha256, 'd', 64);
	snprintf(b->benchmark_id, sizeof(b->benchmark_id), "bench");
	b->created = created;
	b->received = created + 1;
	b->nscores = 1;
	snprintf(b->scores[0].system, sizeof(b->scores[0].system),
	    "urn:xccdf:scoring:default");
	b->scores[0].score = 50;
	b->scores[0].max = 100;
	b->counts.pass = 1;
	b->counts.fail = 1;
	memset(r, 0, sizeof(r));
	r[0].seq = 0;
	r[0].rule_id = "rule_a";
	r[0].result = "pass";
	r[0].severity = "low";
	r[0].role = "full";
	r[0].references = "[{\"href\":\"h\",\"text\":\"t\"}]";
	r[1].seq = 1;
	r[1].rule_id = "rule_b";
	r[1].result = "fail";
	r[1].severity = "high";
	r[1].role = "full";
	ck_assert_int_eq(store_bundle_insert(st, &h, b, r, 2, &dup, NULL),
	    PLUMB_OK);
	ck_assert_int_eq(dup, 0);
	free(b);
}

static void
store_setup(void)
{
	char path[128];

	snprintf(dbdir, sizeof(dbdir), "/tmp/check_api.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dbdir));
	snprintf(path, sizeof(path), "%s/api.db", dbdir);
	ck_assert_int_eq(store_open(path, &st, NULL), PLUMB_OK);
	ck_assert_int_eq(waivers_init(st, NULL), PLUMB_OK);
	ck_assert_int_eq(collector_config_defaults(&cfg, NULL), PLUMB_OK);
	add_bundle("h1", "scada", "11111111-1111-4111-8111-111111111111",
	    1700000000);
	add_bundle("h2", "mes", "22222222-2222-4222-8222-222222222222",
	    1700000100);
}

static void
store_teardown(void)
{
	char cmd[160];

	store_close(st);
	st = NULL;
	collector_config_clear(&cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dbdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* GET path as auth (agent: scoped to h1) on the test store. */
static int
core(const char *path, const char *query, int auth, struct api_reply *rep)
{
	struct api_ctx ctx;
	struct api_req r;
	char buf[256];

	memset(&ctx, 0, sizeof(ctx));
	ctx.store = st;
	ctx.cfg = &cfg;
	ck_assert_int_eq(parse(&r, path, buf, sizeof(buf)), PLUMB_OK);
	r.method = "GET";
	r.query = query;
	r.auth = auth;
	r.principal = auth == API_AUTH_AGENT ? "agent:h1" : "token:t";
	r.scope_host = auth == API_AUTH_AGENT ? "h1" : NULL;
	r.now = 1700000200;
	api_dispatch(&ctx, &r, rep);
	return rep->status;
}

static const char *
host_ids(json_t *o, char *buf, size_t size)
{
	json_t *v;
	size_t i;

	buf[0] = '\0';
	json_array_foreach(json_object_get(o, "hosts"), i, v)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
		    i > 0 ? " " : "", json_string_value(json_object_get(v,
		    "id")));
	return buf;
}

START_TEST(test_core_scope)
{
	struct api_reply rep;
	char ids[64];

	ck_assert_int_eq(core("/api/v1/hosts", NULL, API_AUTH_ADMIN, &rep),
	    200);
	ck_assert_str_eq(host_ids(rep.json, ids, sizeof(ids)), "h1 h2");
	api_reply_clear(&rep);
	ck_assert_int_eq(core("/api/v1/hosts", "role=mes", API_AUTH_ADMIN,
	    &rep), 200);
	ck_assert_str_eq(host_ids(rep.json, ids, sizeof(ids)), "h2");
	api_reply_clear(&rep);
	ck_assert_int_eq(core("/api/v1/hosts", NULL, API_AUTH_AGENT, &rep),
	    200);
	ck_assert_str_eq(host_ids(rep.json, ids, sizeof(ids)), "h1");
	api_reply_clear(&rep);
	ck_assert_int_eq(core("/api/v1/hosts/h2", NULL, API_AUTH_AGENT,
	    &rep), 404);
	api_reply_clear(&rep);
	ck_assert_int_eq(core("/api/v1/hosts/h2/scans", NULL, API_AUTH_AGENT,
	    &rep), 404);
	api_reply_clear(&rep);
	ck_assert_int_eq(core("/api/v1/scans/"
	    "22222222-2222-4222-8222-222222222222", NULL, API_AUTH_AGENT,
	    &rep), 404);
	api_reply_clear(&rep);
	ck_assert_int_eq(core("/api/v1/hosts/h1", NULL, API_AUTH_AGENT,
	    &rep), 200);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    rep.json, "latest"), "uuid")),
	    "11111111-1111-4111-8111-111111111111");
	ck_assert_uint_eq(json_array_size(json_object_get(rep.json, "rules")),
	    2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(rep.json, "rules"), 1), "result")), "fail");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(
	    rep.json, "counts"), "fail")), 1);
	ck_assert(json_real_value(json_object_get(rep.json, "score")) == 50.0);
	ck_assert_str_eq(json_string_value(json_object_get(rep.json,
	    "last_seen_iso")), "2023-11-14T22:13:21Z");
	api_reply_clear(&rep);
	ck_assert_int_eq(core("/api/v1/hosts/h1/scans", "since=1700000001",
	    API_AUTH_AGENT, &rep), 200);
	ck_assert_uint_eq(json_array_size(json_object_get(rep.json, "scans")),
	    0);
	api_reply_clear(&rep);
	ck_assert_int_eq(core("/api/v1/hosts/h1/scans", "since=-1",
	    API_AUTH_AGENT, &rep), 400);
	api_reply_clear(&rep);
}
END_TEST

#define U1	"11111111-1111-4111-8111-111111111111"
#define U2	"22222222-2222-4222-8222-222222222222"
#define SITE	"\"site, \"\"north\"\"\""

START_TEST(test_core_csv)
{
	struct api_reply rep;
	/*
	 * Newest scan first, rules in scan order; the site is quoted;
	 * times ISO 8601 (1700000100 is 2023-11-14T22:15:00Z); no titles,
	 * profile or control set in this fixture.  The waiver below covers
	 * h1's rule_b from 1699999500 to 1700000050: h1's failing result
	 * (scan at 1700000000) is waived, h2's (1700000100) is not.
	 */
	const char *want =
	    "host,role,site,zone,benchmark_id,profile_id,scan,created,"
	    "rule_id,title,result,severity,controls,waived\r\n"
	    "h2,mes," SITE ",,bench,," U2 ",2023-11-14T22:15:00Z,rule_a,,"
	    "pass,low,,no\r\n"
	    "h2,mes," SITE ",,bench,," U2 ",2023-11-14T22:15:00Z,rule_b,,"
	    "fail,high,,no\r\n"
	    "h1,scada," SITE ",,bench,," U1 ",2023-11-14T22:13:20Z,rule_a,,"
	    "pass,low,,no\r\n"
	    "h1,scada," SITE ",,bench,," U1 ",2023-11-14T22:13:20Z,rule_b,,"
	    "fail,high,,yes\r\n";

	ck_assert_int_eq(store_query(st, "INSERT INTO waivers (id, rule_id, "
	    "host, role, justification, approver, created_by, created, "
	    "expires, approved_by, approved_time) VALUES ('w1', 'rule_b', "
	    "'h1', '', 'j', 'ciso', 'token:alice', 1699999000, 1700000050, "
	    "'token:bob', 1699999500)", NULL, 0, NULL, NULL, NULL, NULL),
	    PLUMB_OK);

	ck_assert_int_eq(core("/api/v1/export/results.csv", NULL,
	    API_AUTH_ADMIN, &rep), 200);
	ck_assert_ptr_nonnull(rep.text);
	ck_assert_str_eq(rep.content_type, "text/csv; charset=utf-8");
	ck_assert_uint_eq(rep.text_len, strlen(want));
	ck_assert(memcmp(rep.text, want, rep.text_len) == 0);
	api_reply_clear(&rep);
	ck_assert_int_eq(core("/api/v1/export/results.csv", "host=h9",
	    API_AUTH_ADMIN, &rep), 404);
	api_reply_clear(&rep);
	ck_assert_int_eq(core("/api/v1/export/results.csv", "host=h1&since=1",
	    API_AUTH_ADMIN, &rep), 200);
	ck_assert_ptr_nonnull(strstr(rep.text, "h1,scada"));
	ck_assert_ptr_null(strstr(rep.text, "h2,"));
	api_reply_clear(&rep);
}
END_TEST

static Suite *
api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("dispatch");
	TCase *tcs = tcase_create("core");

	tcase_add_test(tc, test_path_segments);
	tcase_add_test(tc, test_path_refused);
	tcase_add_test(tc, test_query_param);
	tcase_add_test(tc, test_may_see);
	tcase_add_test(tc, test_dispatch_matrix);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tcs, store_setup, store_teardown);
	tcase_add_test(tcs, test_core_scope);
	tcase_add_test(tcs, test_core_csv);
	suite_add_tcase(s, tcs);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(api_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
