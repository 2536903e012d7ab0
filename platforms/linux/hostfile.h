/*
 * hostfile.h - line-oriented system files (passwd, shadow ...) read
 * under the probe root, shared by the probes that parse them.
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

#endif /* PLUMB_HOSTFILE_H */
