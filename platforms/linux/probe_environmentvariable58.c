/*
 * probe_environmentvariable58.c - environmentvariable58_object
 * (independent): environment variables of a process.  A nil pid means
 * the agent's own process, as the schema says; other pids are read from
 * /proc/PID/environ under the probe root.
 */
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plumb/probe.h"
#include "hostfile.h"

#define ENVIRON_MAX	(1024 * 1024)	/* cap on one process's environment */

extern char **environ;

/* Add an item for each NAME=VALUE entry of env (len bytes, NUL-separated)
 * whose name matches. */
static int
env_items(const struct probe_req *req, const char *pid, const char *env,
    size_t len, struct probe_result *res)
{
	const struct probe_ent *name = probe_req_ent(req, "name");
	struct oval_item *it;
	struct plumb_err err;
	const char *p, *eq, *end = env + len;
	char *key;
	int m, rc;

	for (p = env; p < end; p += strlen(p) + 1) {
		if ((eq = strchr(p, '=')) == NULL || eq == p)
			continue;
		if ((key = strndup(p, (size_t)(eq - p))) == NULL)
			return PLUMB_ENOMEM;
		m = probe_ent_match(name, key, &err);
		if (m < 0) {
			free(key);
			return probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
		}
		if (m) {
			it = oval_item_new(OVAL_NS_SC_IND,
			    "environmentvariable58_item");
			if (it == NULL ||
			    oval_item_add(it, "pid", OVAL_DT_INT, pid) != 0 ||
			    oval_item_add(it, "name", OVAL_DT_STRING, key) != 0 ||
			    oval_item_add(it, "value", OVAL_DT_STRING,
			    eq + 1) != 0) {
				oval_item_unref(it);
				free(key);
				return PLUMB_ENOMEM;
			}
			if ((rc = probe_emit(res, it)) != 0) {
				free(key);
				return rc;
			}
		}
		free(key);
	}
	return PLUMB_OK;
}

/* Items of the agent's own environment. */
static int
self_items(const struct probe_req *req, struct probe_result *res)
{
	char pid[32];
	char **e;
	int rc;

	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	for (e = environ; e != NULL && *e != NULL; e++)
		if ((rc = env_items(req, pid, *e, strlen(*e) + 1, res)) != 0)
			return rc;
	return PLUMB_OK;
}

/* Items of process pid read from ROOT/proc/PID/environ. */
static int
proc_items(const struct probe_req *req, const char *pid,
    struct probe_result *res)
{
	char path[4096], *buf = NULL;
	size_t len = 0;
	ssize_t r;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/proc/%s/environ",
	    probe_root_prefix(req), pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return PLUMB_OK;	/* gone, or not ours to read */
	if ((buf = malloc(ENVIRON_MAX + 1)) == NULL) {
		close(fd);
		return PLUMB_ENOMEM;
	}
	while (len < ENVIRON_MAX &&
	    (r = read(fd, buf + len, ENVIRON_MAX - len)) > 0)
		len += (size_t)r;
	close(fd);
	buf[len] = '\0';
	if (len == ENVIRON_MAX)
		probe_flag(res, OVAL_FLAG_INCOMPLETE,
		    "environment of process %s truncated at %d bytes", pid,
		    ENVIRON_MAX);
	rc = env_items(req, pid, buf, len, res);
	free(buf);
	return rc;
}

/* proc_items() for hostfile_each_pid(). */
static int
env58_pid(void *arg, const char *pid, struct probe_result *res)
{
	return proc_items(arg, pid, res);
}

static int
env58_collect(const struct probe_req *req, struct probe_result *res)
{
	const struct probe_ent *pid = probe_req_ent(req, "pid");

	if (pid == NULL || pid->nil)
		return self_items(req, res);
	return hostfile_each_pid(req, res, pid, env58_pid, (void *)req);
}

const struct probe_ops probe_environmentvariable58_ops = {
	.type = "environmentvariable58_object",
	.family = "independent",
	.collect = env58_collect,
};
