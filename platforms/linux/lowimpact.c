/*
 * lowimpact.c - Linux: setpriority(2) and ioprio_set(2).  glibc has no
 * wrapper for ioprio_set, hence the raw syscall and the constants of
 * linux/ioprio.h (stable kernel ABI).
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/syscall.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "plumb/lowimpact.h"

#define LOWIMPACT_IOPRIO_CLASS_SHIFT	13
#define LOWIMPACT_IOPRIO_CLASS_IDLE	3
#define LOWIMPACT_IOPRIO_WHO_PROCESS	1

int
lowimpact_apply(int nice_value, int idle_io, struct plumb_err *err)
{
	int prio;

	if (nice_value < 0 || nice_value > 19)
		return plumb_err_set(err, PLUMB_EINVAL,
		    "nice %d: not in 0..19", nice_value);
	/* Raising one's own nice value needs no privilege. */
	if (getpriority(PRIO_PROCESS, 0) < nice_value &&
	    setpriority(PRIO_PROCESS, 0, nice_value) == -1)
		return plumb_err_set(err, PLUMB_EIO, "setpriority %d: %s",
		    nice_value, strerror(errno));
	if (!idle_io)
		return PLUMB_OK;
#ifdef SYS_ioprio_set
	prio = LOWIMPACT_IOPRIO_CLASS_IDLE << LOWIMPACT_IOPRIO_CLASS_SHIFT;
	if (syscall(SYS_ioprio_set, LOWIMPACT_IOPRIO_WHO_PROCESS, 0,
	    prio) == -1)
		return plumb_err_set(err, PLUMB_EIO,
		    "ioprio_set idle class: %s", strerror(errno));
	return PLUMB_OK;
#else
	(void)prio;
	return plumb_err_set(err, PLUMB_ENOTSUP,
	    "no idle I/O class on this kernel");
#endif
}
