/*
 * check_dashboard.c - dashboard_serve() (collector/dashboard.c): the
 * embedded files are byte for byte the sources in collector/dashboard/
 * (read from $top_srcdir) with the right content types, "" is
 * index.html, and every other name, ".." paths included, is a 404.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/error.h"
#include "dashboard.h"

/* The whole of top_srcdir/rel into *buf (caller frees); its length. */
static size_t
read_source(const char *rel, char **buf)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	FILE *fp;
	long n;

	snprintf(path, sizeof(path), "%s/%s", top ? top : ".", rel);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s (set top_srcdir)", path);
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	ck_assert_int_gt(n, 0);
	rewind(fp);
	*buf = malloc((size_t)n);
	ck_assert_ptr_nonnull(*buf);
	ck_assert_uint_eq(fread(*buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return (size_t)n;
}

/* name must be served as the file rel with content type type. */
static void
check_file(const char *name, const char *rel, const char *type)
{
	struct api_reply rep;
	struct plumb_err err;
	char *src;
	size_t len;

	memset(&rep, 0xa5, sizeof(rep));	/* must not be trusted */
	len = read_source(rel, &src);
	ck_assert_int_eq(dashboard_serve(name, &rep, &err), PLUMB_OK);
	ck_assert_int_eq(rep.status, 200);
	ck_assert_ptr_null(rep.json);
	ck_assert_ptr_nonnull(rep.text);
	ck_assert_str_eq(rep.content_type, type);
	ck_assert_uint_eq(rep.text_len, len);
	ck_assert_int_eq(memcmp(rep.text, src, len), 0);
	ck_assert_int_eq(rep.text[len], '\0');
	free(rep.text);
	free(src);
}

START_TEST(test_files)
{
	check_file("", "collector/dashboard/index.html",
	    "text/html; charset=utf-8");
	check_file("index.html", "collector/dashboard/index.html",
	    "text/html; charset=utf-8");
	check_file("app.js", "collector/dashboard/app.js",
	    "text/javascript; charset=utf-8");
	check_file("style.css", "collector/dashboard/style.css",
	    "text/css; charset=utf-8");
}
END_TEST

START_TEST(test_not_found)
{
	static const char *const bad[] = {
		"nope.html", "..", "../index.html", "./index.html",
		"/index.html", "index.html/", "index.html/..",
		"dashboard/index.html", "%2e%2e/index.html", "INDEX.HTML",
		"index.htm", "index.html\n", "embed.sh", "../dashboard.c",
		"..%2fapi.h", "app.js?x=1", " app.js",
	};
	char longname[300];
	struct api_reply rep;
	struct plumb_err err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&rep, 0xa5, sizeof(rep));
		ck_assert_int_eq(dashboard_serve(bad[i], &rep, &err),
		    PLUMB_OK);
		ck_assert_msg(rep.status == 404, "\"%s\": status %d", bad[i],
		    rep.status);
		ck_assert_ptr_null(rep.text);
		ck_assert_ptr_null(rep.json);
		ck_assert_uint_eq(rep.text_len, 0);
		ck_assert_msg(strstr(rep.msg, "no dashboard file") != NULL,
		    "\"%s\": msg \"%s\"", bad[i], rep.msg);
	}

	/* A long name is refused, and the message stays bounded. */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_int_eq(dashboard_serve(longname, &rep, &err), PLUMB_OK);
	ck_assert_int_eq(rep.status, 404);
	ck_assert_ptr_null(rep.text);
	ck_assert_uint_lt(strlen(rep.msg), 128);
}
END_TEST

/* NULL means index.html too (the server passes "" or NULL). */
START_TEST(test_null_name)
{
	struct api_reply rep;
	struct plumb_err err;

	memset(&rep, 0, sizeof(rep));
	ck_assert_int_eq(dashboard_serve(NULL, &rep, &err), PLUMB_OK);
	ck_assert_int_eq(rep.status, 200);
	ck_assert_ptr_nonnull(strstr(rep.text, "<script src=\"app.js\">"));
	free(rep.text);
}
END_TEST

static Suite *
dashboard_suite(void)
{
	Suite *s = suite_create("dashboard");
	TCase *tc = tcase_create("serve");

	tcase_add_test(tc, test_files);
	tcase_add_test(tc, test_not_found);
	tcase_add_test(tc, test_null_name);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(dashboard_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
