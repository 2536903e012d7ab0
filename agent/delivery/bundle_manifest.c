/*
 * bundle_manifest.c - manifest.json, the first member of a bundle's
 * archive: written when a bundle is made, parsed (hostile until the
 * members check out) and checked against every member when one is
 * verified (bundle_manifest.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "plumb/error.h"
#include "common/dynbuf.h"
#include "common/hex.h"
#include "common/pjson.h"
#include "bundle.h"
#include "bundle_manifest.h"
#include "bundle_tar.h"

/* What the manifest says about one member. */
struct bundle_listed {
	char name[BUNDLE_TAR_NAME_MAX + 1];
	uint64_t size;
	char sha256[65];
};

struct bundle_manifest {
	char format[32];
	char uuid[BUNDLE_UUID_LEN + 1];
	char host[256];
	char created[32];
	char target_root[BUNDLE_ROOT_MAX];
	struct bundle_listed m[BUNDLE_TAR_MEMBERS_MAX];
	size_t n;
};

/* SHA-256 of data as 64 lowercase hex digits into out[65]. */
int
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

/* Printable ASCII only: the host id ends up in JSON and in reports. */
int
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

static void
bundle_iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
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
bundle_manifest_member(struct pjson_rd *j, struct bundle_listed *l)
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
				    m->n == BUNDLE_TAR_MEMBERS_MAX ||
				    bundle_manifest_member(&j, &m->m[m->n]) != 0)
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

/* Check the archive members against the (verified) manifest. */
int
bundle_check_manifest(const unsigned char *tar, size_t len,
    struct bundle_info *info, struct plumb_err *err)
{
	struct bundle_found found[BUNDLE_TAR_MEMBERS_MAX];
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
