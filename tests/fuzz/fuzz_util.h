/*
 * fuzz_util.h - TEST ONLY: what the libFuzzer harnesses of tests/fuzz
 * share.  Most plumb loaders take a path, so a harness writes each input
 * to one private file under /dev/shm (or $TMPDIR when /dev/shm is
 * missing) that it rewrites for every input; the directory is created
 * once per process and removed at exit.
 */
#ifndef PLUMB_FUZZ_UTIL_H
#define PLUMB_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[256];

/* Remove the private directory and what is left in it (at exit). */
static inline void
fuzz_cleanup(void)
{
	char cmd[300];

	if (fuzz_dir[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzz_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: cannot remove %s\n", fuzz_dir);
}

/* The private directory, created on first use; aborts when impossible
 * (a harness that cannot write its input would test nothing). */
static inline const char *
fuzz_tmpdir(void)
{
	const char *base;
	struct stat st;

	if (fuzz_dir[0] != '\0')
		return fuzz_dir;
	base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ?
	    "/dev/shm" : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/plumb-fuzz.XXXXXX", base);
	if (mkdtemp(fuzz_dir) == NULL) {
		perror(fuzz_dir);
		abort();
	}
	atexit(fuzz_cleanup);
	return fuzz_dir;
}

/* Write len bytes to NAME in the private directory; returns its path
 * (static storage, one per name slot). */
static inline const char *
fuzz_write(const char *name, const void *data, size_t len)
{
	static char path[4][512];
	static unsigned slot;
	char *p = path[slot++ % 4];
	FILE *f;

	snprintf(p, sizeof(path[0]), "%s/%s", fuzz_tmpdir(), name);
	if ((f = fopen(p, "w")) == NULL ||
	    (len > 0 && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
		perror(p);
		abort();
	}
	return p;
}

#endif /* PLUMB_FUZZ_UTIL_H */
