/*
 * store_texts.c - rule rationale and fix text (store.h "Rule texts"):
 * one row per (content_sha256, benchmark_id, rule_id) in table
 * rule_texts.  The texts belong to the content, not to a scan: a fleet
 * of a thousand hosts scanning the same data stream daily stores them
 * once, not once per result row.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "plumb/error.h"
#include "store.h"

/* Component "rule_texts": never edit an entry once released. */
static const struct store_migration store_texts_m[] = {
	{ 1,
	"CREATE TABLE rule_texts ("
	" content_sha256 TEXT NOT NULL,"
	" benchmark_id TEXT NOT NULL,"
	" rule_id TEXT NOT NULL,"
	" rationale TEXT,"
	" fixtext TEXT,"
	" PRIMARY KEY (content_sha256, benchmark_id, rule_id))" },
};

int
store_texts_migrate(struct store *s, struct plumb_err *err)
{
	return store_migrate(s, "rule_texts", store_texts_m,
	    sizeof(store_texts_m) / sizeof(store_texts_m[0]), err);
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
	const char *p[5];
	size_t i;
	int rc, have = 0, any = 0;

	for (i = 0; i < nrules && !any; i++)
		any = rules[i].rationale != NULL || rules[i].fixtext != NULL;
	if (!any)
		return PLUMB_OK;	/* an older agent, or content without */
	p[0] = b->content_sha256;
	p[1] = b->benchmark_id;
	/* Same content, same texts: only its first bundle writes them. */
	if ((rc = store_query(s, "SELECT 1 FROM rule_texts WHERE"
	    " content_sha256 = $1 AND benchmark_id = $2 LIMIT 1", p, 2,
	    store_texts_any, &have, NULL, err)) != 0 || have)
		return rc;
	for (i = 0; i < nrules; i++) {
		if (rules[i].rule_id == NULL || (rules[i].rationale == NULL &&
		    rules[i].fixtext == NULL))
			continue;
		p[2] = rules[i].rule_id;
		p[3] = rules[i].rationale;
		p[4] = rules[i].fixtext;
		/* A multi-check rule repeats its id: the first row wins. */
		if ((rc = store_query(s, "INSERT INTO rule_texts"
		    " (content_sha256, benchmark_id, rule_id, rationale,"
		    " fixtext) VALUES ($1, $2, $3, $4, $5)"
		    " ON CONFLICT (content_sha256, benchmark_id, rule_id)"
		    " DO NOTHING", p, 5, NULL, NULL, NULL, err)) != 0)
			return rc;
	}
	return PLUMB_OK;
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
	const char *p[3];
	int rc;

	*rationale = NULL;
	*fixtext = NULL;
	memset(&o, 0, sizeof(o));
	p[0] = b->content_sha256;
	p[1] = b->benchmark_id;
	p[2] = rule_id;
	rc = store_query(s, "SELECT rationale, fixtext FROM rule_texts WHERE"
	    " content_sha256 = $1 AND benchmark_id = $2 AND rule_id = $3",
	    p, 3, store_texts_row, &o, NULL, err);
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
