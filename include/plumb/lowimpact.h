/*
 * lowimpact.h - make the calling process gentle on the host it audits:
 * a lower CPU priority and, where the OS has one, the idle I/O class
 * (only served when no other process wants the disk).  The platform
 * shim lives under platforms/ (Linux: setpriority + ioprio_set).
 */
#ifndef PLUMB_LOWIMPACT_H
#define PLUMB_LOWIMPACT_H

#include "plumb/error.h"

/*
 * Set the nice value (0..19) of the calling process and, when idle_io
 * is set, its I/O scheduling class to idle.  PLUMB_EINVAL for a nice
 * value out of range, PLUMB_EIO (err says which call) on failure;
 * PLUMB_ENOTSUP when the platform has no idle I/O class.
 */
int lowimpact_apply(int nice_value, int idle_io, struct plumb_err *err);

#endif /* PLUMB_LOWIMPACT_H */
