/*
 * check_sysprobes.c - the non-file Linux probes (dpkginfo, rpminfo,
 * sysctl, password, shadow, partition, process58, uname, interface)
 * called directly with hand-built requests against the fixture trees
 * under tests/fixtures/linux/<probe>/root.  Expected fields are worked
 * out by hand from those trees, deb-version(5), shadow(5), proc(5) and
 * the system-characteristics schemas.
 */
#include "config.h"

#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plumb/probe.h"

/* The probe for NAME_object, reached through the table as the engine
 * reaches it (so registration is tested too). */
static const struct probe_ops *
probe(const char *name)
{
	const struct probe_ops *ops;
	char type[64];

	snprintf(type, sizeof(type), "%s_object", name);
	ops = probe_lookup(type);
	ck_assert_msg(ops != NULL, "no probe registered for %s", type);
	return ops;
}

static char fxroot[1024];
static struct probe_result res;

/* The fixture root of probe p. */
static const char *
fx(const char *p)
{
	const char *top = getenv("top_srcdir");

	snprintf(fxroot, sizeof(fxroot), "%s/tests/fixtures/linux/%s/root",
	    top ? top : ".", p);
	return fxroot;
}

/*
 * A temporary copy of the fixture root of probe p with the symbolic
 * links of its "symlinks" manifest made (they are not committed).
 */
static char fx_tmp[] = "/tmp/plumb-check-sysprobes-XXXXXX";

static const char *
fx_linked(const char *p)
{
	static char root[1100];
	char *tmp = fx_tmp;
	char cmd[2400], manifest[1100], lpath[512], ltarget[512], path[1700];
	FILE *f;

	if (mkdtemp(tmp) == NULL)
		return NULL;
	snprintf(cmd, sizeof(cmd), "cp -R '%s' '%s/root'", fx(p), tmp);
	if (system(cmd) != 0)
		return NULL;
	snprintf(root, sizeof(root), "%s/root", tmp);
	snprintf(manifest, sizeof(manifest), "%s/../symlinks", fx(p));
	if ((f = fopen(manifest, "r")) == NULL)
		return root;
	while (fscanf(f, "%511s %511s", lpath, ltarget) == 2) {
		/* Empty directories are not committed either. */
		snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s/%s')\"",
		    root, lpath);
		snprintf(path, sizeof(path), "%s/%s", root, lpath);
		if (system(cmd) != 0 || symlink(ltarget, path) != 0)
			root[0] = '\0';
	}
	fclose(f);
	return root[0] ? root : NULL;
}

/*
 * Run ops against root with up to two entities (name1 = v1 under op1,
 * name2 = v2 under op2 with datatype dt2); the result lands in res.
 */
static int
run2(const struct probe_ops *ops, const char *root, const char *name1,
    enum oval_operation op1, const char *v1, const char *name2,
    enum oval_operation op2, enum oval_datatype dt2, const char *v2)
{
	struct oval_values vals[2];
	struct probe_ent ents[2];
	struct probe_env env;
	struct probe_req req;
	int rc;

	memset(ents, 0, sizeof(ents));
	memset(&env, 0, sizeof(env));
	memset(&req, 0, sizeof(req));
	oval_item_list_clear(&res.items);
	memset(&res, 0, sizeof(res));
	res.flag = OVAL_FLAG_COMPLETE;
	oval_values_init(&vals[0], OVAL_DT_STRING);
	oval_values_init(&vals[1], dt2);
	env.root = root;
	req.type = ops->type;
	req.env = &env;
	req.ents = ents;
	if (name1 != NULL) {
		ck_assert_int_eq(oval_values_add(&vals[0], v1), 0);
		ents[0].name = name1;
		ents[0].op = op1;
		ents[0].vals = &vals[0];
		req.nents = 1;
	}
	if (name2 != NULL) {
		ck_assert_int_eq(oval_values_add(&vals[1], v2), 0);
		ents[1].name = name2;
		ents[1].dt = dt2;
		ents[1].op = op2;
		ents[1].vals = &vals[1];
		req.nents = 2;
	}
	rc = ops->collect(&req, &res);
	oval_values_clear(&vals[0]);
	oval_values_clear(&vals[1]);
	return rc;
}

static int
run(const struct probe_ops *ops, const char *root, const char *name,
    enum oval_operation op, const char *v)
{
	return run2(ops, root, name, op, v, NULL, OVAL_OP_EQUALS,
	    OVAL_DT_STRING, NULL);
}

/* The item whose field key has value v. */
static const struct oval_item *
find(const char *key, const char *v)
{
	const struct oval_field *f;
	size_t i, pos;

	for (i = 0; i < res.items.n; i++) {
		pos = 0;
		if ((f = oval_item_field(res.items.v[i], key, &pos)) != NULL &&
		    f->value != NULL && strcmp(f->value, v) == 0)
			return res.items.v[i];
	}
	ck_abort_msg("no item with %s = %s", key, v);
	return NULL;
}

/* Value of the n-th (0-based) field called name of it. */
static const char *
fld(const struct oval_item *it, const char *name, int n)
{
	const struct oval_field *f = NULL;
	size_t pos = 0;

	do {
		f = oval_item_field(it, name, &pos);
	} while (f != NULL && n-- > 0);
	return f ? f->value : NULL;
}

/* Number of fields called name in it. */
static int
count(const struct oval_item *it, const char *name)
{
	size_t pos = 0;
	int n = 0;

	while (oval_item_field(it, name, &pos) != NULL)
		n++;
	return n;
}

/* Field names of it joined by spaces (order check). */
static const char *
names(const struct oval_item *it)
{
	static char buf[1024];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < it->nfields; i++) {
		if (i > 0 && strcmp(it->fields[i].name,
		    it->fields[i - 1].name) == 0)
			continue;
		strncat(buf, it->fields[i].name, sizeof(buf) - strlen(buf) - 2);
		strcat(buf, " ");
	}
	return buf;
}

/* ------------------------------------------------------------- dpkginfo */

START_TEST(dpkg_split)
{
	const struct oval_item *it;

	ck_assert_int_eq(run(probe("dpkginfo"), fx("dpkginfo"), "name",
	    OVAL_OP_EQUALS, "alpha"), 0);
	ck_assert_int_eq(res.flag, OVAL_FLAG_COMPLETE);
	ck_assert_uint_eq(res.items.n, 1);
	it = res.items.v[0];
	ck_assert_str_eq(it->type, "dpkginfo_item");
	ck_assert_str_eq(names(it), "name arch epoch release version evr ");
	ck_assert_str_eq(fld(it, "arch", 0), "amd64");
	ck_assert_str_eq(fld(it, "epoch", 0), "0");
	ck_assert_str_eq(fld(it, "release", 0), "4");
	ck_assert_str_eq(fld(it, "version", 0), "1.2.3");
	ck_assert_str_eq(fld(it, "evr", 0), "0:1.2.3-4");
	ck_assert_int_eq(it->fields[5].dt, OVAL_DT_DEBIAN_EVR_STRING);

	run(probe("dpkginfo"), fx("dpkginfo"), "name", OVAL_OP_EQUALS,
	    "beta");
	ck_assert_uint_eq(res.items.n, 1);
	ck_assert_str_eq(fld(res.items.v[0], "epoch", 0), "2");
	ck_assert_str_eq(fld(res.items.v[0], "release", 0), "1ubuntu2");
	ck_assert_str_eq(fld(res.items.v[0], "evr", 0), "2:5.6-1ubuntu2");

	run(probe("dpkginfo"), fx("dpkginfo"), "name", OVAL_OP_EQUALS,
	    "gamma");
	ck_assert_uint_eq(res.items.n, 1);
	ck_assert_str_eq(fld(res.items.v[0], "release", 0), "");
	ck_assert_str_eq(fld(res.items.v[0], "version", 0), "0.9");
	ck_assert_str_eq(fld(res.items.v[0], "evr", 0), "0:0.9");

	/* Held; the revision follows the last hyphen. */
	run(probe("dpkginfo"), fx("dpkginfo"), "name", OVAL_OP_EQUALS,
	    "zeta");
	ck_assert_uint_eq(res.items.n, 1);
	ck_assert_str_eq(fld(res.items.v[0], "version", 0), "3.1-20221030");
	ck_assert_str_eq(fld(res.items.v[0], "release", 0), "2");
}
END_TEST

START_TEST(dpkg_select)
{
	/* Two architectures of eps, both epoch 1 without revision. */
	run(probe("dpkginfo"), fx("dpkginfo"), "name", OVAL_OP_EQUALS,
	    "eps");
	ck_assert_uint_eq(res.items.n, 2);
	ck_assert_str_eq(fld(find("arch", "i386"), "evr", 0), "1:7.0");
	ck_assert_str_eq(fld(find("arch", "amd64"), "release", 0), "");
	/* Not installed: config-files and half-configured. */
	run(probe("dpkginfo"), fx("dpkginfo"), "name", OVAL_OP_EQUALS,
	    "delta");
	ck_assert_uint_eq(res.items.n, 0);
	run(probe("dpkginfo"), fx("dpkginfo"), "name", OVAL_OP_EQUALS,
	    "eta");
	ck_assert_uint_eq(res.items.n, 0);
	/* Enumeration: alpha beta eps eps gamma zeta. */
	run(probe("dpkginfo"), fx("dpkginfo"), "name",
	    OVAL_OP_PATTERN_MATCH, ".");
	ck_assert_uint_eq(res.items.n, 6);
	run(probe("dpkginfo"), fx("dpkginfo"), "name", OVAL_OP_NOT_EQUAL,
	    "eps");
	ck_assert_uint_eq(res.items.n, 4);
	/* The cached index must not leak into another root. */
	run(probe("dpkginfo"), fx("password"), "name", OVAL_OP_EQUALS,
	    "alpha");
	ck_assert_uint_eq(res.items.n, 0);
	ck_assert_int_eq(res.flag, OVAL_FLAG_DOES_NOT_EXIST);
}
END_TEST

/* rpm configured (bootstrap.sh installs it), no database under the
 * root: nothing is installed through RPM.  A build without librpm
 * does not collect. */
START_TEST(rpm_none)
{
	ck_assert_int_eq(run(probe("rpminfo"), fx("rpminfo"), "name",
	    OVAL_OP_EQUALS, "bash"), 0);
	ck_assert_uint_eq(res.items.n, 0);
#ifdef HAVE_LIBRPM
	ck_assert_int_eq(res.flag, OVAL_FLAG_DOES_NOT_EXIST);
#else
	ck_assert_int_eq(res.flag, OVAL_FLAG_NOT_COLLECTED);
#endif
}
END_TEST

/* --------------------------------------------------------------- sysctl */

START_TEST(sysctl_values)
{
	const struct oval_item *it;

	run(probe("sysctl"), fx("sysctl"), "name", OVAL_OP_EQUALS,
	    "kernel.printk");
	ck_assert_uint_eq(res.items.n, 1);
	ck_assert_str_eq(names(res.items.v[0]), "name value ");
	ck_assert_str_eq(fld(res.items.v[0], "value", 0), "4\t4\t1\t7");
	run(probe("sysctl"), fx("sysctl"), "name", OVAL_OP_EQUALS,
	    "kernel.core_modes");
	ck_assert_uint_eq(res.items.n, 1);
	it = res.items.v[0];
	ck_assert_int_eq(count(it, "value"), 3);
	ck_assert_str_eq(fld(it, "value", 0), "file");
	ck_assert_str_eq(fld(it, "value", 2), "socket");
	run(probe("sysctl"), fx("sysctl"), "name", OVAL_OP_EQUALS,
	    "net.ipv4.conf.eth0/100.rp_filter");
	ck_assert_uint_eq(res.items.n, 1);
	ck_assert_str_eq(fld(res.items.v[0], "value", 0), "2");
	run(probe("sysctl"), fx("sysctl"), "name", OVAL_OP_EQUALS,
	    "kernel..printk");
	ck_assert_uint_eq(res.items.n, 0);
	run(probe("sysctl"), fx("sysctl"), "name", OVAL_OP_EQUALS,
	    "kernel");
	ck_assert_uint_eq(res.items.n, 0);
}
END_TEST

START_TEST(sysctl_walk)
{
	const struct oval_field *f;
	size_t i, pos;

	/* 9 files; drop_caches (readable here, not write-only) and
	 * stat_refresh read as nothing: no value, not parameters. */
	run(probe("sysctl"), fx("sysctl"), "name", OVAL_OP_PATTERN_MATCH,
	    ".");
	ck_assert_uint_eq(res.items.n, 7);
	for (i = 0; i < res.items.n; i++) {
		pos = 0;
		f = oval_item_field(res.items.v[i], "name", &pos);
		ck_assert_ptr_nonnull(f);
		ck_assert_str_ne(f->value, "vm.drop_caches");
		ck_assert_str_ne(f->value, "vm.stat_refresh");
	}
	ck_assert_str_eq(fld(find("name", "net.ipv4.conf.eth0/100.rp_filter"),
	    "value", 0), "2");
	run(probe("sysctl"), fx("sysctl"), "name", OVAL_OP_PATTERN_MATCH,
	    "rp_filter$");
	ck_assert_uint_eq(res.items.n, 2);
}
END_TEST

START_TEST(sysctl_writeonly)
{
	char tmp[] = "/tmp/check_sysprobes.XXXXXX", p[512];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(p, sizeof(p), "%s/proc", tmp);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/proc/sys", tmp);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/proc/sys/flush", tmp);
	ck_assert_ptr_nonnull(f = fopen(p, "w"));
	fclose(f);
	ck_assert_int_eq(chmod(p, 0200), 0);
	run(probe("sysctl"), tmp, "name", OVAL_OP_EQUALS, "flush");
	ck_assert_uint_eq(res.items.n, 0);
	run(probe("sysctl"), tmp, "name", OVAL_OP_PATTERN_MATCH, ".");
	ck_assert_uint_eq(res.items.n, 0);
	unlink(p);
	snprintf(p, sizeof(p), "%s/proc/sys", tmp);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/proc", tmp);
	rmdir(p);
	rmdir(tmp);
}
END_TEST

/* ------------------------------------------------------ password/shadow */

START_TEST(passwd_lines)
{
	const struct oval_item *it;

	run(probe("password"), fx("password"), "username",
	    OVAL_OP_PATTERN_MATCH, ".*");
	/* root daemon alice nopw toor; not the comment, +nis, bad uid. */
	ck_assert_uint_eq(res.items.n, 5);
	it = find("username", "nopw");
	ck_assert_str_eq(names(it), "username password user_id group_id gcos "
	    "home_dir login_shell last_login ");
	ck_assert_str_eq(fld(it, "password", 0), "");
	ck_assert_str_eq(fld(it, "user_id", 0), "1001");
	ck_assert_str_eq(fld(it, "login_shell", 0), "");
	ck_assert_str_eq(fld(it, "last_login", 0), "-1");
	ck_assert_str_eq(fld(find("username", "alice"), "gcos", 0),
	    "Alice Liddell,,,");
}
END_TEST

START_TEST(shadow_lines)
{
	const struct oval_item *it;

	run(probe("shadow"), fx("shadow"), "username",
	    OVAL_OP_PATTERN_MATCH, ".*");
	ck_assert_uint_eq(res.items.n, 8);	/* all but "bad" */
	it = find("username", "root");
	ck_assert_str_eq(names(it), "username password chg_lst chg_allow "
	    "chg_req exp_warn exp_inact exp_date flag encrypt_method ");
	ck_assert_str_eq(fld(it, "exp_inact", 0), "-1");
	ck_assert_str_eq(fld(it, "flag", 0), "18446744073709551615");
	ck_assert_str_eq(fld(it, "encrypt_method", 0), "SHA-512");
	ck_assert_str_eq(fld(find("username", "daemon"), "encrypt_method", 0),
	    "DES");
	ck_assert_str_eq(fld(find("username", "nopw"), "encrypt_method", 0),
	    "DES");
	ck_assert_str_eq(fld(find("username", "md5"), "encrypt_method", 0),
	    "MD5");
	ck_assert_str_eq(fld(find("username", "locked"), "encrypt_method", 0),
	    "DES");
	ck_assert_str_eq(fld(find("username", "bf"), "encrypt_method", 0),
	    "Blowfish");
	ck_assert_str_eq(fld(find("username", "bf"), "flag", 0), "0");
	ck_assert_str_eq(fld(find("username", "bsdi"), "encrypt_method", 0),
	    "BSDi");
	/* yescrypt is not in the schema's list: no entity. */
	it = find("username", "alice");
	ck_assert_int_eq(count(it, "encrypt_method"), 0);
	ck_assert_str_eq(fld(it, "exp_date", 0), "20000");
	ck_assert_str_eq(fld(it, "chg_allow", 0), "1");
}
END_TEST

/* ------------------------------------------------------------ partition */

START_TEST(partition_mounts)
{
	const struct oval_item *it;
	const char *root = fx_linked("partition");
	char cmd[1200];

	ck_assert_ptr_nonnull(root);

	run(probe("partition"), root, "mount_point",
	    OVAL_OP_EQUALS, "/home");
	ck_assert_uint_eq(res.items.n, 1);
	it = res.items.v[0];
	ck_assert_str_eq(names(it), "mount_point device uuid fs_type "
	    "mount_options total_space space_used space_left ");
	ck_assert_str_eq(fld(it, "device", 0), "/dev/sda3");
	ck_assert_str_eq(fld(it, "uuid", 0),
	    "0a1b2c3d-0000-4000-8000-000000000003");
	ck_assert_int_eq(count(it, "mount_options"), 4);
	ck_assert_str_eq(fld(it, "mount_options", 2), "nodev");

	run(probe("partition"), root, "mount_point",
	    OVAL_OP_EQUALS, "/srv/my data");
	ck_assert_uint_eq(res.items.n, 1);
	ck_assert_str_eq(fld(res.items.v[0], "uuid", 0),
	    "0a1b2c3d-0000-4000-8000-0000000000d0");

	run(probe("partition"), root, "mount_point",
	    OVAL_OP_EQUALS, "/tmp");
	ck_assert_uint_eq(res.items.n, 1);
	it = res.items.v[0];
	ck_assert_int_eq(it->fields[2].status, OVAL_ST_DOES_NOT_EXIST);
	/* Offline: only the listed options, none from statvfs. */
	ck_assert_int_eq(count(it, "mount_options"), 3);

	/* / /proc /tmp /home /srv/my data: the hidden /home is dropped. */
	run(probe("partition"), root, "mount_point",
	    OVAL_OP_PATTERN_MATCH, "^/");
	ck_assert_uint_eq(res.items.n, 5);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx_tmp);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ------------------------------------------------------------ process58 */

START_TEST(process_fields)
{
	const struct oval_item *it;

	ck_assert_int_eq(run2(probe("process58"), fx("process58"),
	    "command_line", OVAL_OP_PATTERN_MATCH, ".*", "pid",
	    OVAL_OP_GREATER, OVAL_DT_INT, "0"), 0);
	ck_assert_uint_eq(res.items.n, 2);
	it = find("pid", "100");
	ck_assert_str_eq(names(it), "command_line exec_time pid ppid priority "
	    "ruid scheduling_class start_time tty user_id exec_shield "
	    "loginuid posix_capability session_id ");
	ck_assert_str_eq(fld(it, "command_line", 0), "/usr/sbin/sshd -D");
	ck_assert_str_eq(fld(it, "exec_time", 0), "00:00:02");	/* 200/100 */
	ck_assert_str_eq(fld(it, "scheduling_class", 0), "TS");
	ck_assert_str_eq(fld(it, "tty", 0), "?");
	ck_assert_str_eq(fld(it, "exec_shield", 0), "true");
	ck_assert_str_eq(fld(it, "loginuid", 0), "4294967295");
	ck_assert_int_eq(count(it, "posix_capability"), 2);	/* 0x3000 */
	ck_assert_str_eq(fld(it, "posix_capability", 0), "CAP_NET_ADMIN");
	ck_assert_str_eq(fld(it, "posix_capability", 1), "CAP_NET_RAW");
	ck_assert_str_eq(fld(it, "session_id", 0), "100");

	it = find("pid", "200");
	ck_assert_str_eq(fld(it, "command_line", 0), "bash -i");
	ck_assert_str_eq(fld(it, "exec_time", 0), "01:01:12");
	ck_assert_str_eq(fld(it, "ppid", 0), "100");
	ck_assert_str_eq(fld(it, "priority", 0), "-2");
	ck_assert_str_eq(fld(it, "ruid", 0), "1000");
	ck_assert_str_eq(fld(it, "user_id", 0), "1001");
	ck_assert_str_eq(fld(it, "scheduling_class", 0), "FF");
	ck_assert_str_eq(fld(it, "tty", 0), "pts/1");
	ck_assert_str_eq(fld(it, "exec_shield", 0), "false");
	ck_assert_int_eq(count(it, "posix_capability"), 0);
	/* Started long before now (btime 2023-11-14): Mon_DD. */
	ck_assert_str_eq(fld(it, "start_time", 0), "Nov_14");

	run2(probe("process58"), fx("process58"), "command_line",
	    OVAL_OP_EQUALS, "bash -i", "pid", OVAL_OP_EQUALS, OVAL_DT_INT,
	    "100");
	ck_assert_uint_eq(res.items.n, 0);
}
END_TEST

/* -------------------------------------------------- host-only probes */

START_TEST(offline_not_applicable)
{
	run(probe("uname"), fx("rpminfo"), NULL, OVAL_OP_EQUALS, NULL);
	ck_assert_int_eq(res.flag, OVAL_FLAG_NOT_APPLICABLE);
	ck_assert_uint_eq(res.items.n, 0);
	run(probe("interface"), fx("rpminfo"), "name", OVAL_OP_EQUALS,
	    "lo");
	ck_assert_int_eq(res.flag, OVAL_FLAG_NOT_APPLICABLE);
	ck_assert_uint_eq(res.items.n, 0);
}
END_TEST

/* Whether this host's lo is up (IFF_UP in /sys/class/net/lo/flags): a
 * host state the test needs, not one the probe decides. */
static int
lo_up(void)
{
	unsigned long flags = 0;
	FILE *f;
	int n;

	if ((f = fopen("/sys/class/net/lo/flags", "r")) == NULL)
		return 0;
	n = fscanf(f, "%lx", &flags);
	fclose(f);
	return n == 1 && (flags & 0x1) != 0;
}

START_TEST(host_loopback)
{
	const struct oval_item *it;

	/* Depends on the host: lo up with 127.0.0.1/8 (RFC 1122), as on
	 * every ordinary Linux host.  A container without it (network
	 * namespace with lo down) says so instead of failing. */
	if (!lo_up()) {
		printf("host_loopback: HOST STATE: lo is not up here; "
		    "interface probe on lo not checked\n");
		return;
	}
	run(probe("interface"), "/", "name", OVAL_OP_EQUALS, "lo");
	it = find("inet_addr", "127.0.0.1");
	ck_assert_str_eq(names(it), "name type hardware_addr inet_addr "
	    "broadcast_addr netmask flag ");
	ck_assert_str_eq(fld(it, "type", 0), "ARPHRD_LOOPBACK");
	ck_assert_str_eq(fld(it, "netmask", 0), "255.0.0.0");
	ck_assert_str_eq(fld(it, "broadcast_addr", 0), "");
	ck_assert_str_eq(fld(it, "flag", 0), "UP");
	ck_assert_str_eq(fld(it, "flag", 1), "LOOPBACK");
}
END_TEST

static Suite *
sysprobes_suite(void)
{
	Suite *s = suite_create("sysprobes");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, dpkg_split);
	tcase_add_test(tc, dpkg_select);
	tcase_add_test(tc, rpm_none);
	tcase_add_test(tc, sysctl_values);
	tcase_add_test(tc, sysctl_walk);
	tcase_add_test(tc, sysctl_writeonly);
	tcase_add_test(tc, passwd_lines);
	tcase_add_test(tc, shadow_lines);
	tcase_add_test(tc, partition_mounts);
	tcase_add_test(tc, process_fields);
	tcase_add_test(tc, offline_not_applicable);
	tcase_add_test(tc, host_loopback);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	/* start_time is local time; fix the zone for the expected values. */
	setenv("TZ", "UTC", 1);
	sr = srunner_create(sysprobes_suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	oval_item_list_clear(&res.items);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
