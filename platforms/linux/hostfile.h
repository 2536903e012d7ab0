/*
 * hostfile.h - system files read under the probe root, shared by the
 * probes that parse them: line-oriented ones (passwd, shadow ...) and
 * whole small ones (/proc, /proc/sys).
 */
#ifndef PLUMB_HOSTFILE_H
#define PLUMB_HOSTFILE_H

#include <stddef.h>
#include "plumb/probe.h"

/*
 * Call fn(arg, line, res) for each line of ROOT/path, newline removed.
 * Lines of linemax bytes or more cannot be records of these files and
 * are skipped whole.  A missing file flags res "does not exist", an
 * unreadable one "error".  Stops early when fn returns non-zero (that
 * value is returned) or flags res as error.  linemax is at most 64 KiB.
 */
int hostfile_lines(const struct probe_req *req, struct probe_result *res,
    const char *path, size_t linemax,
    int (*fn)(const void *arg, char *line, struct probe_result *res),
    const void *arg);

/*
 * Read the open fd to its end, at most cap bytes, into *out (malloc'd,
 * NUL-terminated; its length in *outlen when outlen is not NULL),
 * retrying after EINTR.  fd is closed in every case.  Returns 1 read,
 * 0 when a read failed (nothing kept), PLUMB_ENOMEM.
 */
int hostfile_read_fd(int fd, size_t cap, char **out, size_t *outlen);

/* Is s a process directory name of /proc: not empty, only digits? */
int hostfile_is_pid(const char *s);

/*
 * Call fn(arg, pid, res) for each process directory of ROOT/proc whose
 * name the entity pid matches (NULL or nil: every process).  fn returns
 * 0 to go on, a positive value to stop quietly, a negative PLUMB_E* to
 * stop with that code.  An unreadable ROOT/proc, or a pid entity that
 * cannot be matched, flags res error.  Returns 0 or fn's error.
 */
int hostfile_each_pid(const struct probe_req *req, struct probe_result *res,
    const struct probe_ent *pid,
    int (*fn)(void *arg, const char *pid, struct probe_result *res),
    void *arg);

#endif /* PLUMB_HOSTFILE_H */
