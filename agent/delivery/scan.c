/*
 * scan.c - the scan pipeline in libplumb (scan.h): one scan as
 * configured (content signature, evaluation, ARF and JSON), signed and
 * spooled; the delivery of the spool, with the network part run as
 * run_as.  "plumb scan", "plumb spool flush" and the agent daemon
 * (cmd_scan.c, cmd_spool.c, cmd_agent.c) are thin callers.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "plumb/error.h"
#include "atomic.h"
#include "bundle.h"
#include "agent_config.h"
#include "content_sig.h"
#include "scan.h"
#include "spool.h"
#include "upload.h"
#include "xccdf.h"
#include "xccdf_write.h"

#define SCAN_TMP_PREFIX	"scan."
#define SCAN_FLUSH_BATCH	64	/* bundles opened per upload child */

static int scan_syslog;

/* Choose the log destination for this process and its children. */
void
scan_log_open(int use_syslog)
{
	if (use_syslog && !scan_syslog)
		openlog("plumb", LOG_PID, LOG_DAEMON);
	scan_syslog = use_syslog;
}

/* One message to stderr ("plumb: ...") or syslog. */
void
scan_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (scan_syslog)
		vsyslog(prio, fmt, ap);
	else {
		fputs(prio <= LOG_ERR ? "plumb: error: " :
		    prio == LOG_WARNING ? "plumb: warning: " : "plumb: ",
		    stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

/* Remove a scan directory and the files in it (no subdirectories). */
static void
scan_rmdir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) < sizeof(path))
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/*
 * Remove the scan directories of processes that are gone (killed, or
 * out of CPU budget): "scan.<pid>.XXXXXX" under state_dir.
 */
static void
scan_clean_stale(const char *state_dir)
{
	char path[PATH_MAX], *ep;
	struct dirent *de;
	long pid;
	DIR *d;

	if ((d = opendir(state_dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, SCAN_TMP_PREFIX,
		    strlen(SCAN_TMP_PREFIX)) != 0)
			continue;
		errno = 0;
		pid = strtol(de->d_name + strlen(SCAN_TMP_PREFIX), &ep, 10);
		if (errno != 0 || *ep != '.' || pid <= 0 || pid > INT_MAX)
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", state_dir,
		    de->d_name) < sizeof(path))
			scan_rmdir(path);
	}
	closedir(d);
}

/* Read a whole result file (bounded by the bundle size limit). */
static int
scan_slurp(const char *path, unsigned char **out, size_t *len,
    struct plumb_err *err)
{
	unsigned char *buf = NULL;
	struct stat st;
	int fd, rc = PLUMB_EIO;

	*out = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		plumb_err_set(err, PLUMB_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (st.st_size < 0 || (uint64_t)st.st_size > BUNDLE_MAX_BYTES) {
		rc = plumb_err_set(err, PLUMB_ELIMIT, "%s: larger than a "
		    "bundle may be", path);
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	if (atomic_read_all(fd, buf, (size_t)st.st_size) != 0) {
		plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
		    errno == 0 ? "short read" : strerror(errno));
		goto out;
	}
	*out = buf;
	*len = (size_t)st.st_size;
	buf = NULL;
	rc = PLUMB_OK;
out:
	free(buf);
	if (fd != -1)
		close(fd);
	return rc;
}

/*
 * Evaluate scan sc (its root, or the tests' SCAN_ROOT_ENV); write
 * arf.xml and summary.json; the resolved root into root ("" for the
 * host itself); the console summary on summary when not NULL.
 */
static int
scan_evaluate(const struct config_scan *sc, const char *arf,
    const char *json, FILE *summary, char *root, struct plumb_err *err)
{
	struct xccdf_load_opts lo;
	struct xccdf_eval_opts eo;
	struct xccdf_content *c = NULL;
	struct xccdf_run *run = NULL;
	const char *env;
	int rc;

	root[0] = '\0';
	memset(&lo, 0, sizeof(lo));
	memset(&eo, 0, sizeof(eo));
	lo.tailoring_file = sc->tailoring;
	env = getenv(SCAN_ROOT_ENV);
	eo.root = sc->root != NULL ? sc->root :
	    (env != NULL && *env != '\0') ? env : NULL;
	if (eo.root != NULL && (rc = scan_root_check(eo.root, err)) !=
	    PLUMB_OK)
		return rc;
	if ((rc = xccdf_content_load(sc->content, &lo, &c, err)) !=
	    PLUMB_OK ||
	    (rc = xccdf_resolve(c, sc->profile, err)) != PLUMB_OK ||
	    (rc = xccdf_eval(c, &eo, &run, err)) != PLUMB_OK)
		goto out;
	if (run->root != NULL && strlen(run->root) >= BUNDLE_ROOT_MAX) {
		rc = plumb_err_set(err, PLUMB_ELIMIT, "%s: root path longer "
		    "than %d bytes", run->root, BUNDLE_ROOT_MAX - 1);
		goto out;
	}
	if ((rc = xccdf_write_arf(run, arf, err)) != PLUMB_OK ||
	    (rc = xccdf_write_json(run, json, err)) != PLUMB_OK)
		goto out;
	if (run->root != NULL)
		snprintf(root, BUNDLE_ROOT_MAX, "%s", run->root);
	if (summary != NULL) {
		xccdf_print_summary(summary, run, NULL);
		fflush(summary);
	}
out:
	xccdf_run_free(run);
	xccdf_content_free(c);
	return rc;
}

/* See scan.h. */
int
scan_root_check(const char *root, struct plumb_err *err)
{
	struct stat st;

	if (stat(root, &st) == -1)
		return plumb_err_set(err, PLUMB_ENOENT, "root %s: %s", root,
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return plumb_err_set(err, PLUMB_EINVAL, "root %s: not a "
		    "directory", root);
	return PLUMB_OK;
}

/* See scan.h. */
int
scan_run(const struct config *cfg, const struct config_scan *sc,
    FILE *summary, char *uuid, struct plumb_err *err)
{
	/* dir leaves room for the member names in the other buffers. */
	char dir[PATH_MAX - 32], arf[PATH_MAX], json[PATH_MAX], out[PATH_MAX];
	char root[BUNDLE_ROOT_MAX];
	struct bundle_member m[2];
	struct bundle_info info;
	struct spool *sp = NULL;
	unsigned char *arf_buf = NULL, *json_buf = NULL;
	size_t arf_len = 0, json_len = 0;
	int rc, made = 0;

	if (uuid != NULL)
		uuid[0] = '\0';
	if (sc == NULL || sc->content == NULL || cfg->state_dir == NULL ||
	    cfg->spool_dir == NULL || cfg->cert_file == NULL ||
	    cfg->key_file == NULL)
		return plumb_err_set(err, PLUMB_EINVAL, "content, state_dir, "
		    "spool_dir, cert_file and key_file must be configured");
	if (cfg->require_signed_content &&
	    (rc = content_sig_check(sc->content, cfg->content_ca, err)) !=
	    PLUMB_OK)
		return rc;
	if (cfg->require_signed_content && sc->tailoring != NULL &&
	    (rc = content_sig_check(sc->tailoring, cfg->content_ca, err)) !=
	    PLUMB_OK)
		return rc;
	if (mkdir(cfg->state_dir, 0700) == -1 && errno != EEXIST)
		return plumb_err_set(err, PLUMB_EIO, "%s: %s", cfg->state_dir,
		    strerror(errno));
	scan_clean_stale(cfg->state_dir);
	if ((size_t)snprintf(dir, sizeof(dir), "%s/" SCAN_TMP_PREFIX
	    "%ld.XXXXXX", cfg->state_dir, (long)getpid()) >= sizeof(dir))
		return plumb_err_set(err, PLUMB_ELIMIT, "%s: path too long",
		    cfg->state_dir);
	if (mkdtemp(dir) == NULL)
		return plumb_err_set(err, PLUMB_EIO, "%s: %s", dir,
		    strerror(errno));
	made = 1;
	snprintf(arf, sizeof(arf), "%s/arf.xml", dir);
	snprintf(json, sizeof(json), "%s/summary.json", dir);
	snprintf(out, sizeof(out), "%s/bundle.p7m", dir);
	if ((rc = scan_evaluate(sc, arf, json, summary, root, err)) !=
	    PLUMB_OK ||
	    (rc = scan_slurp(arf, &arf_buf, &arf_len, err)) != PLUMB_OK ||
	    (rc = scan_slurp(json, &json_buf, &json_len, err)) != PLUMB_OK)
		goto out;
	m[0].name = "arf.xml";
	m[0].data = arf_buf;
	m[0].len = arf_len;
	m[1].name = "summary.json";
	m[1].data = json_buf;
	m[1].len = json_len;
	memset(&info, 0, sizeof(info));
	if ((rc = bundle_create(out, cfg->host_id, root, m, 2, cfg->cert_file,
	    cfg->key_file, &info, err)) != PLUMB_OK)
		goto out;
	if ((rc = spool_open(cfg->spool_dir, cfg->spool_max_bytes, &sp,
	    err)) != PLUMB_OK ||
	    (rc = spool_put(sp, out, info.uuid, err)) != PLUMB_OK)
		goto out;
	if (uuid != NULL)
		memcpy(uuid, info.uuid, BUNDLE_UUID_LEN + 1);
out:
	spool_close(sp);
	free(arf_buf);
	free(json_buf);
	if (made)
		scan_rmdir(dir);
	return rc;
}

/* See scan.h. */
int
scan_drop_privileges(const char *user, struct plumb_err *err)
{
	struct passwd *pw;
	gid_t gid;
	uid_t uid;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL)
		return plumb_err_set(err, PLUMB_ENOENT, "run_as %s: %s", user,
		    errno != 0 ? strerror(errno) : "no such user");
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (setgroups(1, &gid) == -1 || setgid(gid) == -1 ||
	    setuid(uid) == -1)
		return plumb_err_set(err, PLUMB_EIO, "run_as %s: cannot drop "
		    "privileges: %s", user, strerror(errno));
	/* Make sure the way back is closed. */
	if (uid != 0 && (setuid(0) != -1 || seteuid(0) != -1))
		return plumb_err_set(err, PLUMB_EIO, "run_as %s: privileges "
		    "could be regained", user);
	return PLUMB_OK;
}

/* Upload one batch of open bundles in order; st[i] gets each outcome,
 * -1 for those not attempted.  Stops at the first RETRY. */
static void
scan_upload_batch(const struct upload_opts *uo,
    const struct spool_entry *ents, const int *fds, size_t n,
    signed char *st)
{
	struct plumb_err err = { 0, "" };
	size_t i;

	for (i = 0; i < n; i++)
		st[i] = -1;
	for (i = 0; i < n; i++) {
		if (fds[i] == -1)
			continue;	/* gone: removed by another flush */
		err.msg[0] = '\0';
		st[i] = (signed char)upload_bundle_fd(uo, fds[i], ents[i].uuid,
		    &err);
		if (st[i] != UPLOAD_OK)
			scan_log(st[i] == UPLOAD_RETRY ? LOG_WARNING : LOG_ERR,
			    "%s", err.msg);
		if (st[i] == UPLOAD_RETRY)
			break;
	}
}

/* The same in a child that drops to run_as first; outcomes come back
 * one byte each through a pipe, so a child that dies mid-way still
 * reports what it finished. */
static int
scan_upload_batch_child(const struct upload_opts *uo, const char *user,
    const struct spool_entry *ents, const int *fds, size_t n,
    signed char *st, struct plumb_err *err)
{
	struct plumb_err cerr = { 0, "" };
	signed char res[SCAN_FLUSH_BATCH];
	size_t i, got = 0;
	ssize_t r;
	pid_t pid;
	int p[2], status;

	for (i = 0; i < n; i++)
		st[i] = -1;
	if (pipe(p) == -1)
		return plumb_err_set(err, PLUMB_EIO, "pipe: %s",
		    strerror(errno));
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return plumb_err_set(err, PLUMB_EIO, "fork: %s",
		    strerror(errno));
	}
	if (pid == 0) {
		close(p[0]);
		if (scan_drop_privileges(user, &cerr) != PLUMB_OK) {
			scan_log(LOG_ERR, "%s", cerr.msg);
			_exit(1);
		}
		scan_upload_batch(uo, ents, fds, n, res);
		for (i = 0; i < n; i++) {
			if (write(p[1], &res[i], 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	while (got < n) {
		r = read(p[0], &st[got], n - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	for (i = got; i < n; i++)
		st[i] = -1;
	if (got < n && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		return plumb_err_set(err, PLUMB_EIO, "upload child failed");
	return PLUMB_OK;
}

/* See scan.h. */
int
scan_flush(const struct config *cfg, struct scan_flush_stats *st,
    struct plumb_err *err)
{
	struct plumb_err rerr = { 0, "" };
	struct upload_opts uo;
	struct upload_creds cr;
	struct spool *sp = NULL;
	struct spool_entry *ents = NULL;
	signed char res[SCAN_FLUSH_BATCH];
	int fds[SCAN_FLUSH_BATCH], gone[SCAN_FLUSH_BATCH];
	char path[PATH_MAX];
	size_t n = 0, i, j, nb, done = 0;
	int rc, privsep, stop = 0;

	memset(st, 0, sizeof(*st));
	memset(&cr, 0, sizeof(cr));
	for (j = 0; j < SCAN_FLUSH_BATCH; j++)
		fds[j] = -1;
	if (cfg->spool_dir == NULL)
		return plumb_err_set(err, PLUMB_EINVAL,
		    "spool_dir is not configured");
	if ((rc = spool_open(cfg->spool_dir, cfg->spool_max_bytes, &sp,
	    err)) != PLUMB_OK ||
	    (rc = spool_list(sp, &ents, &n, err)) != PLUMB_OK)
		goto out;
	if (n == 0)
		goto out;
	memset(&uo, 0, sizeof(uo));
	uo.url = cfg->url;
	uo.ca_file = cfg->ca_file;
	uo.cert_file = cfg->cert_file;
	uo.key_file = cfg->key_file;
	uo.connect_timeout_s = cfg->connect_timeout_s;
	uo.timeout_s = cfg->timeout_s;
	if (cfg->url == NULL) {
		rc = plumb_err_set(err, PLUMB_EINVAL, "no collector url "
		    "configured: %zu bundle(s) stay in the spool", n);
		goto out;
	}
	privsep = cfg->run_as != NULL && geteuid() == 0;
	if (privsep) {
		if ((rc = upload_creds_load(&cr, &uo, err)) != PLUMB_OK)
			goto out;
		uo.creds = &cr;
	}
	for (i = 0; i < n && !stop; i += nb) {
		nb = n - i < SCAN_FLUSH_BATCH ? n - i : SCAN_FLUSH_BATCH;
		for (j = 0; j < nb; j++) {
			gone[j] = 0;
			if (spool_path(sp, &ents[i + j], path, sizeof(path)) !=
			    PLUMB_OK)
				continue;
			if ((fds[j] = open(path, O_RDONLY | O_CLOEXEC)) ==
			    -1 && errno == ENOENT)
				gone[j] = 1;	/* sent by another flush */
			else if (fds[j] == -1)
				scan_log(LOG_ERR, "%s: %s", path,
				    strerror(errno));
		}
		if (privsep)
			rc = scan_upload_batch_child(&uo, cfg->run_as,
			    ents + i, fds, nb, res, err);
		else
			scan_upload_batch(&uo, ents + i, fds, nb, res);
		for (j = 0; j < nb; j++) {
			if (fds[j] == -1) {
				if (gone[j])
					done++;
				continue;
			}
			close(fds[j]);
			fds[j] = -1;
			if (res[j] == UPLOAD_OK) {
				done++;
				st->sent++;
				if (spool_remove(sp, &ents[i + j], &rerr) !=
				    PLUMB_OK)
					scan_log(LOG_WARNING, "%s", rerr.msg);
			} else if (res[j] == UPLOAD_REJECTED)
				st->rejected++;
			else {
				st->retry = 1;
				stop = 1;
			}
		}
		if (rc != PLUMB_OK)
			goto out;
	}
out:
	st->left = (unsigned)(n - done);
	for (j = 0; j < SCAN_FLUSH_BATCH; j++)
		if (fds[j] != -1)
			close(fds[j]);
	upload_creds_clear(&cr);
	free(ents);
	spool_close(sp);
	return rc;
}
