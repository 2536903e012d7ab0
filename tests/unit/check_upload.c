/*
 * check_upload.c - upload_backoff(): exponential backoff with full
 * jitter.  Contract (upload.h): attempt n waits uniform in [0, d] with
 * d = min(base * 2^n, max).  Expected bounds are computed by hand:
 * base 30, max 3600 gives d = 30, 60, 120, 240, 480, 960, 1920, 3600,
 * 3600 ... for attempts 0, 1, 2 ...  And the argument checks of
 * upload_bundle() that need no network.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "upload.h"

#define DRAWS	20000

START_TEST(test_backoff_bounds)
{
	static const unsigned cap[] = { 30, 60, 120, 240, 480, 960, 1920,
	    3600, 3600, 3600 };
	unsigned a, i, v, hi;

	for (a = 0; a < sizeof(cap) / sizeof(cap[0]); a++) {
		hi = 0;
		for (i = 0; i < 2000; i++) {
			v = upload_backoff(a, 30, 3600);
			ck_assert_uint_le(v, cap[a]);
			if (v > hi)
				hi = v;
		}
		/* 2000 draws in [0, d]: the largest is near d. */
		ck_assert_uint_ge(hi, cap[a] * 9 / 10);
	}
}
END_TEST

START_TEST(test_backoff_cap_large_attempts)
{
	unsigned i;

	/* No overflow however many attempts failed. */
	for (i = 0; i < 1000; i++) {
		ck_assert_uint_le(upload_backoff(31, 30, 3600), 3600);
		ck_assert_uint_le(upload_backoff(64, 30, 3600), 3600);
		ck_assert_uint_le(upload_backoff(~0u, 30, 3600), 3600);
		ck_assert_uint_le(upload_backoff(40, 4000000000u,
		    4294967295u), 4294967295u);
	}
	/* max below base: max wins. */
	for (i = 0; i < 1000; i++)
		ck_assert_uint_le(upload_backoff(0, 100, 10), 10);
}
END_TEST

START_TEST(test_backoff_degenerate)
{
	ck_assert_uint_eq(upload_backoff(0, 0, 3600), 0);
	ck_assert_uint_eq(upload_backoff(5, 0, 3600), 0);
	ck_assert_uint_eq(upload_backoff(5, 30, 0), 0);
}
END_TEST

START_TEST(test_backoff_distribution)
{
	unsigned counts[10], i, v;
	double mean = 0, expect = DRAWS / 10.0;

	/* Attempt 2, base 25, max 1000: d = 100, uniform on 0..100.
	 * Mean 50; ten bins of width 10 (0-9 ... 90-100) each near
	 * DRAWS/10 (the last bin holds 11 values: 1.1 times). */
	memset(counts, 0, sizeof(counts));
	for (i = 0; i < DRAWS; i++) {
		v = upload_backoff(2, 25, 1000);
		ck_assert_uint_le(v, 100);
		mean += v;
		counts[v >= 100 ? 9 : v / 10]++;
	}
	mean /= DRAWS;
	/* Standard error of the mean: 29.2 / sqrt(20000) = 0.2. */
	ck_assert(mean > 48.5 && mean < 51.5);
	for (i = 0; i < 9; i++) {
		/* 10/101 of the draws: 1980 +- 3 sigma (~130). */
		ck_assert_msg(counts[i] > expect * 0.85 &&
		    counts[i] < expect * 1.15, "bin %u: %u", i, counts[i]);
	}
	ck_assert(counts[9] > expect * 1.1 * 0.85 &&
	    counts[9] < expect * 1.1 * 1.15);
}
END_TEST

START_TEST(test_backoff_small_range)
{
	unsigned seen[2] = { 0, 0 }, i, v;

	/* base 1 at attempt 0: d = 1, both values occur. */
	for (i = 0; i < 1000; i++) {
		v = upload_backoff(0, 1, 100);
		ck_assert_uint_le(v, 1);
		seen[v]++;
	}
	ck_assert_uint_gt(seen[0], 350);
	ck_assert_uint_gt(seen[1], 350);
}
END_TEST

START_TEST(test_upload_refuses_http)
{
	struct upload_opts o;
	struct plumb_err err = { 0, "" };

	memset(&o, 0, sizeof(o));
	o.url = "http://127.0.0.1:1/x";
	o.ca_file = "/nonexistent/ca.pem";
	o.cert_file = "/nonexistent/a.pem";
	o.key_file = "/nonexistent/a.key";
	ck_assert_int_eq(upload_bundle(&o, "/dev/null",
	    "12345678-1234-4234-8234-123456789abc", &err), UPLOAD_REJECTED);
	ck_assert_ptr_nonnull(strstr(err.msg, "https"));
}
END_TEST

START_TEST(test_upload_refuses_bad_uuid)
{
	struct upload_opts o;
	struct plumb_err err = { 0, "" };

	memset(&o, 0, sizeof(o));
	o.url = "https://127.0.0.1:1/x";
	o.ca_file = "/nonexistent/ca.pem";
	o.cert_file = "/nonexistent/a.pem";
	o.key_file = "/nonexistent/a.key";
	/* A header injection attempt never reaches the wire. */
	ck_assert_int_eq(upload_bundle(&o, "/dev/null",
	    "1234\r\nX-Evil: 1", &err), UPLOAD_REJECTED);
	ck_assert_ptr_nonnull(strstr(err.msg, "uuid"));
	o.url = NULL;
	ck_assert_int_eq(upload_bundle(&o, "/dev/null",
	    "12345678-1234-4234-8234-123456789abc", &err), UPLOAD_REJECTED);
}
END_TEST

START_TEST(test_upload_unreachable_is_retry)
{
	struct upload_opts o;
	struct plumb_err err = { 0, "" };
	char path[] = "/tmp/check_upload.XXXXXX";
	FILE *f;
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("not really a bundle\n", f);
	fclose(f);
	memset(&o, 0, sizeof(o));
	/* Port 1 on loopback: connection refused, a temporary failure. */
	o.url = "https://127.0.0.1:1/api/v1/bundles";
	o.ca_file = path;
	o.cert_file = path;
	o.key_file = path;
	o.connect_timeout_s = 5;
	o.timeout_s = 10;
	ck_assert_int_eq(upload_bundle(&o, path,
	    "12345678-1234-4234-8234-123456789abc", &err), UPLOAD_RETRY);
	ck_assert_ptr_nonnull(strstr(err.msg, "not reachable"));
	unlink(path);
}
END_TEST

static Suite *
upload_suite(void)
{
	Suite *s = suite_create("upload");
	TCase *tc = tcase_create("backoff");

	tcase_add_test(tc, test_backoff_bounds);
	tcase_add_test(tc, test_backoff_cap_large_attempts);
	tcase_add_test(tc, test_backoff_degenerate);
	tcase_add_test(tc, test_backoff_distribution);
	tcase_add_test(tc, test_backoff_small_range);
	suite_add_tcase(s, tc);
	tc = tcase_create("args");
	tcase_add_test(tc, test_upload_refuses_http);
	tcase_add_test(tc, test_upload_refuses_bad_uuid);
	tcase_add_test(tc, test_upload_unreachable_is_retry);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(upload_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
