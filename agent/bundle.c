/*
 * bundle.c - signed results bundles: a ustar archive (manifest first),
 * gzip-compressed with zlib, wrapped in a DER CMS SignedData.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <zlib.h>

#include "plumb/error.h"
#include "common/dynbuf.h"
#include "common/hex.h"
#include "common/pjson.h"
#include "atomic.h"
#include "bundle.h"
#include "keyfile.h"

#define BUNDLE_FORMAT		"plumb-bundle/1"
#define BUNDLE_MANIFEST		"manifest.json"
#define BUNDLE_BLOCK		512
#define BUNDLE_MAX_MEMBERS	64
#define BUNDLE_NAME_MAX		99	/* ustar name field, NUL kept */

/* A member found in a verified archive (pointers into the archive). */
struct bundle_found {
	char name[BUNDLE_NAME_MAX + 1];
	const unsigned char *data;
	size_t len;
	int listed;
};

/* What the manifest says about one member. */
struct bundle_listed {
	char name[BUNDLE_NAME_MAX + 1];
	uint64_t size;
	char sha256[65];
};

struct bundle_manifest {
	char format[32];
	char uuid[BUNDLE_UUID_LEN + 1];
	char host[256];
	char created[32];
	char target_root[BUNDLE_ROOT_MAX];
	struct bundle_listed m[BUNDLE_MAX_MEMBERS];
	size_t n;
};

/* SHA-256 of data as 64 lowercase hex digits into out[65]. */
static int
bundle_sha256_hex(const void *data, size_t len, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != 32)
		return PLUMB_EIO;
	hex_encode(md, mdlen, out);
	return PLUMB_OK;
}

int
bundle_uuid(char *out, struct plumb_err *err)
{
	unsigned char r[16];
	char h[33];

	out[0] = '\0';
	if (RAND_bytes(r, sizeof(r)) != 1)
		return plumb_err_set(err, PLUMB_EIO,
		    "no random bytes for a bundle UUID");
	r[6] = (r[6] & 0x0f) | 0x40;	/* version 4 */
	r[8] = (r[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	hex_encode(r, sizeof(r), h);
	snprintf(out, BUNDLE_UUID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s",
	    h, h + 8, h + 12, h + 16, h + 20);
	return PLUMB_OK;
}

/* 8-4-4-4-12 lowercase hex, version 4, as bundle_uuid makes them. */
static int
bundle_uuid_valid(const char *s)
{
	size_t i;

	if (strlen(s) != BUNDLE_UUID_LEN)
		return 0;
	for (i = 0; i < BUNDLE_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

/* Member names: short, portable, no path and no hidden files. */
static int
bundle_name_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > BUNDLE_NAME_MAX || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/* Printable ASCII only: the host id ends up in JSON and in reports. */
static int
bundle_host_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 255)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\')
			return 0;
	return 1;
}

/* ---------------------------------------------------------------- ustar */

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

static int
bundle_tar_add(struct dynbuf *b, const char *name,
    const unsigned char *data, size_t len, time_t mtime)
{
	unsigned char h[BUNDLE_TAR_BLOCK];
	size_t pad = (BUNDLE_BLOCK - len % BUNDLE_BLOCK) % BUNDLE_BLOCK;
	int rc;

	bundle_tar_header(h, name, len, mtime, 0644);
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
static int
bundle_tar_parse(const unsigned char *p, size_t len,
    struct bundle_found *found, size_t *nfound, struct plumb_err *err)
{
	const unsigned char *h;
	unsigned sum;
	long long size, want;
	size_t off = 0, i, k, nlen;

	*nfound = 0;
	for (;;) {
		if (len - off < BUNDLE_BLOCK)
			return plumb_err_set(err, PLUMB_EPARSE,
			    "archive truncated (no end-of-archive blocks)");
		h = p + off;
		for (i = 0; i < BUNDLE_BLOCK && h[i] == 0; i++)
			;
		if (i == BUNDLE_BLOCK)
			break;
		sum = 0;
		for (i = 0; i < BUNDLE_BLOCK; i++)
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
		if (nlen > BUNDLE_NAME_MAX)
			return plumb_err_set(err, PLUMB_EPARSE,
			    "archive member name too long");
		if ((size = bundle_tar_octal(h + 124, 12)) < 0 ||
		    (unsigned long long)size > len - off - BUNDLE_BLOCK)
			return plumb_err_set(err, PLUMB_EPARSE,
			    "archive header at offset %zu: bad size", off);
		if (*nfound == BUNDLE_MAX_MEMBERS)
			return plumb_err_set(err, PLUMB_ELIMIT,
			    "archive has more than %d members",
			    BUNDLE_MAX_MEMBERS);
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
		found[*nfound].data = h + BUNDLE_BLOCK;
		found[*nfound].len = (size_t)size;
		found[*nfound].listed = 0;
		(*nfound)++;
		off += BUNDLE_BLOCK + ((size_t)size + BUNDLE_BLOCK - 1) /
		    BUNDLE_BLOCK * BUNDLE_BLOCK;
		if (off > len)
			return plumb_err_set(err, PLUMB_EPARSE,
			    "archive truncated");
	}
	return PLUMB_OK;
}

/* ----------------------------------------------------------------- gzip */

static int
bundle_gzip(const unsigned char *in, size_t len, struct dynbuf *out,
    struct plumb_err *err)
{
	z_stream z;
	uLong bound;
	int zrc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return plumb_err_set(err, PLUMB_ENOMEM, "deflateInit2 failed");
	bound = deflateBound(&z, (uLong)len);
	if (bound > BUNDLE_MAX_BYTES || (out->p = malloc(bound)) == NULL) {
		deflateEnd(&z);
		return plumb_err_set(err, PLUMB_ENOMEM,
		    "no memory to compress %zu bytes", len);
	}
	out->cap = bound;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out->p;
	z.avail_out = (uInt)bound;
	zrc = deflate(&z, Z_FINISH);
	out->len = bound - z.avail_out;
	deflateEnd(&z);
	if (zrc != Z_STREAM_END)
		return plumb_err_set(err, PLUMB_EIO, "gzip failed (%d)", zrc);
	return PLUMB_OK;
}

/* Inflate a gzip stream, refusing more than max bytes of output (at most
 * BUNDLE_MAX_BYTES): checked chunk by chunk, so a bomb costs max bytes. */
static int
bundle_gunzip(const unsigned char *in, size_t len, size_t max,
    struct dynbuf *out, struct plumb_err *err)
{
	unsigned char chunk[65536];
	z_stream z;
	int zrc, rc = PLUMB_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return plumb_err_set(err, PLUMB_ENOMEM, "inflateInit2 failed");
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zrc = inflate(&z, Z_NO_FLUSH);
		if (zrc != Z_OK && zrc != Z_STREAM_END) {
			rc = plumb_err_set(err, PLUMB_EPARSE,
			    "archive is not valid gzip data");
			goto out;
		}
		if (sizeof(chunk) - z.avail_out > max - out->len ||
		    dynbuf_add(out, chunk, sizeof(chunk) - z.avail_out) !=
		    PLUMB_OK) {
			rc = plumb_err_set(err, PLUMB_ELIMIT,
			    "archive expands beyond %zu bytes", max);
			goto out;
		}
		if (zrc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
			rc = plumb_err_set(err, PLUMB_EPARSE,
			    "gzip data truncated");
			goto out;
		}
	} while (zrc != Z_STREAM_END);
	if (z.avail_in != 0)
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "trailing bytes after the gzip data");
out:
	inflateEnd(&z);
	return rc;
}

int
bundle_tar_member(const unsigned char *tar, size_t len, const char *name,
    const unsigned char **data, size_t *dlen, struct plumb_err *err)
{
	struct bundle_found found[BUNDLE_MAX_MEMBERS];
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

/* ------------------------------------------------------------- manifest */

static void
bundle_iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
bundle_manifest_write(struct dynbuf *b, const char *uuid,
    const char *host, const char *root, time_t created,
    const struct bundle_member *members, size_t n)
{
	char when[32], digest[65];
	size_t i;
	int rc;

	bundle_iso_time(created, when, sizeof(when));
	if ((rc = dynbuf_printf(b, "{\n  \"format\": \"%s\",\n"
	    "  \"uuid\": \"%s\",\n  \"host\": ", BUNDLE_FORMAT, uuid)) != 0 ||
	    (rc = pjson_put_string(b, host)) != 0)
		return rc;
	if (root != NULL && root[0] != '\0' &&
	    ((rc = dynbuf_printf(b, ",\n  \"target_root\": ")) != 0 ||
	    (rc = pjson_put_string(b, root)) != 0))
		return rc;
	if ((rc = dynbuf_printf(b, ",\n  \"created\": \"%s\",\n"
	    "  \"members\": [", when)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		if (bundle_sha256_hex(members[i].data, members[i].len,
		    digest) != PLUMB_OK)
			return PLUMB_EIO;
		if ((rc = dynbuf_printf(b, "%s\n    { \"name\": ",
		    i > 0 ? "," : "")) != 0 ||
		    (rc = pjson_put_string(b, members[i].name)) != 0 ||
		    (rc = dynbuf_printf(b, ", \"size\": %zu, "
		    "\"sha256\": \"%s\" }", members[i].len, digest)) != 0)
			return rc;
	}
	return dynbuf_printf(b, "\n  ]\n}\n");
}

/* One {"name", "size", "sha256"} object of the members array. */
static int
pjson_member(struct pjson_rd *j, struct bundle_listed *l)
{
	char key[64];
	int first, have = 0;

	if (!pjson_lit(j, '{'))
		return -1;
	for (first = 1; !pjson_lit(j, '}'); first = 0) {
		if ((!first && !pjson_lit(j, ',')) ||
		    pjson_string(j, key, sizeof(key)) != 0 ||
		    !pjson_lit(j, ':'))
			return -1;
		if (strcmp(key, "name") == 0) {
			if (pjson_string(j, l->name, sizeof(l->name)) != 0)
				return -1;
			have |= 1;
		} else if (strcmp(key, "size") == 0) {
			if (pjson_uint(j, &l->size) != 0)
				return -1;
			have |= 2;
		} else if (strcmp(key, "sha256") == 0) {
			if (pjson_string(j, l->sha256,
			    sizeof(l->sha256)) != 0)
				return -1;
			have |= 4;
		} else if (pjson_skip(j) != 0)
			return -1;
	}
	return have == 7 ? 0 : -1;
}

static int
bundle_manifest_parse(const unsigned char *data, size_t len,
    struct bundle_manifest *m, struct plumb_err *err)
{
	struct pjson_rd j;
	char key[64];
	int first, mfirst, have = 0;

	memset(m, 0, sizeof(*m));
	/* A skipped string longer than 1023 bytes makes it malformed. */
	pjson_rd_init(&j, data, len, 1024);
	if (!pjson_lit(&j, '{'))
		goto bad;
	for (first = 1; !pjson_lit(&j, '}'); first = 0) {
		if ((!first && !pjson_lit(&j, ',')) ||
		    pjson_string(&j, key, sizeof(key)) != 0 ||
		    !pjson_lit(&j, ':'))
			goto bad;
		if (strcmp(key, "format") == 0) {
			if (pjson_string(&j, m->format,
			    sizeof(m->format)) != 0)
				goto bad;
			have |= 1;
		} else if (strcmp(key, "uuid") == 0) {
			if (pjson_string(&j, m->uuid, sizeof(m->uuid)) != 0)
				goto bad;
			have |= 2;
		} else if (strcmp(key, "host") == 0) {
			if (pjson_string(&j, m->host, sizeof(m->host)) != 0)
				goto bad;
			have |= 4;
		} else if (strcmp(key, "created") == 0) {
			if (pjson_string(&j, m->created,
			    sizeof(m->created)) != 0)
				goto bad;
			have |= 8;
		} else if (strcmp(key, "target_root") == 0) {
			if (pjson_string(&j, m->target_root,
			    sizeof(m->target_root)) != 0)
				goto bad;
		} else if (strcmp(key, "members") == 0) {
			if (!pjson_lit(&j, '['))
				goto bad;
			for (mfirst = 1; !pjson_lit(&j, ']'); mfirst = 0) {
				if ((!mfirst && !pjson_lit(&j, ',')) ||
				    m->n == BUNDLE_MAX_MEMBERS ||
				    pjson_member(&j, &m->m[m->n]) != 0)
					goto bad;
				m->n++;
			}
			have |= 16;
		} else if (pjson_skip(&j) != 0)
			goto bad;
	}
	pjson_ws(&j);
	if (j.p != j.end || have != 31)
		goto bad;
	if (strcmp(m->format, BUNDLE_FORMAT) != 0)
		return plumb_err_set(err, PLUMB_EPARSE,
		    "manifest format \"%s\" is not %s", m->format,
		    BUNDLE_FORMAT);
	return PLUMB_OK;
bad:
	return plumb_err_set(err, PLUMB_EPARSE,
	    "manifest.json is malformed near byte %zu",
	    (size_t)(j.p - (const char *)data));
}

/* "YYYY-MM-DDTHH:MM:SSZ" to a time_t; -1 when malformed. */
static time_t
bundle_parse_time(const char *s)
{
	struct tm tm;
	const char *e;

	memset(&tm, 0, sizeof(tm));
	if ((e = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL || *e != '\0')
		return (time_t)-1;
	return timegm(&tm);
}

/* ------------------------------------------------------------------ CMS */

/* The signingTime attribute of the first signer; 0 when absent. */
static time_t
bundle_signing_time(CMS_ContentInfo *cms)
{
	STACK_OF(CMS_SignerInfo) *sis;
	CMS_SignerInfo *si;
	X509_ATTRIBUTE *attr;
	ASN1_TYPE *t;
	struct tm tm;
	int idx;

	if ((sis = CMS_get0_SignerInfos(cms)) == NULL ||
	    sk_CMS_SignerInfo_num(sis) < 1)
		return 0;
	si = sk_CMS_SignerInfo_value(sis, 0);
	if ((idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime,
	    -1)) < 0 || (attr = CMS_signed_get_attr(si, idx)) == NULL ||
	    (t = X509_ATTRIBUTE_get0_type(attr, 0)) == NULL)
		return 0;
	if (t->type != V_ASN1_UTCTIME && t->type != V_ASN1_GENERALIZEDTIME)
		return 0;
	memset(&tm, 0, sizeof(tm));
	if (!ASN1_TIME_to_tm((const ASN1_TIME *)t->value.utctime, &tm))
		return 0;
	return timegm(&tm);
}

/* Subject of cert, RFC 2253 style, into buf. */
static void
bundle_subject(X509 *cert, char *buf, size_t len)
{
	BIO *b;
	char *p;
	long n;

	buf[0] = '\0';
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return;
	if (X509_NAME_print_ex(b, X509_get_subject_name(cert), 0,
	    XN_FLAG_RFC2253) >= 0 && (n = BIO_get_mem_data(b, &p)) > 0)
		snprintf(buf, len, "%.*s", (int)n, p);
	BIO_free(b);
}

/* The whole file at path, at most BUNDLE_MAX_BYTES. */
static int
bundle_read(const char *path, struct dynbuf *b, struct plumb_err *err)
{
	unsigned char chunk[65536];
	ssize_t r;
	int fd, rc = PLUMB_OK;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "%s: %s", path, strerror(errno));
	for (;;) {
		if ((r = read(fd, chunk, sizeof(chunk))) < 0) {
			if (errno == EINTR)
				continue;
			rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
			    strerror(errno));
			break;
		}
		if (r == 0)
			break;
		if (dynbuf_add(b, chunk, (size_t)r) != PLUMB_OK) {
			rc = plumb_err_set(err, PLUMB_ELIMIT,
			    "%s: larger than %zu bytes", path,
			    BUNDLE_MAX_BYTES);
			break;
		}
	}
	close(fd);
	return rc;
}

/* Step over one DER TLV of the expected tag; -1 if it is not there. */
static int
bundle_der_next(const unsigned char **p, const unsigned char *end, int tag,
    int xclass, int cons, long *len)
{
	const unsigned char *q = *p;
	int r, t, c;

	if (end <= q)
		return -1;
	r = ASN1_get_object(&q, len, &t, &c, end - q);
	/* 0x80: error; bit 0: indefinite length, which DER never uses. */
	if ((r & 0x80) || (r & 1) || t != tag || c != xclass ||
	    ((r & V_ASN1_CONSTRUCTED) != 0) != cons || *len > end - q)
		return -1;
	*p = q;
	return 0;
}

/*
 * The fields OpenSSL's CMS_verify does not look at, checked by hand so
 * that no byte of a bundle can change without verification failing:
 * nothing after the structure, SignedData and SignerInfo version 1
 * (what CMS_sign writes for an issuer-and-serial signer).
 */
static int
bundle_der_check(const unsigned char *der, size_t n)
{
	const unsigned char *p = der, *end = der + n;
	long len;

	if (bundle_der_next(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, 1,
	    &len) != 0 || p + len != end ||
	    bundle_der_next(&p, end, V_ASN1_OBJECT, V_ASN1_UNIVERSAL, 0,
	    &len) != 0)
		return -1;
	p += len;
	if (bundle_der_next(&p, end, 0, V_ASN1_CONTEXT_SPECIFIC, 1,
	    &len) != 0 ||
	    bundle_der_next(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, 1,
	    &len) != 0 ||
	    bundle_der_next(&p, end, V_ASN1_INTEGER, V_ASN1_UNIVERSAL, 0,
	    &len) != 0 || len != 1 || *p != 1)
		return -1;
	p += len;
	/* digestAlgorithms, encapContentInfo */
	if (bundle_der_next(&p, end, V_ASN1_SET, V_ASN1_UNIVERSAL, 1,
	    &len) != 0)
		return -1;
	p += len;
	if (bundle_der_next(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, 1,
	    &len) != 0)
		return -1;
	p += len;
	/* certificates [0], crls [1], both optional */
	if (bundle_der_next(&p, end, 0, V_ASN1_CONTEXT_SPECIFIC, 1,
	    &len) == 0)
		p += len;
	if (bundle_der_next(&p, end, 1, V_ASN1_CONTEXT_SPECIFIC, 1,
	    &len) == 0)
		p += len;
	if (bundle_der_next(&p, end, V_ASN1_SET, V_ASN1_UNIVERSAL, 1,
	    &len) != 0 ||
	    bundle_der_next(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, 1,
	    &len) != 0 ||
	    bundle_der_next(&p, end, V_ASN1_INTEGER, V_ASN1_UNIVERSAL, 0,
	    &len) != 0 || len != 1 || *p != 1)
		return -1;
	return 0;
}

/*
 * After CMS_verify: the algorithm identifiers it does not check must
 * say what was really done (SHA-256, a signature of the signer's key
 * type), the content type must be id-data, no unsigned attributes.
 */
static int
bundle_cms_strict(CMS_ContentInfo *cms, X509 *signer, struct plumb_err *err)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	CMS_SignerInfo *si;
	X509_ALGOR *dig = NULL, *sig = NULL;
	const ASN1_OBJECT *obj;
	int nid, kt;

	if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data)
		return plumb_err_set(err, PLUMB_EPARSE,
		    "encapsulated content type is not id-data");
	if (sis == NULL || sk_CMS_SignerInfo_num(sis) != 1)
		return plumb_err_set(err, PLUMB_EPARSE,
		    "expected exactly one signer");
	si = sk_CMS_SignerInfo_value(sis, 0);
	if (CMS_unsigned_get_attr_count(si) > 0)
		return plumb_err_set(err, PLUMB_EPARSE,
		    "unexpected unsigned attributes");
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	X509_ALGOR_get0(&obj, NULL, NULL, dig);
	if (OBJ_obj2nid(obj) != NID_sha256)
		return plumb_err_set(err, PLUMB_EPARSE,
		    "digest algorithm is not SHA-256");
	X509_ALGOR_get0(&obj, NULL, NULL, sig);
	nid = OBJ_obj2nid(obj);
	kt = EVP_PKEY_get_base_id(X509_get0_pubkey(signer));
	if (!((kt == EVP_PKEY_EC && nid == NID_ecdsa_with_SHA256) ||
	    (kt == EVP_PKEY_RSA && (nid == NID_rsaEncryption ||
	    nid == NID_sha256WithRSAEncryption)) ||
	    (kt == EVP_PKEY_RSA_PSS && nid == NID_rsassaPss) ||
	    (kt == EVP_PKEY_ED25519 && nid == NID_ED25519)))
		return plumb_err_set(err, PLUMB_EPARSE,
		    "signature algorithm does not match the signer's key");
	return PLUMB_OK;
}

int
bundle_create(const char *path, const char *host, const char *target_root,
    const struct bundle_member *members, size_t nmembers,
    const char *cert_file, const char *key_file, struct bundle_info *info,
    struct plumb_err *err)
{
	struct dynbuf tar = DYNBUF_INIT(BUNDLE_MAX_BYTES), gz = DYNBUF_INIT(BUNDLE_MAX_BYTES);
	struct dynbuf man = DYNBUF_INIT(BUNDLE_MAX_BYTES);
	struct atomic_file af = { -1, "", "" };
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *chain = NULL;
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	BIO *in = NULL, *out = NULL;
	unsigned char *der;
	char ebuf[PLUMB_ERR_MSG_MAX - 64];
	time_t created;
	size_t i, k, total = 0;
	long derlen;
	ssize_t w;
	int rc;

	memset(info, 0, sizeof(*info));
	if (!bundle_host_valid(host))
		return plumb_err_set(err, PLUMB_EINVAL,
		    "host id \"%s\" is not printable ASCII without quotes "
		    "(1-255 characters)", host);
	if (nmembers > BUNDLE_MAX_MEMBERS - 1)
		return plumb_err_set(err, PLUMB_ELIMIT,
		    "too many bundle members (%zu)", nmembers);
	for (i = 0; i < nmembers; i++) {
		if (!bundle_name_valid(members[i].name) ||
		    strcmp(members[i].name, BUNDLE_MANIFEST) == 0)
			return plumb_err_set(err, PLUMB_EINVAL,
			    "bundle member name \"%s\" not allowed",
			    members[i].name);
		for (k = 0; k < i; k++)
			if (strcmp(members[i].name, members[k].name) == 0)
				return plumb_err_set(err, PLUMB_EINVAL,
				    "bundle member \"%s\" given twice",
				    members[i].name);
		if (members[i].len > BUNDLE_MAX_BYTES - total)
			return plumb_err_set(err, PLUMB_ELIMIT,
			    "bundle members exceed %zu bytes",
			    BUNDLE_MAX_BYTES);
		total += members[i].len;
	}
	if ((rc = keyfile_load_cert(cert_file, &cert, &chain, err)) != 0 ||
	    (rc = keyfile_cert_current(cert, cert_file, err)) != 0 ||
	    (rc = keyfile_load_key(key_file, &key, err)) != 0)
		goto out;
	if (X509_check_private_key(cert, key) != 1) {
		ERR_clear_error();
		rc = plumb_err_set(err, PLUMB_EINVAL,
		    "%s does not belong to the certificate in %s", key_file,
		    cert_file);
		goto out;
	}
	if ((rc = bundle_uuid(info->uuid, err)) != PLUMB_OK)
		goto out;
	created = time(NULL);
	snprintf(info->host, sizeof(info->host), "%s", host);
	info->created = created;

	/* The archive: manifest first, then the members in order. */
	rc = bundle_manifest_write(&man, info->uuid, host, target_root,
	    created, members, nmembers);
	if (rc == PLUMB_OK)
		rc = bundle_tar_add(&tar, BUNDLE_MANIFEST, man.p, man.len,
		    created);
	for (i = 0; rc == PLUMB_OK && i < nmembers; i++)
		rc = bundle_tar_add(&tar, members[i].name, members[i].data,
		    members[i].len, created);
	if (rc == PLUMB_OK)
		rc = dynbuf_add(&tar, NULL, 2 * BUNDLE_BLOCK);
	if (rc != PLUMB_OK) {
		rc = plumb_err_set(err, rc, "cannot build the archive: %s",
		    plumb_strerror(rc));
		goto out;
	}
	if ((rc = bundle_gzip(tar.p, tar.len, &gz, err)) != PLUMB_OK)
		goto out;
	if (bundle_sha256_hex(gz.p, gz.len, info->content_sha256) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "SHA-256 failed");
		goto out;
	}

	/* Sign: SHA-256, signed attributes (signing time), cert included. */
	ERR_clear_error();
	if ((in = BIO_new_mem_buf(gz.p, (int)gz.len)) == NULL ||
	    (cms = CMS_sign(NULL, NULL, chain, NULL,
	    CMS_BINARY | CMS_PARTIAL)) == NULL ||
	    CMS_add1_signer(cms, cert, key, EVP_sha256(), CMS_BINARY) == NULL ||
	    !CMS_final(cms, in, NULL, CMS_BINARY) ||
	    (out = BIO_new(BIO_s_mem())) == NULL ||
	    !i2d_CMS_bio(out, cms) ||
	    (derlen = BIO_get_mem_data(out, (char **)&der)) <= 0) {
		keyfile_ssl_error(ebuf, sizeof(ebuf));
		rc = plumb_err_set(err, PLUMB_EIO, "signing failed: %s", ebuf);
		goto out;
	}
	if ((size_t)derlen > BUNDLE_MAX_BYTES) {
		rc = plumb_err_set(err, PLUMB_ELIMIT,
		    "signed bundle larger than %zu bytes", BUNDLE_MAX_BYTES);
		goto out;
	}
	info->signing_time = bundle_signing_time(cms);
	bundle_subject(cert, info->signer, sizeof(info->signer));

	/* Results describe the host's weaknesses: owner only, from the
	 * temporary file on, whatever the umask. */
	if ((rc = atomic_open_mode(&af, path, 0600, err)) != PLUMB_OK)
		goto out;
	for (i = 0; i < (size_t)derlen; i += (size_t)w) {
		if ((w = write(af.fd, der + i, (size_t)derlen - i)) <= 0) {
			if (w < 0 && errno == EINTR) {
				w = 0;
				continue;
			}
			rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
			    w < 0 ? strerror(errno) : "short write");
			atomic_abort(&af);
			goto out;
		}
	}
	rc = atomic_commit(&af, err);
out:
	if (rc != PLUMB_OK)
		memset(info, 0, sizeof(*info));
	BIO_free(in);
	BIO_free(out);
	CMS_ContentInfo_free(cms);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	EVP_PKEY_free(key);
	dynbuf_free(&tar);
	dynbuf_free(&gz);
	dynbuf_free(&man);
	return rc;
}

/* Check the archive members against the (verified) manifest. */
static int
bundle_check_manifest(const unsigned char *tar, size_t len,
    struct bundle_info *info, struct plumb_err *err)
{
	struct bundle_found found[BUNDLE_MAX_MEMBERS];
	struct bundle_manifest *m = NULL;
	char digest[65];
	size_t nfound, i, k;
	int rc;

	if ((rc = bundle_tar_parse(tar, len, found, &nfound, err)) != 0)
		return rc;
	if (nfound == 0 || strcmp(found[0].name, BUNDLE_MANIFEST) != 0)
		return plumb_err_set(err, PLUMB_EPARSE,
		    "the archive does not start with %s", BUNDLE_MANIFEST);
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	if ((rc = bundle_manifest_parse(found[0].data, found[0].len, m,
	    err)) != PLUMB_OK)
		goto out;
	found[0].listed = 1;
	if (!bundle_uuid_valid(m->uuid) || !bundle_host_valid(m->host) ||
	    (info->created = bundle_parse_time(m->created)) == (time_t)-1) {
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "manifest uuid, host or created time malformed");
		goto out;
	}
	for (i = 0; i < m->n; i++) {
		for (k = 1; k < nfound; k++)
			if (strcmp(found[k].name, m->m[i].name) == 0)
				break;
		if (k == nfound || found[k].listed) {
			rc = plumb_err_set(err, PLUMB_EPARSE, "member %s listed "
			    "in the manifest is missing or listed twice",
			    m->m[i].name);
			goto out;
		}
		found[k].listed = 1;
		if (bundle_sha256_hex(found[k].data, found[k].len,
		    digest) != 0 || found[k].len != m->m[i].size ||
		    strcmp(digest, m->m[i].sha256) != 0) {
			rc = plumb_err_set(err, PLUMB_EPARSE,
			    "member %s does not match its manifest digest",
			    m->m[i].name);
			goto out;
		}
	}
	for (k = 0; k < nfound; k++)
		if (!found[k].listed) {
			rc = plumb_err_set(err, PLUMB_EPARSE,
			    "member %s is not in the manifest", found[k].name);
			goto out;
		}
	memcpy(info->uuid, m->uuid, sizeof(info->uuid));
	snprintf(info->host, sizeof(info->host), "%s", m->host);
	snprintf(info->target_root, sizeof(info->target_root), "%s",
	    m->target_root);
	rc = PLUMB_OK;
out:
	free(m);
	return rc;
}

int
bundle_verify_mem(const unsigned char *der, size_t len, X509_STORE *trust,
    struct bundle_verified *v, struct plumb_err *err)
{
	return bundle_verify_mem_max(der, len, trust, BUNDLE_MAX_BYTES, v,
	    err);
}

int
bundle_verify_mem_max(const unsigned char *der, size_t len,
    X509_STORE *trust, size_t max_tar, struct bundle_verified *v,
    struct plumb_err *err)
{
	struct dynbuf tar = DYNBUF_INIT(BUNDLE_MAX_BYTES);
	struct bundle_info *info = &v->info;
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *signers = NULL;
	BIO *out = NULL;
	const unsigned char *dp = der;
	char ebuf[PLUMB_ERR_MSG_MAX - 64];
	unsigned char *content;
	long clen;
	int rc;

	memset(v, 0, sizeof(*v));
	ERR_clear_error();
	if (len > BUNDLE_MAX_BYTES)
		return plumb_err_set(err, PLUMB_ELIMIT,
		    "larger than %zu bytes", BUNDLE_MAX_BYTES);
	if ((cms = d2i_CMS_ContentInfo(NULL, &dp, (long)len)) == NULL ||
	    bundle_der_check(der, len) != 0) {
		keyfile_ssl_error(ebuf, sizeof(ebuf));
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "not a DER CMS SignedData as plumb writes them%s%s",
		    ebuf[0] != '\0' && cms == NULL ? ": " : "",
		    cms == NULL ? ebuf : "");
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		rc = plumb_err_set(err, PLUMB_EPARSE, "not a CMS SignedData");
		goto out;
	}
	if ((out = BIO_new(BIO_s_mem())) == NULL ||
	    CMS_verify(cms, NULL, trust, NULL, out, CMS_BINARY) != 1) {
		keyfile_ssl_error(ebuf, sizeof(ebuf));
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "signature does not verify: %s", ebuf);
		goto out;
	}
	if ((signers = CMS_get0_signers(cms)) == NULL ||
	    sk_X509_num(signers) != 1) {
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "expected exactly one signer");
		goto out;
	}
	if ((rc = bundle_cms_strict(cms, sk_X509_value(signers, 0),
	    err)) != PLUMB_OK)
		goto out;
	bundle_subject(sk_X509_value(signers, 0), info->signer,
	    sizeof(info->signer));
	info->signing_time = bundle_signing_time(cms);
	if ((clen = BIO_get_mem_data(out, (char **)&content)) <= 0) {
		rc = plumb_err_set(err, PLUMB_EPARSE, "empty content");
		goto out;
	}
	if (bundle_sha256_hex(content, (size_t)clen,
	    info->content_sha256) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "SHA-256 failed");
		goto out;
	}
	if (max_tar > BUNDLE_MAX_BYTES)
		max_tar = BUNDLE_MAX_BYTES;
	if ((rc = bundle_gunzip(content, (size_t)clen, max_tar, &tar,
	    err)) != 0 ||
	    (rc = bundle_check_manifest(tar.p, tar.len, info, err)) != 0)
		goto out;
	if (X509_up_ref(sk_X509_value(signers, 0)) != 1) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	v->signer = sk_X509_value(signers, 0);
	v->tar = tar.p;
	v->tarlen = tar.len;
	tar.p = NULL;
	rc = PLUMB_OK;
out:
	if (rc != PLUMB_OK)
		memset(info, 0, sizeof(*info));
	ERR_clear_error();
	sk_X509_free(signers);
	BIO_free(out);
	CMS_ContentInfo_free(cms);
	dynbuf_free(&tar);
	return rc;
}

void
bundle_verified_free(struct bundle_verified *v)
{
	X509_free(v->signer);
	free(v->tar);
	memset(v, 0, sizeof(*v));
}

int
bundle_verify(const char *path, const char *ca_file,
    struct bundle_info *info, struct plumb_err *err)
{
	struct dynbuf der = DYNBUF_INIT(BUNDLE_MAX_BYTES);
	struct bundle_verified v;
	X509_STORE *store = NULL;
	struct stat st;
	char reason[PLUMB_ERR_MSG_MAX];
	int rc;

	memset(info, 0, sizeof(*info));
	memset(&v, 0, sizeof(v));
	if (stat(path, &st) != 0)
		return plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size >
	    (uint64_t)BUNDLE_MAX_BYTES)
		return plumb_err_set(err, PLUMB_ELIMIT,
		    "%s: not a regular file of at most %zu bytes", path,
		    BUNDLE_MAX_BYTES);
	if ((rc = bundle_trust_load(ca_file, &store, err)) != PLUMB_OK ||
	    (rc = bundle_read(path, &der, err)) != PLUMB_OK)
		goto out;
	if ((rc = bundle_verify_mem(der.p, der.len, store, &v,
	    err)) != PLUMB_OK) {
		/* Prefix the file name, keeping the reason. */
		snprintf(reason, sizeof(reason), "%s",
		    err != NULL ? err->msg : "");
		plumb_err_set(err, rc, "%s: %s", path, reason);
		goto out;
	}
	*info = v.info;
out:
	bundle_verified_free(&v);
	X509_STORE_free(store);
	dynbuf_free(&der);
	return rc;
}

int
bundle_trust_load(const char *ca_file, X509_STORE **out,
    struct plumb_err *err)
{
	char ebuf[PLUMB_ERR_MSG_MAX - 64];

	/* The CA file and nothing else (no default paths). */
	if ((*out = X509_STORE_new()) == NULL ||
	    X509_STORE_load_file(*out, ca_file) != 1) {
		keyfile_ssl_error(ebuf, sizeof(ebuf));
		X509_STORE_free(*out);
		*out = NULL;
		return plumb_err_set(err, PLUMB_EIO, "%s: cannot load CA: %s",
		    ca_file, ebuf);
	}
	return PLUMB_OK;
}
