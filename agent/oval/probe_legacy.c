/*
 * probe_legacy.c - deprecated OVAL objects still found in real content,
 * collected through the probes of their replacements:
 *
 * - environmentvariable_object (deprecated in 5.8 for
 *   environmentvariable58_object): the variables of the agent's own
 *   environment, items with name and value only (the 5.8 object with a
 *   nil pid, the pid left out of the item);
 * - filehash_object (deprecated in 5.8 for filehash58_object): one item
 *   per file with both its md5 and sha1 digests, where filehash58 gives
 *   one item per hash_type.
 *
 * The replacement probe runs without the object's filters; the
 * converted items go through probe_emit, which applies them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/probe.h"

/* Field name of it, or NULL. */
static const struct oval_field *
legacy_field(const struct oval_item *it, const char *name)
{
	size_t pos = 0;

	return oval_item_field(it, name, &pos);
}

/* Copy field name of src (when it has it) into dst as field as. */
static int
legacy_copy(struct oval_item *dst, const struct oval_item *src,
    const char *name, const char *as)
{
	const struct oval_field *f = legacy_field(src, name);

	if (f == NULL)
		return PLUMB_OK;
	if (f->status != OVAL_ST_EXISTS || f->value == NULL)
		return oval_item_add_status(dst, as, f->dt, f->status);
	return oval_item_add(dst, as, f->dt, f->value);
}

/* Run the replacement probe type for req (entities ents) into *inner. */
static int
legacy_inner(const char *type, const struct probe_req *req,
    const struct probe_ent *ents, size_t nents, struct probe_result *res,
    struct probe_result *inner)
{
	const struct probe_ops *ops;
	struct probe_req r = *req;

	memset(inner, 0, sizeof(*inner));
	inner->flag = OVAL_FLAG_COMPLETE;
	if ((ops = probe_lookup(type)) == NULL)
		return probe_flag(res, OVAL_FLAG_NOT_COLLECTED,
		    "%s is not supported on this platform", req->type);
	r.type = type;
	r.ents = ents;
	r.nents = nents;
	return ops->collect(&r, inner);
}

/* Emit it when it was built whole (built), else drop it: ENOMEM. */
static int
legacy_emit(struct probe_result *res, struct oval_item *it, int built)
{
	if (!built) {
		oval_item_unref(it);
		return PLUMB_ENOMEM;
	}
	return probe_emit(res, it);
}

/* The flag and message of inner, when it says more than "complete". */
static void
legacy_flag(struct probe_result *res, const struct probe_result *inner)
{
	if (inner->flag != OVAL_FLAG_COMPLETE)
		probe_flag(res, inner->flag, "%s", inner->msg);
}

static int
legacy_env_collect(const struct probe_req *req, struct probe_result *res)
{
	struct probe_result inner;
	struct oval_item *it;
	size_t i;
	int rc;

	if ((rc = legacy_inner("environmentvariable58_object", req,
	    req->ents, req->nents, res, &inner)) != PLUMB_OK)
		goto out;
	for (i = 0; i < inner.items.n && rc == PLUMB_OK; i++) {
		it = oval_item_new(OVAL_NS_SC_IND, "environmentvariable_item");
		rc = legacy_emit(res, it, it != NULL &&
		    legacy_copy(it, inner.items.v[i], "name", "name") == 0 &&
		    legacy_copy(it, inner.items.v[i], "value", "value") == 0);
	}
	legacy_flag(res, &inner);
out:
	oval_item_list_clear(&inner.items);
	return rc;
}

/* The hash field of a filehash58 item whose hash_type is type, or NULL. */
static const char *
legacy_hash(const struct oval_item *it, const char *type)
{
	const struct oval_field *t = legacy_field(it, "hash_type");
	const struct oval_field *h = legacy_field(it, "hash");

	if (t == NULL || t->value == NULL || strcmp(t->value, type) != 0 ||
	    h == NULL)
		return NULL;
	return h->value;
}

static int
legacy_filehash_collect(const struct probe_req *req,
    struct probe_result *res)
{
	static const char *const types[] = { "MD5", "SHA-1" };
	static const struct oval_values ht_vals = {
	    OVAL_DT_STRING, (char **)(uintptr_t)types, 2, 2 };
	struct probe_ent *ents = NULL;
	struct probe_result inner;
	const struct oval_field *fp, *fq;
	const struct oval_item *a;
	struct oval_item *it;
	const char *md5, *sha1;
	size_t i, j;
	int rc;

	memset(&inner, 0, sizeof(inner));
	if ((ents = calloc(req->nents + 1, sizeof(*ents))) == NULL)
		return PLUMB_ENOMEM;
	memcpy(ents, req->ents, req->nents * sizeof(*ents));
	/* Both digests of the old item, and no other. */
	ents[req->nents].name = "hash_type";
	ents[req->nents].dt = OVAL_DT_STRING;
	ents[req->nents].op = OVAL_OP_EQUALS;
	ents[req->nents].var_check = OVAL_CHECK_AT_LEAST_ONE;
	ents[req->nents].vals = &ht_vals;
	if ((rc = legacy_inner("filehash58_object", req, ents, req->nents + 1,
	    res, &inner)) != PLUMB_OK)
		goto out;
	/* filehash58 gives a file's digests one after the other. */
	for (i = 0; i < inner.items.n && rc == PLUMB_OK; i = j) {
		a = inner.items.v[i];
		fp = legacy_field(a, "filepath");
		md5 = sha1 = NULL;
		for (j = i; j < inner.items.n; j++) {
			fq = legacy_field(inner.items.v[j], "filepath");
			if (fp == NULL || fq == NULL || fp->value == NULL ||
			    fq->value == NULL ||
			    strcmp(fp->value, fq->value) != 0)
				break;
			if (md5 == NULL)
				md5 = legacy_hash(inner.items.v[j], "MD5");
			if (sha1 == NULL)
				sha1 = legacy_hash(inner.items.v[j], "SHA-1");
		}
		if (j == i)
			j = i + 1;
		it = oval_item_new(OVAL_NS_SC_IND, "filehash_item");
		rc = legacy_emit(res, it, it != NULL &&
		    legacy_copy(it, a, "filepath", "filepath") == 0 &&
		    legacy_copy(it, a, "path", "path") == 0 &&
		    legacy_copy(it, a, "filename", "filename") == 0 &&
		    (md5 == NULL || oval_item_add(it, "md5", OVAL_DT_STRING,
		    md5) == 0) &&
		    (sha1 == NULL || oval_item_add(it, "sha1", OVAL_DT_STRING,
		    sha1) == 0));
	}
	legacy_flag(res, &inner);
out:
	oval_item_list_clear(&inner.items);
	free(ents);
	return rc;
}

const struct probe_ops probe_environmentvariable_ops = {
	.type = "environmentvariable_object",
	.family = "independent",
	.collect = legacy_env_collect,
};

const struct probe_ops probe_filehash_ops = {
	.type = "filehash_object",
	.family = "independent",
	.collect = legacy_filehash_collect,
};
