/*
 * fssync.c - fssync() for Linux (fssync.h): syncfs(2) on the directory.
 * Since Linux 5.8 syncfs() also reports a writeback error of any file
 * of the filesystem, which is what a caller about to acknowledge the
 * data needs.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "plumb/error.h"
#include "plumb/fssync.h"

int
fssync(const char *path, struct plumb_err *err)
{
	int fd, rc = PLUMB_OK;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
		    strerror(errno));
	if (syncfs(fd) != 0)
		rc = plumb_err_set(err, PLUMB_EIO, "%s: syncfs: %s", path,
		    strerror(errno));
	close(fd);
	return rc;
}
