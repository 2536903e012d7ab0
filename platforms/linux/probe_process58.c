/*
 * probe_process58.c - process58_object (unix): processes read from
 * ROOT/proc/PID/{stat,cmdline,status,loginuid,personality}.
 *
 * command_line is the argument vector joined by spaces; exec_time the
 * CPU time used (user + system) as HH:MM:SS; priority the kernel's
 * priority field of stat; start_time the local time the process
 * started, HH:MM:SS when less than a day ago and Mon_DD before that;
 * tty "?" without a controlling terminal; session_id the session of
 * stat; posix_capability the effective capabilities the schema names.
 * exec_shield is true unless the personality has READ_IMPLIES_EXEC
 * (not collected when the personality cannot be read).
 * selinux_domain_label is reported only where SELinux is enabled.
 * A process that exits while it is read is left out.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "plumb/probe.h"
#include "hostfile.h"

#define PROC_PATH_MAX	4096
#define PROC_FILE_MAX	(128 * 1024)	/* cap on one /proc file */
#define PROC_STAT_FIELDS 39		/* fields after "(comm)" we use */
#define PROC_STAT_LINES	65536		/* lines of /proc/stat read */
#define PROC_READ_IMPLIES_EXEC 0x0400000

/* Capability names of the schema, by bit number. */
static const char *const proc_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
};

/* ps(1) names of the scheduling policies, by policy number. */
static const char *const proc_sched[] = {
	"TS", "FF", "RR", "B", "ISO", "IDL", "DLN",
};

struct proc_ctx {
	const char *base;	/* "" or the probe root */
	long hz;
	time_t btime;		/* boot time, 0 when unknown */
	time_t now;
	int selinux;
	const struct probe_ent *cmd;	/* the command_line entity */
};

/*
 * Open a /proc file for reading, or -1: only a regular file, opened
 * without blocking, since under --root a FIFO or a device standing in
 * for it would hang the scan or never end.
 */
static int
proc_open(const char *path)
{
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW |
	    O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Read ROOT/proc/PID/name into a NUL-terminated malloc'd buffer.
 * Returns 1 read, 0 unreadable, PLUMB_ENOMEM.
 */
static int
proc_file(const struct proc_ctx *ctx, const char *pid, const char *name,
    char **out, size_t *outlen)
{
	char path[PROC_PATH_MAX];
	int fd;

	*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/proc/%s/%s", ctx->base,
	    pid, name) >= sizeof(path) ||
	    (fd = proc_open(path)) < 0)
		return 0;
	return hostfile_read_fd(fd, PROC_FILE_MAX, out, outlen);
}

/* The value of "Key:" in a status file, up to the end of its line. */
static const char *
proc_status_key(const char *status, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *p = status, *e;

	for (; p != NULL && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 :
	    NULL) {
		if (strncmp(p, key, klen) != 0 || p[klen] != ':')
			continue;
		p += klen + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		e = strchr(p, '\n');
		snprintf(buf, len, "%.*s", (int)(e ? (size_t)(e - p) :
		    strlen(p)), p);
		return buf;
	}
	return NULL;
}

/* The name of a controlling terminal device number, "?" for none. */
static void
proc_tty(unsigned long nr, char *buf, size_t len)
{
	unsigned major = (unsigned)((nr >> 8) & 0xfff);
	unsigned minor = (unsigned)((nr & 0xff) | ((nr >> 12) & 0xfff00));

	if (nr == 0)
		snprintf(buf, len, "?");
	else if (major >= 136 && major <= 143)
		snprintf(buf, len, "pts/%u", minor + (major - 136) * 256);
	else if (major == 4 && minor < 64)
		snprintf(buf, len, "tty%u", minor);
	else if (major == 4)
		snprintf(buf, len, "ttyS%u", minor - 64);
	else if (major == 5 && minor == 1)
		snprintf(buf, len, "console");
	else
		snprintf(buf, len, "?");
}

/* Add an int field from a decimal string, or a not-collected field. */
static int
proc_add_int(struct oval_item *it, const char *name, const char *v)
{
	if (v == NULL)
		return oval_item_add_status(it, name, OVAL_DT_INT,
		    OVAL_ST_NOT_COLLECTED);
	return oval_item_add(it, name, OVAL_DT_INT, v);
}

/* The remaining fields of an item, from the files already read. */
static int
proc_fill(const struct proc_ctx *ctx, const char *pid, char **t,
    const char *status, struct oval_item *it)
{
	char buf[256], uids[128], *f, *save;
	const char *ruid = NULL, *euid = NULL;
	unsigned long long ticks, cap;
	unsigned long pers;
	struct tm tm;
	time_t start;
	long pol;
	int rc, i;

	if (proc_add_int(it, "pid", pid) != 0 ||
	    proc_add_int(it, "ppid", t[1]) != 0 ||
	    proc_add_int(it, "priority", t[15]) != 0)
		return PLUMB_ENOMEM;
	if (status != NULL && proc_status_key(status, "Uid", uids,
	    sizeof(uids)) != NULL) {
		ruid = strtok_r(uids, " \t", &save);
		euid = ruid ? strtok_r(NULL, " \t", &save) : NULL;
	}
	if (proc_add_int(it, "ruid", ruid) != 0)
		return PLUMB_ENOMEM;
	pol = t[38] ? strtol(t[38], NULL, 10) : -1;
	if (oval_item_add(it, "scheduling_class", OVAL_DT_STRING,
	    pol >= 0 && pol < (long)(sizeof(proc_sched) /
	    sizeof(proc_sched[0])) ? proc_sched[pol] : "?") != 0)
		return PLUMB_ENOMEM;
	if (ctx->btime != 0 && ctx->hz > 0) {
		ticks = strtoull(t[19], NULL, 10);
		start = ctx->btime + (time_t)(ticks / (unsigned long long)
		    ctx->hz);
		localtime_r(&start, &tm);
		strftime(buf, sizeof(buf), ctx->now - start < 86400 ?
		    "%H:%M:%S" : "%b_%d", &tm);
		rc = oval_item_add(it, "start_time", OVAL_DT_STRING, buf);
	} else
		rc = oval_item_add_status(it, "start_time", OVAL_DT_STRING,
		    OVAL_ST_NOT_COLLECTED);
	if (rc != 0)
		return PLUMB_ENOMEM;
	proc_tty(strtoul(t[4], NULL, 10), buf, sizeof(buf));
	if (oval_item_add(it, "tty", OVAL_DT_STRING, buf) != 0 ||
	    proc_add_int(it, "user_id", euid) != 0)
		return PLUMB_ENOMEM;

	if ((rc = proc_file(ctx, pid, "personality", &f, NULL)) < 0)
		return rc;
	if (rc == 1 && sscanf(f, "%lx", &pers) == 1)
		rc = oval_item_add(it, "exec_shield", OVAL_DT_BOOLEAN,
		    (pers & PROC_READ_IMPLIES_EXEC) ? "false" : "true");
	else
		rc = oval_item_add_status(it, "exec_shield",
		    OVAL_DT_BOOLEAN, OVAL_ST_NOT_COLLECTED);
	free(f);
	if (rc != 0)
		return PLUMB_ENOMEM;

	if ((rc = proc_file(ctx, pid, "loginuid", &f, NULL)) < 0)
		return rc;
	if (rc == 1)
		f[strcspn(f, " \n")] = '\0';
	rc = proc_add_int(it, "loginuid", rc == 1 && *f ? f : NULL);
	free(f);
	if (rc != 0)
		return PLUMB_ENOMEM;

	if (status != NULL && proc_status_key(status, "CapEff", buf,
	    sizeof(buf)) != NULL) {
		cap = strtoull(buf, NULL, 16);
		for (i = 0; i < (int)(sizeof(proc_caps) /
		    sizeof(proc_caps[0])); i++)
			if ((cap & (1ULL << i)) &&
			    oval_item_add(it, "posix_capability",
			    OVAL_DT_STRING, proc_caps[i]) != 0)
				return PLUMB_ENOMEM;
	}

	if (ctx->selinux) {
		if ((rc = proc_file(ctx, pid, "attr/current", &f, NULL)) < 0)
			return rc;
		if (rc == 1) {
			f[strcspn(f, "\n")] = '\0';
			if (*f && oval_item_add(it, "selinux_domain_label",
			    OVAL_DT_STRING, f) != 0) {
				free(f);
				return PLUMB_ENOMEM;
			}
		}
		free(f);
	}
	return proc_add_int(it, "session_id", t[3]);
}

/* One item for process pid when its command line matches. */
static int
proc_item(const struct proc_ctx *ctx, const struct probe_ent *cmdent,
    const char *pid, struct probe_result *res)
{
	char *stat = NULL, *cmd = NULL, *status = NULL, *t[PROC_STAT_FIELDS];
	char *p, *save, ebuf[64];
	struct oval_item *it = NULL;
	struct plumb_err err;
	unsigned long long cpu;
	size_t len, i, n;
	int m, rc;

	if ((rc = proc_file(ctx, pid, "stat", &stat, NULL)) <= 0)
		goto out;
	if ((p = strrchr(stat, ')')) == NULL) {
		rc = PLUMB_OK;
		goto out;
	}
	memset(t, 0, sizeof(t));
	for (n = 0, p = strtok_r(p + 1, " \n", &save);
	    p != NULL && n < PROC_STAT_FIELDS;
	    p = strtok_r(NULL, " \n", &save))
		t[n++] = p;
	if (n < 20) {
		rc = PLUMB_OK;
		goto out;
	}
	if ((rc = proc_file(ctx, pid, "cmdline", &cmd, &len)) <= 0)
		goto out;
	while (len > 0 && cmd[len - 1] == '\0')
		len--;
	for (i = 0; i < len; i++)
		if (cmd[i] == '\0')
			cmd[i] = ' ';
	cmd[len] = '\0';
	if ((m = probe_ent_match(cmdent, cmd, &err)) <= 0) {
		rc = m < 0 ? probe_flag(res, OVAL_FLAG_ERROR, "%s",
		    err.msg) : PLUMB_OK;
		goto out;
	}
	if ((rc = proc_file(ctx, pid, "status", &status, NULL)) < 0)
		goto out;
	cpu = (strtoull(t[11], NULL, 10) + strtoull(t[12], NULL, 10)) /
	    (unsigned long long)(ctx->hz > 0 ? ctx->hz : 100);
	snprintf(ebuf, sizeof(ebuf), "%02llu:%02llu:%02llu", cpu / 3600,
	    cpu / 60 % 60, cpu % 60);
	rc = PLUMB_ENOMEM;
	if ((it = oval_item_new(OVAL_NS_SC_UNIX, "process58_item")) == NULL ||
	    oval_item_add(it, "command_line", OVAL_DT_STRING, cmd) != 0 ||
	    oval_item_add(it, "exec_time", OVAL_DT_STRING, ebuf) != 0)
		goto out;
	if ((rc = proc_fill(ctx, pid, t, status, it)) != 0)
		goto out;
	rc = probe_emit(res, it);
	it = NULL;
out:
	oval_item_unref(it);
	free(stat);
	free(cmd);
	free(status);
	return rc;
}

/* Boot time from ROOT/proc/stat, 0 when unknown. */
static time_t
proc_btime(const char *base)
{
	char path[PROC_PATH_MAX], line[512];
	long long bt = 0;
	FILE *fp;
	int fd, n = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/proc/stat", base) >=
	    sizeof(path) || (fd = proc_open(path)) < 0)
		return 0;
	if ((fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		return 0;
	}
	/* Bounded: a real stat has a few hundred lines at most. */
	while (n++ < PROC_STAT_LINES && fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "btime %lld", &bt) == 1)
			break;
	fclose(fp);
	return (time_t)bt;
}

/* proc_item() for hostfile_each_pid(): stops once res is flagged error. */
static int
proc_pid(void *arg, const char *pid, struct probe_result *res)
{
	const struct proc_ctx *ctx = arg;
	int rc;

	if ((rc = proc_item(ctx, ctx->cmd, pid, res)) != 0)
		return rc;
	return res->flag == OVAL_FLAG_ERROR;
}

static int
proc_collect(const struct probe_req *req, struct probe_result *res)
{
	const struct probe_ent *pid = probe_req_ent(req, "pid");
	char path[PROC_PATH_MAX];
	struct proc_ctx ctx;
	struct stat st;

	ctx.base = probe_root_prefix(req);
	ctx.hz = sysconf(_SC_CLK_TCK);
	ctx.btime = proc_btime(ctx.base);
	ctx.now = time(NULL);
	snprintf(path, sizeof(path), "%s/sys/fs/selinux/enforce", ctx.base);
	ctx.selinux = stat(path, &st) == 0;
	ctx.cmd = probe_req_ent(req, "command_line");
	return hostfile_each_pid(req, res, pid, proc_pid, &ctx);
}

const struct probe_ops probe_process58_ops = {
	.type = "process58_object",
	.family = "unix",
	.collect = proc_collect,
};
