/*
 * store_texts.c - rule rationale and fix text (store.h "Rule texts").
 *
 * The texts belong to the content, not to a scan: a fleet of a thousand
 * hosts scanning the same data stream daily must not store them once
 * per result row.  But they come from agents, and an agent names the
 * content it scanned itself: texts keyed by the content's hash alone
 * would let one compromised agent put its own "fix" under every host's
 * rule view.  So the set of texts of a bundle is stored under its own
 * SHA-256 (table rule_texts, shared by every bundle that sent exactly
 * the same texts), and table host_texts says which set each host sent
 * last for each content and benchmark: a host's rule view shows only
 * texts its own agent sent.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "plumb/error.h"
#include "store.h"

/* Component "rule_texts": never edit an entry once released. */
static const struct store_migration store_texts_m[] = {
	{ 1,
	"CREATE TABLE rule_texts ("
	" texts_sha256 TEXT NOT NULL,"
	" rule_id TEXT NOT NULL,"
	" rationale TEXT,"
	" fixtext TEXT,"
	" PRIMARY KEY (texts_sha256, rule_id));"
	"CREATE TABLE host_texts ("
	" host TEXT NOT NULL,"
	" content_sha256 TEXT NOT NULL,"
	" benchmark_id TEXT NOT NULL,"
	" texts_sha256 TEXT NOT NULL,"
	" PRIMARY KEY (host, content_sha256, benchmark_id))" },
};

int
store_texts_migrate(struct store *s, struct plumb_err *err)
{
	return store_migrate(s, "rule_texts", store_texts_m,
	    sizeof(store_texts_m) / sizeof(store_texts_m[0]), err);
}

/* Feed one optional text: "-" when absent, else "=" and its bytes. */
static int
store_texts_feed(EVP_MD_CTX *md, const char *text)
{
	if (text == NULL)
		return EVP_DigestUpdate(md, "-", 2);
	return EVP_DigestUpdate(md, "=", 1) &&
	    EVP_DigestUpdate(md, text, strlen(text) + 1);
}

/*
 * SHA-256 (hex into hex, STORE_SHA256_HEX bytes) of the texts of the
 * rules that have one: rule id, rationale, fixtext, each NUL-ended, in
 * rule order.  0 when no rule has a text, 1 done, -1 on failure.
 */
static int
store_texts_digest(const struct store_rule *r, size_t n, char *hex)
{
	static const char xd[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0, k;
	EVP_MD_CTX *md;
	size_t i;
	int ok, any = 0;

	if ((md = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	for (i = 0; ok && i < n; i++) {
		if (r[i].rule_id == NULL || (r[i].rationale == NULL &&
		    r[i].fixtext == NULL))
			continue;
		any = 1;
		ok = EVP_DigestUpdate(md, r[i].rule_id,
		    strlen(r[i].rule_id) + 1) &&
		    store_texts_feed(md, r[i].rationale) &&
		    store_texts_feed(md, r[i].fixtext);
	}
	ok = ok && EVP_DigestFinal_ex(md, d, &dl) && dl == 32;
	EVP_MD_CTX_free(md);
	if (!ok)
		return -1;
	for (k = 0; k < dl; k++) {
		hex[2 * k] = xd[d[k] >> 4];
		hex[2 * k + 1] = xd[d[k] & 0xf];
	}
	hex[2 * dl] = '\0';
	return any;
}

/* Row callback: a row exists. */
static int
store_texts_any(void *arg, const char *const *vals, size_t ncols)
{
	(void)vals;
	(void)ncols;
	*(int *)arg = 1;
	return 1;
}

int
store_texts_insert(struct store *s, const struct store_bundle *b,
    const struct store_rule *rules, size_t nrules, struct plumb_err *err)
{
	char hex[STORE_SHA256_HEX];
	const char *p[4];
	size_t i;
	int rc, have = 0;

	switch (store_texts_digest(rules, nrules, hex)) {
	case 0:
		return PLUMB_OK;	/* an older agent, or no texts */
	case 1:
		break;
	default:
		return plumb_err_set(err, PLUMB_ENOMEM, "SHA-256 failed");
	}
	p[0] = hex;
	/* Sent before, by this host or another: only point at it. */
	if ((rc = store_query(s, "SELECT 1 FROM rule_texts WHERE"
	    " texts_sha256 = $1 LIMIT 1", p, 1, store_texts_any, &have, NULL,
	    err)) != 0)
		return rc;
	for (i = 0; i < nrules && !have; i++) {
		if (rules[i].rule_id == NULL || (rules[i].rationale == NULL &&
		    rules[i].fixtext == NULL))
			continue;
		p[1] = rules[i].rule_id;
		p[2] = rules[i].rationale;
		p[3] = rules[i].fixtext;
		/* A multi-check rule repeats its id: the first row wins. */
		if ((rc = store_query(s, "INSERT INTO rule_texts"
		    " (texts_sha256, rule_id, rationale, fixtext)"
		    " VALUES ($1, $2, $3, $4)"
		    " ON CONFLICT (texts_sha256, rule_id) DO NOTHING", p, 4,
		    NULL, NULL, NULL, err)) != 0)
			return rc;
	}
	p[0] = b->host;
	p[1] = b->content_sha256;
	p[2] = b->benchmark_id;
	p[3] = hex;
	return store_query(s, "INSERT INTO host_texts (host, content_sha256,"
	    " benchmark_id, texts_sha256) VALUES ($1, $2, $3, $4)"
	    " ON CONFLICT (host, content_sha256, benchmark_id)"
	    " DO UPDATE SET texts_sha256 = excluded.texts_sha256", p, 4, NULL,
	    NULL, NULL, err);
}

struct store_texts_out {
	char *rationale;
	char *fixtext;
	int nomem;
};

static int
store_texts_row(void *arg, const char *const *vals, size_t ncols)
{
	struct store_texts_out *o = arg;

	if (ncols < 2)
		return 1;
	if ((vals[0] != NULL && (o->rationale = strdup(vals[0])) == NULL) ||
	    (vals[1] != NULL && (o->fixtext = strdup(vals[1])) == NULL))
		o->nomem = 1;
	return 1;
}

int
store_texts_get(struct store *s, const struct store_bundle *b,
    const char *rule_id, char **rationale, char **fixtext,
    struct plumb_err *err)
{
	struct store_texts_out o;
	const char *p[4];
	int rc;

	*rationale = NULL;
	*fixtext = NULL;
	memset(&o, 0, sizeof(o));
	p[0] = b->host;
	p[1] = b->content_sha256;
	p[2] = b->benchmark_id;
	p[3] = rule_id;
	rc = store_query(s, "SELECT t.rationale, t.fixtext FROM host_texts h"
	    " JOIN rule_texts t ON t.texts_sha256 = h.texts_sha256"
	    " WHERE h.host = $1 AND h.content_sha256 = $2"
	    " AND h.benchmark_id = $3 AND t.rule_id = $4", p, 4,
	    store_texts_row, &o, NULL, err);
	if (rc == PLUMB_OK && o.nomem)
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	if (rc != PLUMB_OK) {
		free(o.rationale);
		free(o.fixtext);
		return rc;
	}
	*rationale = o.rationale;
	*fixtext = o.fixtext;
	return PLUMB_OK;
}
