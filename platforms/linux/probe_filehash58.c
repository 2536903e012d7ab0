/*
 * probe_filehash58.c - filehash58_object (independent): digests of
 * regular files with every hash_type the object's hash_type entity
 * accepts (MD5, SHA-1, SHA-224, SHA-256, SHA-384, SHA-512), computed in
 * one streaming read per file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "plumb/probe.h"
#include "common/hex.h"
#include "fsobj.h"

#define HASH_BUF	(64 * 1024)

static const struct {
	const char *oval;	/* hash_type spelling */
	const char *evp;	/* OpenSSL digest name */
} hash_types[] = {
	{ "MD5", "MD5" },
	{ "SHA-1", "SHA1" },
	{ "SHA-224", "SHA224" },
	{ "SHA-256", "SHA256" },
	{ "SHA-384", "SHA384" },
	{ "SHA-512", "SHA512" },
};
#define NHASH	(sizeof(hash_types) / sizeof(hash_types[0]))

struct hash_ctx {
	const struct probe_req	*req;
	struct probe_result	*res;
	int			 want[NHASH];
};

/* Digest f with every wanted type and add one item per type. */
static int
hash_file(const struct fsobj_file *f, void *arg)
{
	struct hash_ctx *c = arg;
	EVP_MD_CTX *md[NHASH] = { NULL };
	unsigned char buf[HASH_BUF], dig[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	struct plumb_err err;
	struct oval_item *it;
	unsigned int dlen;
	ssize_t r;
	size_t i;
	int fd, rc = PLUMB_ENOMEM;

	err.msg[0] = '\0';
	if ((fd = fsobj_open_regular(c->req->env->root, f, &err)) < 0) {
		if (fd == PLUMB_EIO)
			probe_flag(c->res, OVAL_FLAG_ERROR, "%s", err.msg);
		return PLUMB_OK;
	}
	for (i = 0; i < NHASH; i++) {
		if (!c->want[i])
			continue;
		if ((md[i] = EVP_MD_CTX_new()) == NULL)
			goto out;
		if (EVP_DigestInit_ex(md[i],
		    EVP_get_digestbyname(hash_types[i].evp), NULL) != 1) {
			rc = probe_flag(c->res, OVAL_FLAG_ERROR,
			    "digest %s is not available", hash_types[i].oval);
			goto out;
		}
	}
	for (;;) {
		r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = probe_flag(c->res, OVAL_FLAG_ERROR, "%s: %s",
			    f->filepath, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		for (i = 0; i < NHASH; i++)
			if (md[i] != NULL &&
			    EVP_DigestUpdate(md[i], buf, (size_t)r) != 1)
				goto out;
	}
	for (i = 0; i < NHASH; i++) {
		if (md[i] == NULL)
			continue;
		if (EVP_DigestFinal_ex(md[i], dig, &dlen) != 1)
			goto out;
		hex_encode(dig, dlen, hex);
		if ((it = oval_item_new(OVAL_NS_SC_IND, "filehash58_item")) ==
		    NULL ||
		    oval_item_add(it, "filepath", OVAL_DT_STRING,
		    f->filepath) != 0 ||
		    oval_item_add(it, "path", OVAL_DT_STRING, f->path) != 0 ||
		    oval_item_add(it, "filename", OVAL_DT_STRING,
		    f->filename) != 0 ||
		    oval_item_add(it, "hash_type", OVAL_DT_STRING,
		    hash_types[i].oval) != 0 ||
		    oval_item_add(it, "hash", OVAL_DT_STRING, hex) != 0) {
			oval_item_unref(it);
			goto out;
		}
		if (probe_emit(c->res, it) != 0)
			goto out;
	}
	rc = PLUMB_OK;
out:
	for (i = 0; i < NHASH; i++)
		EVP_MD_CTX_free(md[i]);
	close(fd);
	return rc;
}

static int
hash_collect(const struct probe_req *req, struct probe_result *res)
{
	const struct probe_ent *ht = probe_req_ent(req, "hash_type");
	struct hash_ctx c;
	struct plumb_err err;
	size_t i;
	int m, any = 0;

	memset(&c, 0, sizeof(c));
	c.req = req;
	c.res = res;
	for (i = 0; i < NHASH; i++) {
		if ((m = probe_ent_match(ht, hash_types[i].oval, &err)) < 0)
			return probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
		c.want[i] = m;
		any |= m;
	}
	if (!any)
		return PLUMB_OK;	/* no such hash type: nothing exists */
	return fsobj_walk(req, res, hash_file, &c);
}

const struct probe_ops probe_filehash58_ops = {
	.type = "filehash58_object",
	.family = "independent",
	.collect = hash_collect,
};
