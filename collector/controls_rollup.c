/*
 * controls_rollup.c - the per-scan control rollups (controls.h): one
 * row per control a stored bundle's rules map onto, made by the
 * store's insert hook and rebuilt when the control set changed, and
 * the rule id lists (JSON arrays) those rows hold.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "plumb/error.h"
#include "controls.h"
#include "controls_int.h"
#include "store.h"

#define CONTROLS_ROLL_CHUNK	64	/* rollup rows per INSERT */

/* Component "controls": never edit an applied migration, add one.
 * Each stored bundle has a marker row (framework and control_id "")
 * and one row per control its rules map onto, all with the digest of
 * the control set that made them: a bundle without a marker of the
 * current digest gets its rollups (again) in controls_attach(). */
static const struct store_migration controls_migrations[] = {
	{ 1,
	  "CREATE TABLE control_rollups ("
	  " bundle_id INTEGER NOT NULL REFERENCES bundles(id)"
	  "  ON DELETE CASCADE,"
	  " framework TEXT NOT NULL,"
	  " control_id TEXT NOT NULL,"
	  " passed INTEGER NOT NULL,"
	  " rules TEXT NOT NULL,"
	  " failing TEXT NOT NULL,"
	  " digest TEXT NOT NULL,"
	  " PRIMARY KEY (bundle_id, framework, control_id));" },
};

int
controls_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add a copy of s to the list *v of *n unless present; 0 or -1. */
int
controls_strlist_add(char ***v, size_t *n, const char *s)
{
	char **nv;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return 0;
	if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL)
		return -1;
	*v = nv;
	if ((nv[*n] = strdup(s)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* Add the strings of the JSON array text to the list; 0 or -1 (out of
 * memory).  Text that is not such an array adds nothing. */
int
controls_strlist_json(char ***v, size_t *n, const char *text)
{
	json_t *a;
	size_t i;
	int rc = 0;

	if ((a = json_loads(text, 0, NULL)) == NULL)
		return 0;
	for (i = 0; json_is_array(a) && i < json_array_size(a) && rc == 0;
	    i++)
		if (json_is_string(json_array_get(a, i)))
			rc = controls_strlist_add(v, n, json_string_value(
			    json_array_get(a, i)));
	json_decref(a);
	return rc;
}

/* A JSON array of n strings (NULL on allocation failure). */
json_t *
controls_json_strings(char *const *v, size_t n)
{
	json_t *a;
	size_t i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, json_string(v[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* One control's rollup of one scan while it is computed. */
struct controls_roll {
	unsigned char mapped, passed;
	char **rules, **failing;	/* rule ids, in scan order */
	size_t nrules, nfailing;
};

static void
controls_rolls_clear(struct controls_roll *r, size_t n)
{
	size_t i;

	for (i = 0; r != NULL && i < n; i++) {
		store_strings_free(r[i].rules, r[i].nrules);
		store_strings_free(r[i].failing, r[i].nfailing);
		memset(&r[i], 0, sizeof(r[i]));
	}
}

/* Fold one rule result into r (controls_count() entries); hit is
 * scratch of as many bytes.  0, or -1 when out of memory. */
static int
controls_roll_add(const struct controls *c, unsigned char *hit,
    struct controls_roll *r, const char *rule_id, const char *result,
    const char *refs)
{
	size_t i, n = controls_count(c);
	int bad, good;

	memset(hit, 0, n);
	controls_match(c, rule_id, refs, hit, NULL);
	bad = strcmp(result, "fail") == 0 || strcmp(result, "error") == 0;
	good = strcmp(result, "pass") == 0 || strcmp(result, "fixed") == 0;
	for (i = 0; i < n; i++) {
		if (!hit[i])
			continue;
		r[i].mapped = 1;
		if (good)
			r[i].passed = 1;
		if (controls_strlist_add(&r[i].rules, &r[i].nrules,
		    rule_id) != 0 || (bad && controls_strlist_add(
		    &r[i].failing, &r[i].nfailing, rule_id) != 0))
			return -1;
	}
	return 0;
}

/* A list as compact JSON text (allocated); NULL when out of memory. */
static char *
controls_list_text(char *const *v, size_t n)
{
	json_t *a;
	char *t;

	if ((a = controls_json_strings(v, n)) == NULL)
		return NULL;
	t = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return t;
}

/* Send the rollup rows gathered in sql/p (n rows; sql NULL: drop them);
 * frees their texts. */
static int
controls_roll_flush(struct store *s, char *sql, const char **p, char **texts,
    size_t *n, struct plumb_err *err)
{
	size_t i;
	int rc = PLUMB_OK;

	if (sql != NULL && *n > 0)
		rc = store_query(s, sql, p, 2 + 5 * *n, NULL, NULL, NULL, err);
	for (i = 0; i < 2 * *n; i++) {
		free(texts[i]);
		texts[i] = NULL;
	}
	*n = 0;
	return rc;
}

/*
 * Write the rollups of bundle id, r, made with control set c (fresh: a
 * bundle being stored, which has none yet; else they are replaced):
 * the marker row first, CONTROLS_ROLL_CHUNK rows a statement, so that
 * a bundle usually costs one round trip on a database server.
 */
static int
controls_roll_write(const struct controls *c, struct store *s,
    const char *id, const struct controls_roll *r, int fresh,
    struct plumb_err *err)
{
	static const char head[] = "INSERT INTO control_rollups (bundle_id, "
	    "framework, control_id, passed, rules, failing, digest) VALUES ";
	const char *p[2 + 5 * CONTROLS_ROLL_CHUNK];
	char *texts[2 * CONTROLS_ROLL_CHUNK];
	char sql[sizeof(head) + CONTROLS_ROLL_CHUNK * 56], digest[17];
	size_t i, n = 0, off = 0, k;
	int rc = PLUMB_OK;

	memset(texts, 0, sizeof(texts));
	snprintf(digest, sizeof(digest), "%016llx",
	    (unsigned long long)controls_digest(c));
	p[0] = id;
	p[1] = digest;
	if (!fresh && (rc = store_query(s, "DELETE FROM control_rollups "
	    "WHERE bundle_id = $1", p, 1, NULL, NULL, NULL, err)) != PLUMB_OK)
		return rc;
	/* i = count: the marker. */
	for (i = 0; i <= controls_count(c) && rc == PLUMB_OK; i++) {
		if (i < controls_count(c) && !r[i].mapped)
			continue;
		if (n == 0)
			off = (size_t)snprintf(sql, sizeof(sql), "%s", head);
		k = 2 + 5 * n;
		if (i == controls_count(c)) {
			p[k] = p[k + 1] = "";
			p[k + 2] = "0";
			p[k + 3] = p[k + 4] = "[]";
		} else if ((texts[2 * n] = controls_list_text(r[i].rules,
		    r[i].nrules)) == NULL || (texts[2 * n + 1] =
		    controls_list_text(r[i].failing, r[i].nfailing)) == NULL) {
			n++;
			rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
			break;
		} else {
			p[k] = controls_at(c, i)->framework;
			p[k + 1] = controls_at(c, i)->id;
			p[k + 2] = r[i].passed ? "1" : "0";
			p[k + 3] = texts[2 * n];
			p[k + 4] = texts[2 * n + 1];
		}
		off += (size_t)snprintf(sql + off, sizeof(sql) - off,
		    "%s($1, $%zu, $%zu, $%zu, $%zu, $%zu, $2)", n > 0 ? ", " :
		    "", k + 1, k + 2, k + 3, k + 4, k + 5);
		if (++n == CONTROLS_ROLL_CHUNK)
			rc = controls_roll_flush(s, sql, p, texts, &n, err);
	}
	if (rc == PLUMB_OK)
		return controls_roll_flush(s, sql, p, texts, &n, err);
	(void)controls_roll_flush(s, NULL, p, texts, &n, err);
	return rc;
}

/* store_insert_hook: the rollups of a bundle being stored. */
static int
controls_hook(void *arg, struct store *s, const char *id,
    const struct store_bundle *b, const struct store_rule *rules,
    size_t nrules, struct plumb_err *err)
{
	const struct controls *c = arg;
	struct controls_roll *roll;
	unsigned char *hit;
	size_t i, n = controls_count(c);
	int rc = PLUMB_OK;

	(void)b;
	hit = calloc(n + 1, 1);
	roll = calloc(n + 1, sizeof(*roll));
	if (hit == NULL || roll == NULL)
		goto nomem;
	for (i = 0; i < nrules; i++)
		if (rules[i].rule_id != NULL && rules[i].result != NULL &&
		    controls_roll_add(c, hit, roll, rules[i].rule_id,
		    rules[i].result, rules[i].references) != 0)
			goto nomem;
	rc = controls_roll_write(c, s, id, roll, 1, err);
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	controls_rolls_clear(roll, n);
	free(roll);
	free(hit);
	return rc;
}

/* Bundle ids without up-to-date rollups, and the rollups of one of
 * them made from its rule rows. */
struct controls_rebuild {
	const struct controls *c;
	struct store_strings ids;
	unsigned char *hit;
	struct controls_roll *roll;
	int nomem;
};

/* Row: rule_id, result, refs. */
static int
controls_rebuild_rule(void *arg, const char *const *v, size_t ncols)
{
	struct controls_rebuild *rb = arg;

	if (ncols != 3 || v[0] == NULL || v[1] == NULL)
		return 0;
	if (controls_roll_add(rb->c, rb->hit, rb->roll, v[0], v[1],
	    v[2]) != 0) {
		rb->nomem = 1;
		return 1;
	}
	return 0;
}

int
controls_attach(struct controls *c, struct store *s, struct plumb_err *err)
{
	struct controls_rebuild rb;
	const char *p[1];
	char digest[17];
	size_t i, n = controls_count(c);
	int rc;

	memset(&rb, 0, sizeof(rb));
	rb.c = c;
	if ((rc = store_migrate(s, "controls", controls_migrations,
	    sizeof(controls_migrations) / sizeof(controls_migrations[0]),
	    err)) != PLUMB_OK)
		return rc;
	if ((rb.hit = calloc(n + 1, 1)) == NULL ||
	    (rb.roll = calloc(n + 1, sizeof(*rb.roll))) == NULL)
		goto nomem;
	snprintf(digest, sizeof(digest), "%016llx",
	    (unsigned long long)controls_digest(c));
	p[0] = digest;
	if ((rc = store_tx_begin(s, err)) != PLUMB_OK)
		goto out;
	if ((rc = store_query(s, "SELECT b.id FROM bundles b WHERE NOT EXISTS "
	    "(SELECT 1 FROM control_rollups r WHERE r.bundle_id = b.id AND "
	    "r.framework = '' AND r.control_id = '' AND r.digest = $1) "
	    "ORDER BY b.id", p, 1, store_strings_row, &rb.ids, NULL, err)) !=
	    PLUMB_OK)
		goto fail;
	if (rb.ids.nomem)
		goto nomem;
	for (i = 0; i < rb.ids.n; i++) {
		p[0] = rb.ids.v[i];
		if ((rc = store_query(s, "SELECT rule_id, result, refs FROM "
		    "rule_results WHERE bundle_id = CAST($1 AS INTEGER) "
		    "ORDER BY seq", p, 1, controls_rebuild_rule, &rb, NULL,
		    err)) != PLUMB_OK)
			goto fail;
		if (rb.nomem)
			goto nomem;
		if ((rc = controls_roll_write(c, s, rb.ids.v[i], rb.roll, 0,
		    err)) != PLUMB_OK)
			goto fail;
		controls_rolls_clear(rb.roll, n);
	}
	if ((rc = store_tx_commit(s, err)) != PLUMB_OK)
		goto fail;
	store_set_insert_hook(controls_hook, c);
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
fail:
	store_tx_rollback(s);
out:
	store_strings_free(rb.ids.v, rb.ids.n);
	controls_rolls_clear(rb.roll, n);
	free(rb.roll);
	free(rb.hit);
	return rc;
}
