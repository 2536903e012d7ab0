/* check_common.c - the shared layer (common/): hex, dynbuf, grow_array,
 * the small JSON reader and writer, INI value syntax. */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/error.h"
#include "common/dynbuf.h"
#include "common/grow.h"
#include "common/hex.h"
#include "common/ini_util.h"
#include "common/pjson.h"

START_TEST(test_hex)
{
	const unsigned char in[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	char out[2 * sizeof(in) + 1];

	memset(out, 'x', sizeof(out));
	hex_encode(in, sizeof(in), out);
	ck_assert_str_eq(out, "00017f80abff");
	hex_encode(in, 0, out);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_dynbuf_add_and_cap)
{
	struct dynbuf b = DYNBUF_INIT(DYNBUF_FIRST + 10);
	unsigned char *p;
	size_t len, i;

	/* Nothing added: no allocation. */
	ck_assert_int_eq(dynbuf_add(&b, "x", 0), PLUMB_OK);
	ck_assert_ptr_null(b.p);
	ck_assert_int_eq(dynbuf_add(&b, "abc", 3), PLUMB_OK);
	ck_assert_int_eq(dynbuf_add(&b, NULL, 2), PLUMB_OK);
	ck_assert_uint_eq(b.len, 5);
	ck_assert_int_eq(memcmp(b.p, "abc\0\0", 5), 0);
	ck_assert_uint_eq(b.cap, DYNBUF_FIRST);
	/* Up to the cap exactly; one byte more is refused, nothing added. */
	ck_assert_int_eq(dynbuf_add(&b, NULL, DYNBUF_FIRST + 5), PLUMB_OK);
	ck_assert_uint_eq(b.len, DYNBUF_FIRST + 10);
	ck_assert_uint_eq(b.cap, 2 * DYNBUF_FIRST);
	ck_assert_int_eq(dynbuf_add(&b, "y", 1), PLUMB_ELIMIT);
	ck_assert_uint_eq(b.len, DYNBUF_FIRST + 10);
	for (i = 5; i < b.len; i++)
		ck_assert_int_eq(b.p[i], 0);
	p = dynbuf_take(&b, &len);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(len, DYNBUF_FIRST + 10);
	ck_assert_ptr_null(b.p);
	ck_assert_uint_eq(b.len, 0);
	free(p);
	/* After take the cap still holds. */
	ck_assert_int_eq(dynbuf_add(&b, NULL, DYNBUF_FIRST + 11),
	    PLUMB_ELIMIT);
	dynbuf_free(&b);
	dynbuf_free(NULL);
}
END_TEST

START_TEST(test_dynbuf_printf)
{
	struct dynbuf b;
	char big[DYNBUF_PRINTF_MAX + 2];

	dynbuf_init(&b, 4096);
	ck_assert_int_eq(dynbuf_printf(&b, "%s=%d;", "n", 42), PLUMB_OK);
	ck_assert_uint_eq(b.len, 5);
	ck_assert_int_eq(memcmp(b.p, "n=42;", 5), 0);
	memset(big, 'a', sizeof(big));
	big[DYNBUF_PRINTF_MAX] = '\0';
	ck_assert_int_eq(dynbuf_printf(&b, "%s", big), PLUMB_OK);
	ck_assert_uint_eq(b.len, 5 + DYNBUF_PRINTF_MAX);
	big[DYNBUF_PRINTF_MAX] = 'a';
	big[DYNBUF_PRINTF_MAX + 1] = '\0';
	ck_assert_int_eq(dynbuf_printf(&b, "%s", big), PLUMB_ELIMIT);
	ck_assert_uint_eq(b.len, 5 + DYNBUF_PRINTF_MAX);
	dynbuf_free(&b);
}
END_TEST

START_TEST(test_grow_array)
{
	int *v = NULL;
	size_t n, cap = 0;

	for (n = 0; n < 100; n++) {
		ck_assert_int_eq(grow_array(&v, n, &cap, sizeof(*v), 4), 0);
		ck_assert_uint_gt(cap, n);
		v[n] = (int)n;
	}
	/* 4, 8, 16, 32, 64, 128: doubling from first. */
	ck_assert_uint_eq(cap, 128);
	for (n = 0; n < 100; n++)
		ck_assert_int_eq(v[n], (int)n);
	/* Room left: nothing moves. */
	ck_assert_int_eq(grow_array(&v, 100, &cap, sizeof(*v), 4), 0);
	ck_assert_uint_eq(cap, 128);
	free(v);
	/* An impossible size fails and leaves the array as it was. */
	v = NULL;
	cap = SIZE_MAX / 2 + 1;
	ck_assert_int_eq(grow_array(&v, cap, &cap, 1, 4), -1);
	ck_assert_ptr_null(v);
	cap = 0;
	ck_assert_int_eq(grow_array(&v, 0, &cap, SIZE_MAX / 2, 4), -1);
	ck_assert_ptr_null(v);
	ck_assert_uint_eq(cap, 0);
}
END_TEST

START_TEST(test_pjson_reader)
{
	static const char doc[] = " { \"a\" : \"x\\n\\u0041\\/\", \"n\": 123,"
	    " \"skip\": [true, false, null, {\"k\": [1, \"s\"]}] } ";
	struct pjson_rd j;
	char key[16], val[16];
	uint64_t n;

	pjson_rd_init(&j, doc, strlen(doc), 1024);
	ck_assert(pjson_lit(&j, '{'));
	ck_assert_int_eq(pjson_string(&j, key, sizeof(key)), 0);
	ck_assert_str_eq(key, "a");
	ck_assert(pjson_lit(&j, ':'));
	ck_assert_int_eq(pjson_string(&j, val, sizeof(val)), 0);
	ck_assert_str_eq(val, "x\nA/");
	ck_assert(pjson_lit(&j, ','));
	ck_assert_int_eq(pjson_string(&j, key, sizeof(key)), 0);
	ck_assert(pjson_lit(&j, ':'));
	ck_assert_int_eq(pjson_uint(&j, &n), 0);
	ck_assert_uint_eq(n, 123);
	ck_assert(pjson_lit(&j, ','));
	ck_assert_int_eq(pjson_string(&j, key, sizeof(key)), 0);
	ck_assert(pjson_lit(&j, ':'));
	ck_assert_int_eq(pjson_skip(&j), 0);
	ck_assert(pjson_lit(&j, '}'));
	pjson_ws(&j);
	ck_assert(j.p == j.end);

	/* Too long for the buffer, non-ASCII \u, raw control byte. */
	pjson_rd_init(&j, "\"abcd\"", 6, 1024);
	ck_assert_int_eq(pjson_string(&j, val, 4), -1);
	pjson_rd_init(&j, "\"\\u00e9\"", 8, 1024);
	ck_assert_int_eq(pjson_string(&j, val, sizeof(val)), -1);
	pjson_rd_init(&j, "\"a\tb\"", 5, 1024);
	ck_assert_int_eq(pjson_string(&j, val, sizeof(val)), -1);
	/* Skipped strings are bounded by skip_max. */
	pjson_rd_init(&j, "\"abcd\"", 6, 4);
	ck_assert_int_eq(pjson_skip(&j), -1);
	pjson_rd_init(&j, "\"abcd\"", 6, 5);
	ck_assert_int_eq(pjson_skip(&j), 0);
	/* Nesting deeper than PJSON_DEPTH_MAX. */
	pjson_rd_init(&j, "[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]", 35, 1024);
	ck_assert_int_eq(pjson_skip(&j), -1);
	/* Overflowing integer. */
	pjson_rd_init(&j, "18446744073709551616", 20, 1024);
	ck_assert_int_eq(pjson_uint(&j, &n), -1);
}
END_TEST

START_TEST(test_pjson_object_string)
{
	static const char ok[] = "{\"error\": 1, \"certificate\": "
	    "\"-----BEGIN\\nX\\n\", \"chain\": \"long string skipped\"}";
	char buf[64];

	ck_assert_int_eq(pjson_object_string(ok, strlen(ok), "certificate",
	    buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "-----BEGIN\nX\n");
	/* Not a string, absent, too small a buffer. */
	ck_assert_int_eq(pjson_object_string(ok, strlen(ok), "error", buf,
	    sizeof(buf)), -1);
	ck_assert_int_eq(pjson_object_string(ok, strlen(ok), "none", buf,
	    sizeof(buf)), -1);
	ck_assert_int_eq(pjson_object_string(ok, strlen(ok), "certificate",
	    buf, 5), -1);
	/* Trailing garbage, not an object, truncated. */
	ck_assert_int_eq(pjson_object_string("{\"a\":\"b\"} x", 11, "a", buf,
	    sizeof(buf)), -1);
	ck_assert_int_eq(pjson_object_string("[\"a\"]", 5, "a", buf,
	    sizeof(buf)), -1);
	ck_assert_int_eq(pjson_object_string("{\"a\":\"b\"", 8, "a", buf,
	    sizeof(buf)), -1);
	ck_assert_int_eq(pjson_object_string("", 0, "a", buf,
	    sizeof(buf)), -1);
}
END_TEST

START_TEST(test_pjson_writer)
{
	struct dynbuf b = DYNBUF_INIT(4096);
	char out[64], back[64];
	struct pjson_rd j;

	ck_assert_int_eq(pjson_put_string(&b, "a\"b\\c\n\x01/"), PLUMB_OK);
	ck_assert_uint_lt(b.len, sizeof(out));
	memcpy(out, b.p, b.len);
	out[b.len] = '\0';
	ck_assert_str_eq(out, "\"a\\\"b\\\\c\\u000a\\u0001/\"");
	/* What the writer writes, the reader reads back. */
	pjson_rd_init(&j, out, strlen(out), 1024);
	ck_assert_int_eq(pjson_string(&j, back, sizeof(back)), 0);
	ck_assert_str_eq(back, "a\"b\\c\n\x01/");
	dynbuf_free(&b);
}
END_TEST

START_TEST(test_ini_values)
{
	unsigned long long n;
	char *s = NULL;

	ck_assert_int_eq(ini_uint("0", &n), 0);
	ck_assert_uint_eq(n, 0);
	/* Refused a little before ULLONG_MAX: the overflow check is
	 * made before the last digit is known. */
	ck_assert_int_eq(ini_uint("1844674407370955161", &n), 0);
	ck_assert_uint_eq(n, 1844674407370955161ULL);
	ck_assert_int_eq(ini_uint("18446744073709551616", &n), -1);
	ck_assert_int_eq(ini_uint("", &n), -1);
	ck_assert_int_eq(ini_uint("-1", &n), -1);
	ck_assert_int_eq(ini_uint(" 1", &n), -1);
	ck_assert_int_eq(ini_uint("1K", &n), -1);
	ck_assert_int_eq(ini_bytes("3", &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(ini_bytes("2k", &n), 0);
	ck_assert_uint_eq(n, 2048);
	ck_assert_int_eq(ini_bytes("5MiB", &n), 0);
	ck_assert_uint_eq(n, 5ULL << 20);
	ck_assert_int_eq(ini_bytes("1G", &n), 0);
	ck_assert_uint_eq(n, 1ULL << 30);
	ck_assert_int_eq(ini_bytes("1T", &n), -1);
	ck_assert_int_eq(ini_bytes("17179869184G", &n), -1);
	ck_assert_int_eq(ini_set_str(&s, "abc"), 0);
	ck_assert_str_eq(s, "abc");
	ck_assert_int_eq(ini_set_str(&s, NULL), 0);
	ck_assert_ptr_null(s);
}
END_TEST

static void
verror(struct plumb_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
verror(struct plumb_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ini_verror(err, "/etc/x.conf", 7, "limits", "nice", fmt, ap);
	va_end(ap);
}

START_TEST(test_ini_verror)
{
	struct plumb_err err;

	memset(&err, 0, sizeof(err));
	verror(&err, "%s is out of range %d..%d", "99", 0, 19);
	ck_assert_int_eq(err.code, PLUMB_EPARSE);
	ck_assert_str_eq(err.msg,
	    "/etc/x.conf:7: [limits] nice: 99 is out of range 0..19");
}
END_TEST

static Suite *
common_suite(void)
{
	Suite *s = suite_create("common");
	TCase *tc = tcase_create("common");

	tcase_add_test(tc, test_hex);
	tcase_add_test(tc, test_dynbuf_add_and_cap);
	tcase_add_test(tc, test_dynbuf_printf);
	tcase_add_test(tc, test_grow_array);
	tcase_add_test(tc, test_pjson_reader);
	tcase_add_test(tc, test_pjson_object_string);
	tcase_add_test(tc, test_pjson_writer);
	tcase_add_test(tc, test_ini_values);
	tcase_add_test(tc, test_ini_verror);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(common_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
