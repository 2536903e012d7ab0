/* check_config.c - agent configuration: every key, defaults, errors. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plumb/error.h"
#include "agent_config.h"

static char tdir[64];
static char tpath[128];

static void
setup(void)
{
	snprintf(tdir, sizeof(tdir), "/tmp/check_config.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tdir));
	snprintf(tpath, sizeof(tpath), "%s/t.conf", tdir);
}

static void
teardown(void)
{
	unlink(tpath);
	rmdir(tdir);
}

static void
write_conf(const char *text)
{
	FILE *f = fopen(tpath, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

/* Defaults, then the file; rc and err as config_load left them. */
static int
load(const char *text, struct config *cfg, struct plumb_err *err)
{
	write_conf(text);
	ck_assert_int_eq(config_defaults(cfg, err), PLUMB_OK);
	return config_load(cfg, tpath, err);
}

/* ------------------------------------------------------- bad files */

struct bad_case {
	const char *text;
	const char *want;	/* after "PATH:" in the message */
};

static const struct bad_case bad_cases[] = {
	{ "[agent]\nhost_id = h1\ncolour = red\n",
	    "3: [agent] colour: unknown key" },
	{ "[agent]\n\n[bogus]\nx = 1\n",
	    "4: [bogus] x: unknown section [bogus]" },
	{ "[schedule]\ninterval_s=abc\n",
	    "2: [schedule] interval_s: \"abc\" is not a whole number" },
	{ "[limits]\nnice=40\n",
	    "2: [limits] nice: 40 is out of range 0..19" },
	{ "[limits]\nnice = -1\n",
	    "2: [limits] nice: \"-1\" is not a whole number" },
	{ "[limits]\nnice = 5x\n",
	    "2: [limits] nice: \"5x\" is not a whole number" },
	{ "[schedule]\ninterval_s = 59\n",
	    "2: [schedule] interval_s: 59 is out of range 60..31536000" },
	{ "[schedule]\ninterval_s = 99999999999999999999999\n",
	    "2: [schedule] interval_s: \"99999999999999999999999\" is not" },
	{ "[schedule]\ninterval_s = 4294967356\n",
	    "2: [schedule] interval_s: 4294967356 is out of range" },
	{ "[schedule]\njitter_s =\n",
	    "2: [schedule] jitter_s: \"\" is not a whole number" },
	{ "[collector]\nconnect_timeout_s = 0\n",
	    "2: [collector] connect_timeout_s: 0 is out of range 1..3600" },
	{ "[agent]\nrequire_signed_content = maybe\n",
	    "2: [agent] require_signed_content: \"maybe\" is not yes or no" },
	{ "[limits]\nidle_io = 2\n",
	    "2: [limits] idle_io: \"2\" is not yes or no" },
	{ "[spool]\nmax_bytes = 10X\n",
	    "2: [spool] max_bytes: \"10X\" is not a size" },
	{ "[spool]\nspool_max_bytes = 1T\n",
	    "2: [spool] spool_max_bytes: \"1T\" is not a size" },
	{ "[spool]\nmax_bytes = 20000000G\n",
	    "2: [spool] max_bytes: 20000000G is out of range" },
	{ "[collector]\nurl = http://collector.example/api\n",
	    "2: [collector] url: \"http://collector.example/api\" is not an "
	    "https:// URL" },
	{ "[collector]\nurl = https://\n",
	    "2: [collector] url: \"https://\" is not an https:// URL" },
	{ "[agent]\nhost_id = bad host\n",
	    "2: [agent] host_id: \"bad host\" is not a host id" },
	{ "[agent]\nhost_id = a/b\n",
	    "2: [agent] host_id: \"a/b\" is not a host id" },
	{ "interval_s = 600\n",
	    "1: [] interval_s: key outside of any section" },
	{ "[agent]\nhost_id = a\nhost_id = b\n",
	    "3: [agent] host_id: given twice" },
	{ "[collector]\nurl = https://c.example/x\n  /more\n",
	    "3: [collector] url: given twice" },
	{ "[agent]\nthis is not ini\n",
	    "2: syntax error" },
	{ "[agent\nhost_id = a\n",
	    "1: syntax error" },
	{ "[agent]\nstate_dir =\n",
	    "2: [agent] state_dir: empty value" },
	{ "[collector]\nkey_file =\n",
	    "2: [collector] key_file: empty value" },
	{ "[limits]\nrun_as = 9bad\n",
	    "2: [limits] run_as: \"9bad\" is not a valid user name" },
	{ "[agent]\nrequire_signed_content = yes\ncontent_ca =\n",
	    " [agent] require_signed_content: needs content_ca" },
	/* The first error is the one reported. */
	{ "[agent]\nfoo = 1\nbar = 2\n",
	    "2: [agent] foo: unknown key" },
	/* Comments and blank lines count as lines. */
	{ "# comment\n; comment\n\n[limits]\n\nnice = 20\n",
	    "6: [limits] nice: 20 is out of range 0..19" },
	/* Names are case-sensitive: "Nice" is not "nice". */
	{ "[limits]\nNice = 5\n",
	    "2: [limits] Nice: unknown key" },
	{ "[Limits]\nnice = 5\n",
	    "2: [Limits] nice: unknown section [Limits]" },
	/* [scan NAME] sections. */
	{ "[scan a/b]\ncontent = /c\n",
	    "2: [scan a/b] content: \"a/b\" is not a scan name" },
	{ "[scan default]\ncontent = /c\n",
	    "2: [scan default] content: the name \"default\" is the [agent]" },
	{ "[scan x]\ncontent = /c\ncolour = red\n",
	    "3: [scan x] colour: unknown key" },
	{ "[scan x]\ncontent = /c\ncontent = /d\n",
	    "3: [scan x] content: given twice" },
	{ "[scan x]\ninterval_s = 59\n",
	    "2: [scan x] interval_s: 59 is out of range 60..31536000" },
	{ "[scan x]\nprofile = p\n",
	    " [scan x] content: missing" },
	{ "[scan x]\ncontent = /c\n[scan y]\ncontent = /d\n"
	    "[limits]\nmax_scans = 1\n",
	    " 2 scans configured, more than [limits] max_scans (1)" },
	{ "[limits]\nmax_scans = 0\n",
	    "2: [limits] max_scans: 0 is out of range 1..256" },
};

START_TEST(test_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	struct plumb_err err = { 0, "" };
	struct config cfg;
	char want[512];

	ck_assert_int_eq(load(c->text, &cfg, &err), PLUMB_EPARSE);
	snprintf(want, sizeof(want), "%s:%s", tpath, c->want);
	ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0,
	    "case %d: got \"%s\", want prefix \"%s\"", _i, err.msg, want);
	ck_assert_int_eq(err.code, PLUMB_EPARSE);
	config_clear(&cfg);
}
END_TEST

START_TEST(test_long_line)
{
	struct plumb_err err = { 0, "" };
	struct config cfg;
	char text[600], want[256];

	memset(text, 0, sizeof(text));
	strcpy(text, "[agent]\ncontent = /");
	memset(text + strlen(text), 'a', 300);
	strcat(text, "\nnice = 1\n");
	ck_assert_int_eq(load(text, &cfg, &err), PLUMB_EPARSE);
	snprintf(want, sizeof(want), "%s:2: line longer than", tpath);
	ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "%s",
	    err.msg);
	config_clear(&cfg);
}
END_TEST

START_TEST(test_missing_file)
{
	struct plumb_err err = { 0, "" };
	struct config cfg;
	char want[256];

	ck_assert_int_eq(config_defaults(&cfg, &err), PLUMB_OK);
	ck_assert_int_eq(config_load(&cfg, tpath, &err), PLUMB_ENOENT);
	snprintf(want, sizeof(want), "%s: cannot read: No such file", tpath);
	ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "%s",
	    err.msg);
	config_clear(&cfg);
}
END_TEST

START_TEST(test_directory)
{
	struct plumb_err err = { 0, "" };
	struct config cfg;
	char want[256];

	ck_assert_int_eq(config_defaults(&cfg, &err), PLUMB_OK);
	ck_assert_int_eq(config_load(&cfg, tdir, &err), PLUMB_EIO);
	snprintf(want, sizeof(want), "%s: cannot read: is a directory", tdir);
	ck_assert_str_eq(err.msg, want);
	config_clear(&cfg);
}
END_TEST

START_TEST(test_unreadable)
{
	struct plumb_err err = { 0, "" };
	struct config cfg;
	char want[256];

	if (geteuid() == 0)
		return;		/* root reads mode 000 files */
	write_conf("[limits]\nnice = 1\n");
	ck_assert_int_eq(chmod(tpath, 0), 0);
	ck_assert_int_eq(config_defaults(&cfg, &err), PLUMB_OK);
	ck_assert_int_eq(config_load(&cfg, tpath, &err), PLUMB_EIO);
	snprintf(want, sizeof(want), "%s: cannot read: Permission denied",
	    tpath);
	ck_assert_str_eq(err.msg, want);
	config_clear(&cfg);
}
END_TEST

/* ------------------------------------------------------ good files */

START_TEST(test_defaults)
{
	struct plumb_err err = { 0, "" };
	struct config cfg;
	char host[256];

	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	ck_assert_int_eq(load("", &cfg, &err), PLUMB_OK);
	ck_assert_str_eq(cfg.host_id, host);
	ck_assert_ptr_null(cfg.content);
	ck_assert_ptr_null(cfg.profile);
	ck_assert_ptr_null(cfg.tailoring);
	ck_assert_int_eq(cfg.require_signed_content, 0);
	ck_assert_str_eq(cfg.content_ca, "/etc/plumb/content-ca.pem");
	ck_assert_str_eq(cfg.state_dir, "/var/lib/plumb");
	ck_assert_uint_eq(cfg.interval_s, 86400);
	ck_assert_uint_eq(cfg.jitter_s, 3600);
	ck_assert_ptr_null(cfg.url);
	ck_assert_str_eq(cfg.ca_file, "/etc/plumb/collector-ca.pem");
	ck_assert_str_eq(cfg.cert_file, "/etc/plumb/agent.pem");
	ck_assert_str_eq(cfg.key_file, "/etc/plumb/agent.key");
	ck_assert_uint_eq(cfg.connect_timeout_s, 10);
	ck_assert_uint_eq(cfg.timeout_s, 120);
	ck_assert_str_eq(cfg.spool_dir, "/var/spool/plumb");
	ck_assert_uint_eq(cfg.spool_max_bytes, 268435456u);
	ck_assert_int_eq(cfg.nice, 10);
	ck_assert_int_eq(cfg.idle_io, 1);
	ck_assert_uint_eq(cfg.cpu_budget_s, 0);
	ck_assert_ptr_null(cfg.run_as);
	config_clear(&cfg);
	ck_assert_ptr_null(cfg.host_id);
	config_clear(NULL);
}
END_TEST

START_TEST(test_every_key)
{
	struct plumb_err err = { 0, "" };
	struct config cfg;

	ck_assert_int_eq(load(
	    "# plumb agent\n"
	    "[agent]\n"
	    "host_id = mes-01.plant.example\n"
	    "content = /usr/share/plumb/benchmarks/plumb-plant-ds.xml\n"
	    "profile = xccdf_com.example_profile_mes\n"
	    "tailoring = /etc/plumb/tailoring.xml\n"
	    "require_signed_content = Yes\n"
	    "content_ca = /etc/plumb/cca.pem\n"
	    "state_dir = /srv/plumb/state\n"
	    "[schedule]\n"
	    "interval_s = 3600\n"
	    "jitter_s = 0\n"
	    "[collector]\n"
	    "url = https://collector.example:8443/api/v1/bundles\n"
	    "ca_file = /etc/plumb/ca.pem\n"
	    "cert_file = /etc/plumb/me.pem\n"
	    "key_file = /etc/plumb/me.key\n"
	    "connect_timeout_s = 5\n"
	    "timeout_s = 600\n"
	    "[spool]\n"
	    "spool_dir = /srv/plumb/spool\n"
	    "spool_max_bytes = 64M\n"
	    "[limits]\n"
	    "nice = 19 ; lowest priority\n"
	    "idle_io = off\n"
	    "cpu_budget_s = 900\n"
	    "run_as = plumb\n", &cfg, &err), PLUMB_OK);
	ck_assert_str_eq(cfg.host_id, "mes-01.plant.example");
	ck_assert_str_eq(cfg.content,
	    "/usr/share/plumb/benchmarks/plumb-plant-ds.xml");
	ck_assert_str_eq(cfg.profile, "xccdf_com.example_profile_mes");
	ck_assert_str_eq(cfg.tailoring, "/etc/plumb/tailoring.xml");
	ck_assert_int_eq(cfg.require_signed_content, 1);
	ck_assert_str_eq(cfg.content_ca, "/etc/plumb/cca.pem");
	ck_assert_str_eq(cfg.state_dir, "/srv/plumb/state");
	ck_assert_uint_eq(cfg.interval_s, 3600);
	ck_assert_uint_eq(cfg.jitter_s, 0);
	ck_assert_str_eq(cfg.url,
	    "https://collector.example:8443/api/v1/bundles");
	ck_assert_str_eq(cfg.ca_file, "/etc/plumb/ca.pem");
	ck_assert_str_eq(cfg.cert_file, "/etc/plumb/me.pem");
	ck_assert_str_eq(cfg.key_file, "/etc/plumb/me.key");
	ck_assert_uint_eq(cfg.connect_timeout_s, 5);
	ck_assert_uint_eq(cfg.timeout_s, 600);
	ck_assert_str_eq(cfg.spool_dir, "/srv/plumb/spool");
	ck_assert_uint_eq(cfg.spool_max_bytes, 67108864u);
	ck_assert_int_eq(cfg.nice, 19);
	ck_assert_int_eq(cfg.idle_io, 0);
	ck_assert_uint_eq(cfg.cpu_budget_s, 900);
	ck_assert_str_eq(cfg.run_as, "plumb");
	config_clear(&cfg);
}
END_TEST

/* One key, one value, the field as it must read afterwards. */
struct good_case {
	const char *text;
	uint64_t bytes;		/* expected spool_max_bytes */
	int flag;		/* expected idle_io */
};

static const struct good_case good_cases[] = {
	{ "[spool]\nmax_bytes = 1000\n", 1000, 1 },
	{ "[spool]\nmax_bytes = 512K\n", 524288, 1 },
	{ "[spool]\nmax_bytes = 512KiB\n", 524288, 1 },
	{ "[spool]\nmax_bytes = 3m\n", 3145728, 1 },
	{ "[spool]\nmax_bytes = 2G\n", 2147483648ULL, 1 },
	{ "[spool]\nmax_bytes = 0\n", 0, 1 },
	{ "[limits]\nidle_io = no\n", 268435456, 0 },
	{ "[limits]\nidle_io = FALSE\n", 268435456, 0 },
	{ "[limits]\nidle_io = 0\n", 268435456, 0 },
	{ "[limits]\nidle_io = on\n", 268435456, 1 },
	{ "[limits]\nidle_io = true\n", 268435456, 1 },
	{ "[limits]\nidle_io = 1\n", 268435456, 1 },
};

START_TEST(test_good)
{
	const struct good_case *c = &good_cases[_i];
	struct plumb_err err = { 0, "" };
	struct config cfg;

	ck_assert_msg(load(c->text, &cfg, &err) == PLUMB_OK, "%s", err.msg);
	ck_assert_uint_eq(cfg.spool_max_bytes, c->bytes);
	ck_assert_int_eq(cfg.idle_io, c->flag);
	config_clear(&cfg);
}
END_TEST

START_TEST(test_optional_empty)
{
	struct plumb_err err = { 0, "" };
	struct config cfg;

	/* Empty optional values unset; the spool "dir" alias works. */
	ck_assert_int_eq(load("[agent]\nprofile =\ncontent_ca =\n"
	    "[spool]\ndir = /q\n[limits]\nrun_as =\n[collector]\nurl =\n",
	    &cfg, &err), PLUMB_OK);
	ck_assert_ptr_null(cfg.profile);
	ck_assert_ptr_null(cfg.content_ca);
	ck_assert_ptr_null(cfg.run_as);
	ck_assert_ptr_null(cfg.url);
	ck_assert_str_eq(cfg.spool_dir, "/q");
	config_clear(&cfg);
}
END_TEST

/* [agent] content plus two [scan NAME] sections: the [agent] scan
 * first (named "default", [schedule] times), then the sections in file
 * order, each inheriting the [schedule] times it does not set. */
START_TEST(test_scans)
{
	struct plumb_err err = { 0, "" };
	const struct config_scan *sc;
	struct config cfg;

	ck_assert_msg(load("[scan plant]\ncontent = /p.xml\nprofile = core\n"
	    "root = /mnt/img\ninterval_s = 3600\n"
	    "[agent]\ncontent = /a.xml\ntailoring = /t.xml\n"
	    "[scan ssg]\ncontent = /s.xml\njitter_s = 5\n"
	    "[schedule]\ninterval_s = 600\njitter_s = 7\n",
	    &cfg, &err) == PLUMB_OK, "%s", err.msg);
	ck_assert_uint_eq(cfg.nscans, 3);
	ck_assert_str_eq(cfg.scans[0].name, "default");
	ck_assert_str_eq(cfg.scans[0].content, "/a.xml");
	ck_assert_str_eq(cfg.scans[0].tailoring, "/t.xml");
	ck_assert_ptr_null(cfg.scans[0].root);
	ck_assert_uint_eq(cfg.scans[0].interval_s, 600);
	ck_assert_uint_eq(cfg.scans[0].jitter_s, 7);
	ck_assert_str_eq(cfg.scans[1].name, "plant");
	ck_assert_str_eq(cfg.scans[1].profile, "core");
	ck_assert_str_eq(cfg.scans[1].root, "/mnt/img");
	ck_assert_uint_eq(cfg.scans[1].interval_s, 3600);
	ck_assert_uint_eq(cfg.scans[1].jitter_s, 7);
	ck_assert_str_eq(cfg.scans[2].name, "ssg");
	ck_assert_ptr_null(cfg.scans[2].profile);
	ck_assert_uint_eq(cfg.scans[2].interval_s, 600);
	ck_assert_uint_eq(cfg.scans[2].jitter_s, 5);
	ck_assert_ptr_nonnull(sc = config_scan_find(&cfg, "ssg", &err));
	ck_assert_str_eq(sc->content, "/s.xml");
	ck_assert_ptr_null(config_scan_find(&cfg, "nope", &err));
	ck_assert_int_eq(err.code, PLUMB_ENOENT);
	ck_assert_ptr_null(config_scan_find(&cfg, NULL, &err));
	ck_assert_int_eq(err.code, PLUMB_EINVAL);
	config_clear(&cfg);
	/* The single-scan keys alone: one scan, as before. */
	ck_assert_msg(load("[agent]\ncontent = /a.xml\nroot = /r\n", &cfg,
	    &err) == PLUMB_OK, "%s", err.msg);
	ck_assert_uint_eq(cfg.nscans, 1);
	ck_assert_ptr_nonnull(sc = config_scan_find(&cfg, NULL, &err));
	ck_assert_str_eq(sc->root, "/r");
	ck_assert_uint_eq(sc->interval_s, 86400);
	config_clear(&cfg);
	/* Nothing to scan. */
	ck_assert_msg(load("[agent]\nhost_id = h\n", &cfg, &err) ==
	    PLUMB_OK, "%s", err.msg);
	ck_assert_uint_eq(cfg.nscans, 0);
	ck_assert_ptr_null(config_scan_find(&cfg, NULL, &err));
	ck_assert_int_eq(err.code, PLUMB_ENOENT);
	config_clear(&cfg);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_bad, 0,
	    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_directory);
	tcase_add_test(tc, test_unreadable);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_every_key);
	tcase_add_loop_test(tc, test_good, 0,
	    (int)(sizeof(good_cases) / sizeof(good_cases[0])));
	tcase_add_test(tc, test_optional_empty);
	tcase_add_test(tc, test_scans);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
