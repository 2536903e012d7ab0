/*
 * xccdf_items.c - walk the OVAL items behind a rule result and digest
 * them (see xccdf_items.h and docs/json-results.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "plumb/error.h"
#include "common/grow.h"
#include "common/hex.h"
#include "plumb/item.h"
#include "plumb/oval_types.h"
#include "oval_doc.h"
#include "oval_eval.h"
#include "oval_result.h"
#include "xccdf.h"
#include "xccdf_items.h"

/* Domain separator hashed before the items: bump with the format. */
#define DIGEST_MAGIC	"plumb-items-digest-v1\n"

struct walk {
	struct xccdf_rule_items *ri;
	const struct oval_session *s;
	const struct oval_doc *doc;
	const struct oval_def_res **seen;	/* definitions walked */
	size_t nseen, cseen;
};

static int
add_def(struct xccdf_rule_items *ri, const char *id)
{
	size_t i;

	for (i = 0; i < ri->ndefs; i++)
		if (strcmp(ri->defs[i], id) == 0)
			return PLUMB_OK;
	if (grow_array(&ri->defs, ri->ndefs, &ri->cdefs,
	    sizeof(*ri->defs), 16) != 0)
		return PLUMB_ENOMEM;
	ri->defs[ri->ndefs++] = id;
	return PLUMB_OK;
}

static int
is_bad(enum oval_result r)
{
	return r == OVAL_R_FALSE || r == OVAL_R_ERROR || r == OVAL_R_UNKNOWN;
}

/* Record test n (once per parity) and the items of its object. */
static int
add_test(struct walk *w, const struct oval_node *n, const char *def_id,
    int neg)
{
	struct xccdf_rule_items *ri = w->ri;
	const struct oval_tst_res *tr;
	struct xccdf_test_use *tu;
	struct xccdf_item_use *iu;
	enum oval_result r;
	size_t i, ti;

	for (i = 0; i < ri->ntests; i++)
		if (ri->tests[i].test == n && ri->tests[i].negated == neg)
			return PLUMB_OK;
	if (grow_array(&ri->tests, ri->ntests, &ri->ctests,
	    sizeof(*ri->tests), 16) != 0)
		return PLUMB_ENOMEM;
	tr = oval_session_tst(w->s, n);
	ti = ri->ntests++;
	tu = &ri->tests[ti];
	memset(tu, 0, sizeof(*tu));
	tu->test = n;
	tu->res = tr;
	tu->def_id = def_id;
	tu->negated = neg;
	if (tr == NULL)
		return PLUMB_OK;
	tu->failing = is_bad(neg ? oval_result_negate(tr->r) : tr->r);
	if (tr->obj == NULL)
		return PLUMB_OK;
	for (i = 0; i < tr->obj->items.n; i++) {
		if (grow_array(&ri->items, ri->nitems, &ri->citems,
		    sizeof(*ri->items), 16) != 0)
			return PLUMB_ENOMEM;
		iu = &ri->items[ri->nitems++];
		memset(iu, 0, sizeof(*iu));
		iu->item = tr->obj->items.v[i];
		iu->test = ti;
		if (tr->item_r != NULL) {
			iu->has_result = 1;
			iu->r = tr->item_r[i];
			r = neg ? oval_result_negate(iu->r) : iu->r;
			iu->offending = tu->failing && is_bad(r);
		} else
			iu->offending = tu->failing;
	}
	return PLUMB_OK;
}

static int walk_def(struct walk *, const struct oval_def_res *, const char *,
    int, int);

/* One criteria / criterion / extend_definition, neg: parity so far. */
static int
walk_crit(struct walk *w, const struct oval_crit *cr, const char *def_id,
    int neg, int depth)
{
	const struct oval_node *n;
	const struct oval_def_res *dr;
	const char *ref;
	size_t i;
	int rc;

	if (cr->node == NULL || depth > XCCDF_ITEMS_MAX_DEPTH)
		return PLUMB_OK;
	if (oval_attr_true(cr->node, "negate"))
		neg = !neg;
	if (oval_is(cr->node, "criteria")) {
		for (i = 0; i < cr->nkids; i++)
			if ((rc = walk_crit(w, &cr->kids[i], def_id, neg,
			    depth + 1)) != PLUMB_OK)
				return rc;
	} else if (oval_is(cr->node, "criterion")) {
		ref = oval_attr(cr->node, "test_ref");
		n = ref != NULL ? oval_doc_get(w->doc, ref) : NULL;
		if (n != NULL && n->kind == OVAL_K_TST)
			return add_test(w, n, def_id, neg);
	} else if (oval_is(cr->node, "extend_definition")) {
		ref = oval_attr(cr->node, "definition_ref");
		n = ref != NULL ? oval_doc_get(w->doc, ref) : NULL;
		if (n != NULL && n->kind == OVAL_K_DEF &&
		    (dr = oval_session_def(w->s, n)) != NULL)
			return walk_def(w, dr, def_id, neg, depth + 1);
	}
	return PLUMB_OK;
}

/* A definition's criteria, each definition once per walk (a cycle or
 * a diamond of extend_definitions is followed only the first time). */
static int
walk_def(struct walk *w, const struct oval_def_res *dr, const char *def_id,
    int neg, int depth)
{
	size_t i;

	for (i = 0; i < w->nseen; i++)
		if (w->seen[i] == dr)
			return PLUMB_OK;
	if (grow_array(&w->seen, w->nseen, &w->cseen,
	    sizeof(*w->seen), 16) != 0)
		return PLUMB_ENOMEM;
	w->seen[w->nseen++] = dr;
	return walk_crit(w, &dr->crit, def_id, neg, depth);
}

/* One check or complex-check result. */
static int
walk_check(struct walk *w, const struct xccdf_check_res *cr, int neg)
{
	const struct oval_def_res *dr;
	const struct oval_node *n;
	size_t i, cnt;
	int rc;

	if (cr->check != NULL && cr->check->negate)
		neg = !neg;
	if (cr->check != NULL && cr->check->complex) {
		for (i = 0; i < cr->nkids; i++)
			if ((rc = walk_check(w, &cr->kids[i], neg)) != PLUMB_OK)
				return rc;
		return PLUMB_OK;
	}
	if (cr->comp == NULL || cr->comp->doc == NULL ||
	    cr->comp->session == NULL)
		return PLUMB_OK;
	w->s = cr->comp->session;
	w->doc = cr->comp->doc;
	/* Definitions are memoised per session: a new session, a new walk. */
	w->nseen = 0;
	if (cr->def_id != NULL) {
		if (add_def(w->ri, cr->def_id) != PLUMB_OK)
			return PLUMB_ENOMEM;
		n = oval_doc_get(w->doc, cr->def_id);
		if (n == NULL || n->kind != OVAL_K_DEF ||
		    (dr = oval_session_def(w->s, n)) == NULL)
			return PLUMB_OK;
		return walk_def(w, dr, cr->def_id, neg, 0);
	}
	/* A check-content-ref without a name: every definition, ANDed. */
	cnt = oval_doc_count(w->doc, OVAL_K_DEF);
	for (i = 0; i < cnt; i++) {
		n = oval_doc_nth(w->doc, OVAL_K_DEF, i);
		if ((dr = oval_session_def(w->s, n)) == NULL)
			continue;
		if (add_def(w->ri, n->id) != PLUMB_OK)
			return PLUMB_ENOMEM;
		w->nseen = 0;
		if ((rc = walk_def(w, dr, n->id, neg, 0)) != PLUMB_OK)
			return rc;
	}
	return PLUMB_OK;
}

int
xccdf_rule_items(const struct xccdf_rule_res *rr,
    struct xccdf_rule_items *out, struct plumb_err *err)
{
	struct walk w;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	w.ri = out;
	rc = walk_check(&w, &rr->check, 0);
	free(w.seen);
	if (rc != PLUMB_OK)
		return plumb_err_set(err, rc, "out of memory");
	return PLUMB_OK;
}

void
xccdf_rule_items_clear(struct xccdf_rule_items *ri)
{
	if (ri == NULL)
		return;
	free(ri->defs);
	free(ri->tests);
	free(ri->items);
	memset(ri, 0, sizeof(*ri));
}

/* ------------------------------------------------------------ digest */

struct sbuf {
	char *p;
	size_t n;
	size_t cap;
	int oom;
};

static void
sb_put(struct sbuf *b, const char *s, size_t len)
{
	char *np;
	size_t ncap;

	if (b->oom)
		return;
	if (b->cap - b->n < len + 1) {
		ncap = b->cap == 0 ? 256 : b->cap;
		while (ncap - b->n < len + 1)
			ncap *= 2;
		if ((np = realloc(b->p, ncap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
}

static void
sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

/* A token of the canonical text: bytes that could be read as a
 * separator (space, controls, '%', DEL) as %XX, everything else as is. */
static void
sb_enc(struct sbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char esc[3];

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p <= 0x20 || *p == '%' || *p == 0x7f) {
			esc[0] = '%';
			esc[1] = hex[*p >> 4];
			esc[2] = hex[*p & 0xf];
			sb_put(b, esc, 3);
		} else
			sb_put(b, (const char *)p, 1);
	}
}

/* "KIND NAME DATATYPE STATUS =VALUE" or "... -" (no value). */
static void
sb_field(struct sbuf *b, const char *kind, const struct oval_field *f)
{
	sb_str(b, kind);
	sb_str(b, " ");
	sb_enc(b, f->name);
	sb_str(b, " ");
	sb_enc(b, oval_datatype_name(f->dt));
	sb_str(b, " ");
	sb_enc(b, oval_status_name(f->status));
	if (f->value != NULL) {
		sb_str(b, " =");
		sb_enc(b, f->value);
		sb_str(b, "\n");
	} else
		sb_str(b, " -\n");
}

/* The canonical text of one item (docs/json-results.md). */
static void
item_text(struct sbuf *b, const struct oval_item *it)
{
	size_t i, k;

	sb_str(b, "item ");
	sb_enc(b, it->ns != NULL ? it->ns : "");
	sb_str(b, " ");
	sb_enc(b, it->type != NULL ? it->type : "");
	sb_str(b, " ");
	sb_enc(b, oval_status_name(it->status));
	sb_str(b, "\n");
	for (i = 0; i < it->nfields; i++) {
		sb_field(b, "field", &it->fields[i]);
		for (k = 0; k < it->fields[i].nsub; k++)
			sb_field(b, "sub", &it->fields[i].sub[k]);
	}
	sb_str(b, "end\n");
}

struct text {
	size_t off;
	size_t len;
	const char *p;		/* set once the buffer stops moving */
};

static int
text_cmp(const void *a, const void *b)
{
	const struct text *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if ((c = memcmp(x->p, y->p, n)) != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

int
xccdf_items_digest(const struct oval_item *const *items, size_t n,
    char out[XCCDF_DIGEST_STRLEN], struct plumb_err *err)
{
	struct sbuf b = { NULL, 0, 0, 0 };
	struct text *t = NULL;
	EVP_MD_CTX *md = NULL;
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	size_t k;
	int rc = PLUMB_OK;

	out[0] = '\0';
	if (n == 0)
		return PLUMB_OK;
	if ((t = calloc(n, sizeof(*t))) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	for (k = 0; k < n; k++) {
		t[k].off = b.n;
		item_text(&b, items[k]);
		t[k].len = b.n - t[k].off;
	}
	if (b.oom) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	for (k = 0; k < n; k++)
		t[k].p = b.p + t[k].off;
	qsort(t, n, sizeof(*t), text_cmp);
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(md, DIGEST_MAGIC, strlen(DIGEST_MAGIC)) != 1) {
		rc = plumb_err_set(err, PLUMB_EIO, "SHA-256 unavailable");
		goto out;
	}
	for (k = 0; k < n; k++) {
		if (k > 0 && text_cmp(&t[k - 1], &t[k]) == 0)
			continue;	/* the same item twice */
		if (EVP_DigestUpdate(md, t[k].p, t[k].len) != 1) {
			rc = plumb_err_set(err, PLUMB_EIO, "SHA-256 failed");
			goto out;
		}
	}
	if (EVP_DigestFinal_ex(md, dig, &dlen) != 1 || dlen != 32) {
		rc = plumb_err_set(err, PLUMB_EIO, "SHA-256 failed");
		goto out;
	}
	memcpy(out, "sha256:", 7);
	hex_encode(dig, dlen, out + 7);
out:
	EVP_MD_CTX_free(md);
	free(t);
	free(b.p);
	return rc;
}

int
xccdf_rule_items_digest(const struct xccdf_rule_items *ri,
    char out[XCCDF_DIGEST_STRLEN], struct plumb_err *err)
{
	const struct oval_item **v;
	size_t i;
	int rc;

	out[0] = '\0';
	if (ri->nitems == 0)
		return PLUMB_OK;
	if ((v = calloc(ri->nitems, sizeof(*v))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	for (i = 0; i < ri->nitems; i++)
		v[i] = ri->items[i].item;
	rc = xccdf_items_digest(v, ri->nitems, out, err);
	free(v);
	return rc;
}

/* ------------------------------------------------------------- UTF-8 */

size_t
xccdf_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned int cp, min;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}
