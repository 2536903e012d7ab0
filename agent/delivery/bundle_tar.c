/*
 * bundle_tar.c - the POSIX ustar archives inside results bundles (and
 * the collector's evidence archives): writing members, splitting a
 * received archive into them (bundle_tar.h).
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "plumb/error.h"
#include "common/dynbuf.h"
#include "bundle_tar.h"

/* Member names: short, portable, no path and no hidden files. */
int
bundle_name_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > BUNDLE_TAR_NAME_MAX || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/* Zero-padded octal in a field of n bytes: n - 1 digits and a NUL. */
static void
bundle_tar_octal_put(unsigned char *f, size_t n, unsigned long long v)
{
	size_t i;

	f[n - 1] = '\0';
	for (i = n - 1; i > 0; i--) {
		f[i - 1] = (unsigned char)('0' + (v & 7));
		v >>= 3;
	}
}

void
bundle_tar_header(unsigned char h[BUNDLE_TAR_BLOCK], const char *name,
    size_t len, time_t mtime, unsigned mode)
{
	unsigned sum = 0;
	size_t i;

	memset(h, 0, BUNDLE_TAR_BLOCK);
	memcpy(h, name, strnlen(name, BUNDLE_TAR_NAME_MAX)); /* name[100] */
	bundle_tar_octal_put(h + 100, 8, mode & 07777);	/* mode */
	memcpy(h + 108, "0000000", 8);			/* uid */
	memcpy(h + 116, "0000000", 8);			/* gid */
	bundle_tar_octal_put(h + 124, 12, len);		/* size */
	bundle_tar_octal_put(h + 136, 12,			/* mtime */
	    mtime < 0 ? 0 : (unsigned long long)mtime);
	memset(h + 148, ' ', 8);			/* chksum */
	h[156] = '0';					/* typeflag */
	memcpy(h + 257, "ustar", 6);			/* magic */
	memcpy(h + 263, "00", 2);			/* version */
	memcpy(h + 265, "root", 4);			/* uname */
	memcpy(h + 297, "root", 4);			/* gname */
	for (i = 0; i < BUNDLE_TAR_BLOCK; i++)
		sum += h[i];
	bundle_tar_octal_put(h + 148, 7, sum);		/* + NUL, space */
	h[155] = ' ';
}

int
bundle_tar_add(struct dynbuf *b, const char *name, const void *data,
    size_t len, time_t mtime, unsigned mode)
{
	unsigned char h[BUNDLE_TAR_BLOCK];
	size_t pad = (BUNDLE_TAR_BLOCK - len % BUNDLE_TAR_BLOCK) %
	    BUNDLE_TAR_BLOCK;
	int rc;

	if (strlen(name) > BUNDLE_TAR_NAME_MAX)
		return PLUMB_EINVAL;
	bundle_tar_header(h, name, len, mtime, mode);
	if ((rc = dynbuf_add(b, h, sizeof(h))) != PLUMB_OK ||
	    (rc = dynbuf_add(b, data, len)) != PLUMB_OK)
		return rc;
	return dynbuf_add(b, NULL, pad);
}

/* Value of an octal numeric field (NUL/space terminated); -1 if bad. */
static long long
bundle_tar_octal(const unsigned char *f, size_t n)
{
	long long v = 0;
	size_t i = 0;

	while (i < n && f[i] == ' ')
		i++;
	if (i == n || f[i] < '0' || f[i] > '7')
		return -1;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v > (LLONG_MAX >> 3))
			return -1;
		v = v * 8 + (f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	return v;
}

/* Split a ustar archive into regular-file members. */
int
bundle_tar_parse(const unsigned char *p, size_t len,
    struct bundle_found *found, size_t *nfound, struct plumb_err *err)
{
	const unsigned char *h;
	unsigned sum;
	long long size, want;
	size_t off = 0, i, k, nlen;

	*nfound = 0;
	for (;;) {
		if (len - off < BUNDLE_TAR_BLOCK)
			return plumb_err_set(err, PLUMB_EPARSE,
			    "archive truncated (no end-of-archive blocks)");
		h = p + off;
		for (i = 0; i < BUNDLE_TAR_BLOCK && h[i] == 0; i++)
			;
		if (i == BUNDLE_TAR_BLOCK)
			break;
		sum = 0;
		for (i = 0; i < BUNDLE_TAR_BLOCK; i++)
			sum += (i >= 148 && i < 156) ? ' ' : h[i];
		want = bundle_tar_octal(h + 148, 8);
		if (want < 0 || (unsigned)want != sum)
			return plumb_err_set(err, PLUMB_EPARSE,
			    "archive header at offset %zu: bad checksum", off);
		if (memcmp(h + 257, "ustar", 5) != 0)
			return plumb_err_set(err, PLUMB_EPARSE,
			    "archive header at offset %zu: not ustar", off);
		if (h[156] != '0' && h[156] != '\0')
			return plumb_err_set(err, PLUMB_EPARSE,
			    "archive header at offset %zu: not a regular file",
			    off);
		if (h[345] != '\0')
			return plumb_err_set(err, PLUMB_EPARSE,
			    "archive header at offset %zu: prefixed name", off);
		for (nlen = 0; nlen < 100 && h[nlen] != '\0'; nlen++)
			;
		if (nlen > BUNDLE_TAR_NAME_MAX)
			return plumb_err_set(err, PLUMB_EPARSE,
			    "archive member name too long");
		if ((size = bundle_tar_octal(h + 124, 12)) < 0 ||
		    (unsigned long long)size > len - off - BUNDLE_TAR_BLOCK)
			return plumb_err_set(err, PLUMB_EPARSE,
			    "archive header at offset %zu: bad size", off);
		if (*nfound == BUNDLE_TAR_MEMBERS_MAX)
			return plumb_err_set(err, PLUMB_ELIMIT,
			    "archive has more than %d members",
			    BUNDLE_TAR_MEMBERS_MAX);
		memcpy(found[*nfound].name, h, nlen);
		found[*nfound].name[nlen] = '\0';
		if (!bundle_name_valid(found[*nfound].name))
			return plumb_err_set(err, PLUMB_EPARSE,
			    "archive member name not allowed");
		for (k = 0; k < *nfound; k++)
			if (strcmp(found[k].name, found[*nfound].name) == 0)
				return plumb_err_set(err, PLUMB_EPARSE,
				    "archive member %s appears twice",
				    found[k].name);
		found[*nfound].data = h + BUNDLE_TAR_BLOCK;
		found[*nfound].len = (size_t)size;
		found[*nfound].listed = 0;
		(*nfound)++;
		off += BUNDLE_TAR_BLOCK + ((size_t)size + BUNDLE_TAR_BLOCK - 1) /
		    BUNDLE_TAR_BLOCK * BUNDLE_TAR_BLOCK;
		if (off > len)
			return plumb_err_set(err, PLUMB_EPARSE,
			    "archive truncated");
	}
	return PLUMB_OK;
}

int
bundle_tar_member(const unsigned char *tar, size_t len, const char *name,
    const unsigned char **data, size_t *dlen, struct plumb_err *err)
{
	struct bundle_found found[BUNDLE_TAR_MEMBERS_MAX];
	size_t nfound = 0, i;
	int rc;

	*data = NULL;
	*dlen = 0;
	if ((rc = bundle_tar_parse(tar, len, found, &nfound, err)) != 0)
		return rc;
	for (i = 0; i < nfound; i++)
		if (strcmp(found[i].name, name) == 0) {
			*data = found[i].data;
			*dlen = found[i].len;
			return PLUMB_OK;
		}
	return plumb_err_set(err, PLUMB_ENOENT, "archive has no %s", name);
}
