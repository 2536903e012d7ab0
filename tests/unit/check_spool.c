/* check_spool.c - the durable bundle queue: order, bounds, recovery. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plumb/error.h"
#include "spool.h"

static char base[64];		/* scratch directory */
static char sdir[128];		/* the spool inside it */
static char warnings[4096];	/* what the spool warned about */
static int nwarn;

static const char *uuids[] = {
	"11111111-1111-4111-8111-111111111111",
	"22222222-2222-4222-8222-222222222222",
	"33333333-3333-4333-8333-333333333333",
	"44444444-4444-4444-8444-444444444444",
};

static void
rm_rf(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "check_spool: could not remove %s\n", dir);
}

static void
setup(void)
{
	snprintf(base, sizeof(base), "/tmp/check_spool.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
	snprintf(sdir, sizeof(sdir), "%s/spool", base);
	warnings[0] = '\0';
	nwarn = 0;
}

static void
teardown(void)
{
	rm_rf(base);
}

static void
collect_warn(void *arg, const char *msg)
{
	size_t l = strlen(warnings);

	(void)arg;
	snprintf(warnings + l, sizeof(warnings) - l, "%s\n", msg);
	nwarn++;
}

/* A source file of len bytes, each the byte fill, in dir. */
static void
make_src(const char *dir, const char *name, size_t len, int fill,
    char *path, size_t plen)
{
	char buf[4096];
	FILE *f;
	size_t n;

	snprintf(path, plen, "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	memset(buf, fill, sizeof(buf));
	for (; len > 0; len -= n) {
		n = len < sizeof(buf) ? len : sizeof(buf);
		ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
	}
	ck_assert_int_eq(fclose(f), 0);
}

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

START_TEST(test_order_and_names)
{
	struct plumb_err err = { 0, "" };
	struct spool_entry *v = NULL;
	struct spool *sp = NULL;
	struct stat st;
	char src[256], path[512], want[512];
	size_t n, i;

	ck_assert_int_eq(spool_open(sdir, 0, &sp, &err), PLUMB_OK);
	ck_assert_int_eq(stat(sdir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	for (i = 0; i < 3; i++) {
		make_src(base, "b.p7m", 100 + i, 'a' + (int)i, src,
		    sizeof(src));
		ck_assert_msg(spool_put(sp, src, uuids[i], &err) == PLUMB_OK,
		    "%s", err.msg);
		/* Moved, not copied. */
		ck_assert_int_eq(exists(src), 0);
	}
	ck_assert_int_eq(spool_list(sp, &v, &n, &err), PLUMB_OK);
	ck_assert_uint_eq(n, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(v[i].seq, i + 1);
		ck_assert_str_eq(v[i].uuid, uuids[i]);
		ck_assert_uint_eq(v[i].size, 100 + i);
		snprintf(want, sizeof(want), "00000000000000%02zu-%s.p7m",
		    i + 1, uuids[i]);
		ck_assert_str_eq(v[i].name, want);
		ck_assert_int_eq(spool_path(sp, &v[i], path, sizeof(path)),
		    PLUMB_OK);
		snprintf(want, sizeof(want), "%s/00000000000000%02zu-%s.p7m",
		    sdir, i + 1, uuids[i]);
		ck_assert_str_eq(path, want);
	}
	ck_assert_int_eq(spool_path(sp, &v[0], path, 10), PLUMB_ELIMIT);
	free(v);
	ck_assert_uint_eq(spool_dropped(sp), 0);
	spool_close(sp);
	spool_close(NULL);
}
END_TEST

START_TEST(test_order_survives_reopen_and_remove)
{
	struct plumb_err err = { 0, "" };
	struct spool_entry *v = NULL;
	struct spool *sp = NULL;
	char src[256];
	size_t n;

	ck_assert_int_eq(spool_open(sdir, 0, &sp, &err), PLUMB_OK);
	make_src(base, "a", 10, 'a', src, sizeof(src));
	ck_assert_int_eq(spool_put(sp, src, uuids[0], &err), PLUMB_OK);
	make_src(base, "b", 10, 'b', src, sizeof(src));
	ck_assert_int_eq(spool_put(sp, src, uuids[1], &err), PLUMB_OK);
	spool_close(sp);

	ck_assert_int_eq(spool_open(sdir, 0, &sp, &err), PLUMB_OK);
	make_src(base, "c", 10, 'c', src, sizeof(src));
	ck_assert_int_eq(spool_put(sp, src, uuids[2], &err), PLUMB_OK);
	ck_assert_int_eq(spool_list(sp, &v, &n, &err), PLUMB_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(v[2].seq, 3);
	ck_assert_str_eq(v[2].uuid, uuids[2]);
	/* Remove the oldest (acknowledged); removing twice is harmless. */
	ck_assert_int_eq(spool_remove(sp, &v[0], &err), PLUMB_OK);
	ck_assert_int_eq(spool_remove(sp, &v[0], &err), PLUMB_OK);
	free(v);
	ck_assert_int_eq(spool_list(sp, &v, &n, &err), PLUMB_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0].uuid, uuids[1]);
	ck_assert_str_eq(v[1].uuid, uuids[2]);
	free(v);
	spool_close(sp);
}
END_TEST

START_TEST(test_max_bytes_drops_oldest)
{
	struct plumb_err err = { 0, "" };
	struct spool_entry *v = NULL;
	struct spool *sp = NULL;
	char src[256];
	size_t n, i;

	/* 2500 bytes hold two 1000-byte bundles, not three. */
	ck_assert_int_eq(spool_open(sdir, 2500, &sp, &err), PLUMB_OK);
	spool_set_warn(sp, collect_warn, NULL);
	for (i = 0; i < 3; i++) {
		make_src(base, "b", 1000, 'a', src, sizeof(src));
		ck_assert_int_eq(spool_put(sp, src, uuids[i], &err), PLUMB_OK);
	}
	ck_assert_uint_eq(spool_dropped(sp), 1);
	ck_assert_int_eq(nwarn, 1);
	ck_assert_msg(strstr(warnings, "dropped oldest bundle "
	    "0000000000000001-11111111-1111-4111-8111-111111111111.p7m") !=
	    NULL, "%s", warnings);
	ck_assert_int_eq(spool_list(sp, &v, &n, &err), PLUMB_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0].uuid, uuids[1]);
	ck_assert_str_eq(v[1].uuid, uuids[2]);
	free(v);

	/* A fourth drops the second; the counter is 2 and persists. */
	make_src(base, "b", 1000, 'a', src, sizeof(src));
	ck_assert_int_eq(spool_put(sp, src, uuids[3], &err), PLUMB_OK);
	ck_assert_uint_eq(spool_dropped(sp), 2);
	spool_close(sp);
	ck_assert_int_eq(spool_open(sdir, 2500, &sp, &err), PLUMB_OK);
	ck_assert_uint_eq(spool_dropped(sp), 2);
	ck_assert_int_eq(spool_list(sp, &v, &n, &err), PLUMB_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0].uuid, uuids[2]);
	ck_assert_str_eq(v[1].uuid, uuids[3]);
	free(v);
	spool_close(sp);
}
END_TEST

START_TEST(test_too_big_refused)
{
	struct plumb_err err = { 0, "" };
	struct spool_entry *v = NULL;
	struct spool *sp = NULL;
	char src[256];
	size_t n;

	ck_assert_int_eq(spool_open(sdir, 1000, &sp, &err), PLUMB_OK);
	make_src(base, "small", 500, 'a', src, sizeof(src));
	ck_assert_int_eq(spool_put(sp, src, uuids[0], &err), PLUMB_OK);
	make_src(base, "big", 1001, 'b', src, sizeof(src));
	ck_assert_int_eq(spool_put(sp, src, uuids[1], &err), PLUMB_ELIMIT);
	ck_assert_ptr_nonnull(strstr(err.msg, "exceed"));
	/* Nothing changed: the old bundle stays, the source too. */
	ck_assert_int_eq(exists(src), 1);
	ck_assert_int_eq(spool_list(sp, &v, &n, &err), PLUMB_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].uuid, uuids[0]);
	free(v);
	ck_assert_uint_eq(spool_dropped(sp), 0);
	spool_close(sp);
}
END_TEST

START_TEST(test_stale_temporary_removed)
{
	struct plumb_err err = { 0, "" };
	struct spool_entry *v = NULL;
	struct spool *sp = NULL;
	char p[256];
	size_t n;

	ck_assert_int_eq(mkdir(sdir, 0700), 0);
	make_src(sdir, ".tmp-Ab12Cd", 777, 'x', p, sizeof(p));
	make_src(sdir, "0000000000000001-" "11111111-1111-4111-8111-"
	    "111111111111.p7m", 10, 'y', p, sizeof(p));
	make_src(sdir, "README", 10, 'z', p, sizeof(p));
	make_src(sdir, "12-short.p7m", 10, 'z', p, sizeof(p));
	ck_assert_int_eq(spool_open(sdir, 0, &sp, &err), PLUMB_OK);
	snprintf(p, sizeof(p), "%s/.tmp-Ab12Cd", sdir);
	ck_assert_int_eq(exists(p), 0);
	/* Files that are not spool entries are neither listed nor removed. */
	snprintf(p, sizeof(p), "%s/README", sdir);
	ck_assert_int_eq(exists(p), 1);
	ck_assert_int_eq(spool_list(sp, &v, &n, &err), PLUMB_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(v[0].seq, 1);
	ck_assert_uint_eq(v[0].size, 10);
	free(v);
	spool_close(sp);
}
END_TEST

START_TEST(test_bad_uuid_and_source)
{
	struct plumb_err err = { 0, "" };
	struct spool_entry e;
	struct spool *sp = NULL;
	char src[256];

	ck_assert_int_eq(spool_open(sdir, 0, &sp, &err), PLUMB_OK);
	make_src(base, "b", 10, 'a', src, sizeof(src));
	ck_assert_int_eq(spool_put(sp, src, "../../etc/passwd", &err),
	    PLUMB_EINVAL);
	ck_assert_int_eq(spool_put(sp, src, "", &err), PLUMB_EINVAL);
	snprintf(src, sizeof(src), "%s/none", base);
	ck_assert_int_eq(spool_put(sp, src, uuids[0], &err), PLUMB_ENOENT);
	/* spool_remove only removes names of entries. */
	memset(&e, 0, sizeof(e));
	snprintf(e.name, sizeof(e.name), ".lock");
	ck_assert_int_eq(spool_remove(sp, &e, &err), PLUMB_EINVAL);
	spool_close(sp);
}
END_TEST

/* Copying from another file system (here /dev/shm) works the same. */
START_TEST(test_cross_device)
{
	struct plumb_err err = { 0, "" };
	struct spool_entry *v = NULL;
	struct spool *sp = NULL;
	struct stat a, b;
	char shm[64], src[256], path[512], buf[300000];
	size_t n;
	FILE *f;

	snprintf(shm, sizeof(shm), "/dev/shm/check_spool.XXXXXX");
	if (mkdtemp(shm) == NULL)
		return;		/* no /dev/shm: nothing to test */
	ck_assert_int_eq(spool_open(sdir, 0, &sp, &err), PLUMB_OK);
	make_src(shm, "b", 200000, 'q', src, sizeof(src));
	ck_assert_int_eq(stat(src, &a), 0);
	ck_assert_int_eq(stat(sdir, &b), 0);
	ck_assert_msg(spool_put(sp, src, uuids[0], &err) == PLUMB_OK, "%s",
	    err.msg);
	ck_assert_int_eq(exists(src), 0);
	ck_assert_int_eq(spool_list(sp, &v, &n, &err), PLUMB_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(v[0].size, 200000);
	ck_assert_int_eq(spool_path(sp, &v[0], path, sizeof(path)), 0);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_uint_eq(fread(buf, 1, sizeof(buf), f), 200000);
	fclose(f);
	ck_assert_int_eq(buf[0], 'q');
	ck_assert_int_eq(buf[199999], 'q');
	free(v);
	spool_close(sp);
	rm_rf(shm);
}
END_TEST

static Suite *
spool_suite(void)
{
	Suite *s = suite_create("spool");
	TCase *tc = tcase_create("spool");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_order_and_names);
	tcase_add_test(tc, test_order_survives_reopen_and_remove);
	tcase_add_test(tc, test_max_bytes_drops_oldest);
	tcase_add_test(tc, test_too_big_refused);
	tcase_add_test(tc, test_stale_temporary_removed);
	tcase_add_test(tc, test_bad_uuid_and_source);
	tcase_add_test(tc, test_cross_device);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(spool_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
