/*
 * mem-grep.c - TEST ONLY: does a process's memory hold a byte string?
 * Reads every readable mapping of /proc/PID/mem (Linux; the same user
 * may read it) and counts the mappings holding NEEDLE (hex digits) or
 * its bytes in reverse order (a BIGNUM's limbs on a little-endian
 * machine).  tests/security/gov-privsep.sh looks for the CA private key
 * in the collector and in its signer.
 *
 * usage: mem-grep PID HEX
 * Prints the count; exit 0 when read, 2 on a usage or read error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEMGREP_NEEDLE_MAX	512
#define MEMGREP_MAP_MAX		((size_t)1 << 30)	/* skip larger maps */

/* 1 when hay (n bytes) holds needle (m bytes). */
static int
memgrep_has(const unsigned char *hay, size_t n, const unsigned char *needle,
    size_t m)
{
	return m > 0 && n >= m && memmem(hay, n, needle, m) != NULL;
}

int
main(int argc, char **argv)
{
	unsigned char needle[MEMGREP_NEEDLE_MAX], rev[MEMGREP_NEEDLE_MAX];
	unsigned char *buf = NULL;
	char path[64], line[512];
	unsigned long a, b;
	size_t i, m, hits = 0, maps = 0;
	FILE *fm, *mem;

	if (argc != 3 || strlen(argv[2]) % 2 != 0 ||
	    (m = strlen(argv[2]) / 2) == 0 || m > MEMGREP_NEEDLE_MAX) {
		fprintf(stderr, "usage: mem-grep PID HEX\n");
		return 2;
	}
	for (i = 0; i < m; i++) {
		unsigned v;

		if (sscanf(argv[2] + 2 * i, "%2x", &v) != 1)
			return 2;
		needle[i] = (unsigned char)v;
		rev[m - 1 - i] = (unsigned char)v;
	}
	snprintf(path, sizeof(path), "/proc/%s/maps", argv[1]);
	if ((fm = fopen(path, "r")) == NULL) {
		perror(path);
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%s/mem", argv[1]);
	if ((mem = fopen(path, "rb")) == NULL) {
		perror(path);
		fclose(fm);
		return 2;
	}
	while (fgets(line, sizeof(line), fm) != NULL) {
		char perms[8];
		unsigned char *nb;

		if (sscanf(line, "%lx-%lx %7s", &a, &b, perms) != 3 ||
		    perms[0] != 'r' || b <= a || b - a > MEMGREP_MAP_MAX)
			continue;
		if ((nb = realloc(buf, b - a)) == NULL)
			continue;
		buf = nb;
		if (fseek(mem, (long)a, SEEK_SET) != 0 ||
		    fread(buf, 1, b - a, mem) != b - a) {
			clearerr(mem);
			continue;
		}
		maps++;
		if (memgrep_has(buf, b - a, needle, m) ||
		    memgrep_has(buf, b - a, rev, m))
			hits++;
	}
	free(buf);
	fclose(mem);
	fclose(fm);
	if (maps == 0) {
		fprintf(stderr, "mem-grep: no mapping of %s could be read\n",
		    argv[1]);
		return 2;
	}
	printf("%zu\n", hits);
	return 0;
}
