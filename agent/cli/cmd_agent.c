/*
 * cmd_agent.c - "plumb agent": the daemon.  Runs each configured scan
 * on its own schedule (interval plus uniform random jitter), delivers
 * the shared spool after each scan and retries failed deliveries with a
 * capped, jittered backoff.
 *
 * Each scan and each delivery runs in a forked child: the CPU budget
 * (RLIMIT_CPU), the low-impact priorities and a crash stay there, and
 * the daemon only schedules, waits and logs.  Signals are blocked
 * except while waiting (pselect), so none is lost between a check and
 * the wait:
 *	SIGHUP		reload the configuration; a bad one is reported and
 *			the running one kept
 *	SIGTERM/SIGINT	stop: a running child is terminated (the spool
 *			never holds partial files; a scan's private
 *			directory is removed by the next scan)
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "plumb/error.h"
#include "plumb/lowimpact.h"
#include "agent_config.h"
#include "cmd.h"
#include "scan.h"
#include "spool.h"
#include "upload.h"

#define AGENT_FLUSH_LEFT	3	/* flush child: bundles remain */
#define AGENT_MAX_ATTEMPT	32
#define AGENT_NEVER		((time_t)-1)

static volatile sig_atomic_t agent_hup, agent_term, agent_chld;
static size_t agent_scan_idx;	/* the scan a scan child runs */

struct agent {
	struct config cfg;
	const char *cfg_path;
	sigset_t waitmask;	/* the mask while waiting (signals open) */
	/* Per scan of cfg.scans: when it runs next, when it last ran. */
	time_t next_scan[CONFIG_SCANS_MAX];
	time_t last_scan[CONFIG_SCANS_MAX];
	time_t next_flush;	/* AGENT_NEVER: nothing to deliver */
	unsigned attempt;	/* failed deliveries in a row */
};

/* Signal handler: only sets a flag the loop looks at. */
static void
agent_signal(int sig)
{
	switch (sig) {
	case SIGHUP:
		agent_hup = 1;
		break;
	case SIGCHLD:
		agent_chld = 1;
		break;
	default:
		agent_term = 1;
		break;
	}
}

/* Seconds on a clock that wall-clock changes do not move. */
static time_t
agent_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* The next run of sc: interval plus uniform random jitter in
 * [0, jitter]. */
static time_t
agent_schedule(const struct config_scan *sc, time_t from)
{
	/* upload_backoff(0, j, j) is uniform in [0, j]. */
	return from + (time_t)sc->interval_s +
	    (time_t)upload_backoff(0, sc->jitter_s, sc->jitter_s);
}

/* The first run of sc: within its jitter window, not every host at
 * once. */
static time_t
agent_first(const struct config_scan *sc, time_t now)
{
	return now + (time_t)upload_backoff(0, sc->jitter_s, sc->jitter_s);
}

/* Is there anything in the spool? (Errors count as "maybe".) */
static int
agent_spool_pending(const struct config *cfg)
{
	struct plumb_err err = { 0, "" };
	struct spool_entry *ents = NULL;
	struct spool *sp = NULL;
	size_t n = 1;

	if (spool_open(cfg->spool_dir, cfg->spool_max_bytes, &sp, &err) !=
	    PLUMB_OK || spool_list(sp, &ents, &n, &err) != PLUMB_OK) {
		scan_log(LOG_WARNING, "%s", err.msg);
		n = 1;
	}
	free(ents);
	spool_close(sp);
	return n > 0;
}

/* Child side of a scan: gentle priorities, CPU budget, then the work. */
static int
agent_child_scan(const struct config *cfg)
{
	const struct config_scan *sc = &cfg->scans[agent_scan_idx];
	struct plumb_err err = { 0, "" };
	struct rlimit rl;
	char uuid[BUNDLE_UUID_LEN + 1];

	if (lowimpact_apply(cfg->nice, cfg->idle_io, &err) != PLUMB_OK)
		scan_log(LOG_WARNING, "low-impact mode: %s", err.msg);
	if (cfg->cpu_budget_s > 0) {
		/* SIGXCPU at the budget, SIGKILL one second later. */
		rl.rlim_cur = cfg->cpu_budget_s;
		rl.rlim_max = (rlim_t)cfg->cpu_budget_s + 1;
		if (setrlimit(RLIMIT_CPU, &rl) == -1) {
			scan_log(LOG_ERR, "cpu_budget %u: setrlimit: %s",
			    cfg->cpu_budget_s, strerror(errno));
			return 1;
		}
	}
	if (scan_run(cfg, sc, NULL, uuid, &err) != PLUMB_OK) {
		scan_log(LOG_ERR, "scan %s failed: %s", sc->name, err.msg[0] ?
		    err.msg : plumb_strerror(err.code));
		return 1;
	}
	scan_log(LOG_INFO, "scan done: bundle %s spooled (scan %s)", uuid,
	    sc->name);
	return 0;
}

/* Child side of a delivery: 0 all sent, AGENT_FLUSH_LEFT some remain. */
static int
agent_child_flush(const struct config *cfg)
{
	struct plumb_err err = { 0, "" };
	struct scan_flush_stats st;

	if (lowimpact_apply(cfg->nice, cfg->idle_io, &err) != PLUMB_OK)
		scan_log(LOG_WARNING, "low-impact mode: %s", err.msg);
	if (scan_flush(cfg, &st, &err) != PLUMB_OK) {
		scan_log(LOG_ERR, "delivery failed: %s", err.msg[0] ?
		    err.msg : plumb_strerror(err.code));
		return 1;
	}
	if (st.sent > 0 || st.left > 0)
		scan_log(LOG_INFO, "delivery: %u sent, %u rejected, %u left",
		    st.sent, st.rejected, st.left);
	return st.left == 0 ? 0 : AGENT_FLUSH_LEFT;
}

/*
 * Run fn(cfg) in a child and wait for it, still answering signals: a
 * SIGTERM/SIGINT is passed on to the child.  Returns the wait status,
 * or -1 when the child could not be started.
 */
static int
agent_run_child(struct agent *a, int (*fn)(const struct config *))
{
	sigset_t none;
	pid_t pid, w;
	int status = 0, sent_term = 0;

	agent_chld = 0;
	if ((pid = fork()) == -1) {
		scan_log(LOG_ERR, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		signal(SIGHUP, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		_exit(fn(&a->cfg));
	}
	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w == -1 && errno != EINTR) {
			scan_log(LOG_ERR, "waitpid: %s", strerror(errno));
			return -1;
		}
		if (agent_term && !sent_term) {
			kill(pid, SIGTERM);
			sent_term = 1;
		}
		/* Sleeps until a signal (SIGCHLD at the latest). */
		if (!agent_chld && !(agent_term && !sent_term))
			pselect(0, NULL, NULL, NULL, NULL, &a->waitmask);
		agent_chld = 0;
	}
	return status;
}

/* Say how a child ended when it did not end well. */
static void
agent_report(const struct agent *a, const char *what, int status)
{
	int sig;

	if (status == -1 || !WIFSIGNALED(status))
		return;
	sig = WTERMSIG(status);
	if ((sig == SIGXCPU || sig == SIGKILL) && a->cfg.cpu_budget_s > 0 &&
	    strcmp(what, "scan") == 0)
		scan_log(LOG_ERR, "scan stopped: CPU budget of %u s exceeded "
		    "(cpu_budget)", a->cfg.cpu_budget_s);
	else if (sig == SIGTERM && agent_term)
		scan_log(LOG_NOTICE, "%s abandoned at shutdown", what);
	else
		scan_log(LOG_ERR, "%s crashed (signal %d)", what, sig);
}

/* SIGHUP: a new configuration, or the old one and an error.  A scan
 * kept by name keeps its schedule; a new one starts in its jitter. */
static void
agent_reload(struct agent *a)
{
	struct plumb_err err = { 0, "" };
	struct config n;
	time_t next[CONFIG_SCANS_MAX], last[CONFIG_SCANS_MAX], now;
	size_t i, j;

	memset(&n, 0, sizeof(n));
	if (config_defaults(&n, &err) != PLUMB_OK ||
	    config_load(&n, a->cfg_path, &err) != PLUMB_OK) {
		scan_log(LOG_ERR, "reload: %s; keeping the running "
		    "configuration", err.msg[0] ? err.msg :
		    plumb_strerror(err.code));
		config_clear(&n);
		return;
	}
	now = agent_now();
	for (i = 0; i < n.nscans; i++) {
		last[i] = AGENT_NEVER;
		next[i] = agent_first(&n.scans[i], now);
		for (j = 0; j < a->cfg.nscans; j++)
			if (strcmp(a->cfg.scans[j].name, n.scans[i].name) == 0)
				break;
		if (j == a->cfg.nscans)
			continue;
		last[i] = a->last_scan[j];
		next[i] = last[i] != AGENT_NEVER ?
		    agent_schedule(&n.scans[i], last[i]) : a->next_scan[j];
	}
	config_clear(&a->cfg);
	a->cfg = n;
	memcpy(a->next_scan, next, n.nscans * sizeof(*next));
	memcpy(a->last_scan, last, n.nscans * sizeof(*last));
	scan_log(LOG_INFO, "configuration reloaded from %s (%zu scans)",
	    a->cfg_path, a->cfg.nscans);
}

/* Detach from the terminal: the classic double duty of fork + setsid. */
static int
agent_daemonize(void)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) == -1)
		return -1;
	if (pid != 0)
		_exit(0);
	if (setsid() == -1 || chdir("/") == -1)
		return -1;
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		return -1;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/* The scan due first; -1 when none is configured. */
static long
agent_due(const struct agent *a)
{
	long best = -1;
	size_t i;

	for (i = 0; i < a->cfg.nscans; i++)
		if (best < 0 || a->next_scan[i] < a->next_scan[best])
			best = (long)i;
	return best;
}

/* The main loop; returns the exit status at SIGTERM/SIGINT. */
static int
agent_loop(struct agent *a)
{
	struct timespec ts;
	time_t now, wake;
	size_t i;
	long due;
	int status;

	now = agent_now();
	for (i = 0; i < a->cfg.nscans; i++) {
		a->next_scan[i] = agent_first(&a->cfg.scans[i], now);
		a->last_scan[i] = AGENT_NEVER;
	}
	a->next_flush = agent_spool_pending(&a->cfg) ? now : AGENT_NEVER;
	a->attempt = 0;
	if (a->cfg.nscans == 0)
		scan_log(LOG_ERR, "%s: no scan configured ([agent] content or "
		    "a [scan NAME] section): delivering the spool only",
		    a->cfg_path);
	else
		scan_log(LOG_INFO, "agent started: %zu scans (first in %lld "
		    "s)", a->cfg.nscans, (long long)(a->next_scan[
		    agent_due(a)] - now));
	for (;;) {
		if (agent_term)
			break;
		if (agent_hup) {
			agent_hup = 0;
			agent_reload(a);
		}
		now = agent_now();
		due = agent_due(a);
		if (due >= 0 && now >= a->next_scan[due]) {
			agent_scan_idx = (size_t)due;
			status = agent_run_child(a, agent_child_scan);
			agent_report(a, "scan", status);
			a->last_scan[due] = agent_now();
			a->next_scan[due] = agent_schedule(&a->cfg.scans[due],
			    a->last_scan[due]);
			a->next_flush = a->last_scan[due];
			a->attempt = 0;
			continue;
		}
		if (a->next_flush != AGENT_NEVER && now >= a->next_flush) {
			status = agent_run_child(a, agent_child_flush);
			agent_report(a, "delivery", status);
			now = agent_now();
			if (status != -1 && WIFEXITED(status) &&
			    WEXITSTATUS(status) == 0) {
				a->next_flush = AGENT_NEVER;
				a->attempt = 0;
			} else {
				a->next_flush = now + 1 +
				    (time_t)upload_backoff(a->attempt,
				    SCAN_BACKOFF_BASE_S, SCAN_BACKOFF_MAX_S);
				if (a->attempt < AGENT_MAX_ATTEMPT)
					a->attempt++;
				scan_log(LOG_INFO, "next delivery attempt in "
				    "%lld s", (long long)(a->next_flush - now));
			}
			continue;
		}
		wake = due >= 0 ? a->next_scan[due] : AGENT_NEVER;
		if (a->next_flush != AGENT_NEVER &&
		    (wake == AGENT_NEVER || a->next_flush < wake))
			wake = a->next_flush;
		ts.tv_sec = wake > now ? wake - now : 0;
		ts.tv_nsec = 0;
		/* Signals are let in only here, atomically with the wait
		 * (with nothing scheduled, until a signal). */
		pselect(0, NULL, NULL, NULL, wake == AGENT_NEVER ? NULL : &ts,
		    &a->waitmask);
	}
	scan_log(LOG_INFO, "agent stopping");
	return CMD_EXIT_OK;
}

static void
agent_usage(FILE *f)
{
	fprintf(f,
	    "usage: plumb agent [--config FILE] [--foreground] [--syslog]\n"
	    "\n"
	    "Run the audit agent: scan on the configured schedule, sign and "
	    "spool each\n"
	    "result bundle, deliver the spool to the collector.\n"
	    "\n"
	    "  -c, --config FILE  agent configuration (default "
	    CONFIG_DEFAULT_PATH ")\n"
	    "  -f, --foreground   do not detach (for systemd and "
	    "terminals)\n"
	    "  -s, --syslog       log to syslog (implied when detached)\n"
	    "  -h, --help         show this help\n"
	    "\n"
	    "Signals: HUP reloads the configuration, TERM/INT stop.\n");
}

/* "plumb agent": check the configuration, detach unless --foreground,
 * block the signals the loop handles, run until SIGTERM/SIGINT. */
int
cmd_agent(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "syslog", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct plumb_err err = { 0, "" };
	struct sigaction sa;
	struct agent a;
	sigset_t block;
	int ch, foreground = 0, use_syslog = 0, rc = CMD_EXIT_ERROR;

	memset(&a, 0, sizeof(a));
	a.cfg_path = CONFIG_DEFAULT_PATH;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:fsh", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			a.cfg_path = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 's':
			use_syslog = 1;
			break;
		case 'h':
			agent_usage(stdout);
			return CMD_EXIT_OK;
		default:
			agent_usage(stderr);
			return CMD_EXIT_ERROR;
		}
	}
	if (optind != argc) {
		agent_usage(stderr);
		return CMD_EXIT_ERROR;
	}
	/* A bad configuration is reported on the terminal, before any
	 * detaching. */
	if (config_defaults(&a.cfg, &err) != PLUMB_OK ||
	    config_load(&a.cfg, a.cfg_path, &err) != PLUMB_OK) {
		scan_log(LOG_ERR, "%s", err.msg[0] ? err.msg :
		    plumb_strerror(err.code));
		goto out;
	}
	if (!foreground) {
		use_syslog = 1;
		if (agent_daemonize() == -1) {
			scan_log(LOG_ERR, "cannot detach: %s",
			    strerror(errno));
			goto out;
		}
	}
	scan_log_open(use_syslog);

	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &block, &a.waitmask) == -1) {
		scan_log(LOG_ERR, "sigprocmask: %s", strerror(errno));
		goto out;
	}
	sigdelset(&a.waitmask, SIGHUP);
	sigdelset(&a.waitmask, SIGTERM);
	sigdelset(&a.waitmask, SIGINT);
	sigdelset(&a.waitmask, SIGCHLD);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = agent_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	rc = agent_loop(&a);
out:
	config_clear(&a.cfg);
	return rc;
}
