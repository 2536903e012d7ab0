/*
 * summary.c - summary.json (docs/json-results.md) to store records,
 * with jansson.  Strict about the types the format defines, tolerant
 * of keys it does not know (the format allows additions in version 1).
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "plumb/error.h"
#include "store.h"
#include "summary.h"

#define SUMMARY_FORMAT	"plumb-xccdf-results"

/* RFC 3339 UTC with seconds ("2024-05-02T07:15:02Z") to time_t; 0 for
 * null or absent; -1 when malformed. */
static int
summary_time(json_t *v, time_t *out)
{
	struct tm tm;
	const char *s;
	char z;
	int n = 0;

	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z, &n) != 7 ||
	    z != 'Z' || s[n] != '\0' || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return 0;
}

/* Copy an optional string member (absent or null: ""); -1 when it is
 * another type. */
static int
summary_str(json_t *obj, const char *key, char *dst, size_t size)
{
	json_t *v = obj != NULL ? json_object_get(obj, key) : NULL;

	dst[0] = '\0';
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	snprintf(dst, size, "%s", json_string_value(v));
	return 0;
}

/* An optional string member as an allocated copy (NULL when absent or
 * null); -1 for another type or no memory. */
static int
summary_dup(json_t *obj, const char *key, char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	return (*out = strdup(json_string_value(v))) == NULL ? -1 : 0;
}

/* An array member as compact JSON text ("[]" when absent); -1 when it
 * is not an array or no memory. */
static int
summary_array_text(json_t *obj, const char *key, char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return (*out = strdup("[]")) == NULL ? -1 : 0;
	if (!json_is_array(v))
		return -1;
	*out = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_ENSURE_ASCII);
	return *out == NULL ? -1 : 0;
}

/* One entry of "rules"; what says which field was wrong. */
static int
summary_rule(json_t *o, struct store_rule *r, const char **what)
{
	json_t *w;

	if (!json_is_object(o)) {
		*what = "not an object";
		return -1;
	}
	if (!json_is_string(json_object_get(o, "id")) ||
	    summary_dup(o, "id", &r->rule_id) != 0) {
		*what = "id";
		return -1;
	}
	if (!json_is_string(json_object_get(o, "result")) ||
	    summary_dup(o, "result", &r->result) != 0) {
		*what = "result";
		return -1;
	}
	w = json_object_get(o, "weight");
	if (w != NULL && !json_is_null(w) && !json_is_number(w)) {
		*what = "weight";
		return -1;
	}
	r->weight = w != NULL && json_is_number(w) ? json_number_value(w) :
	    1.0;
	if (summary_dup(o, "title", &r->title) != 0)
		*what = "title";
	else if (summary_dup(o, "severity", &r->severity) != 0)
		*what = "severity";
	else if (summary_dup(o, "role", &r->role) != 0)
		*what = "role";
	else if (summary_dup(o, "items_digest", &r->items_digest) != 0)
		*what = "items_digest";
	else if (summary_dup(o, "message", &r->message) != 0)
		*what = "message";
	else if (summary_dup(o, "rationale", &r->rationale) != 0)
		*what = "rationale";
	else if (summary_dup(o, "fixtext", &r->fixtext) != 0)
		*what = "fixtext";
	else if (summary_array_text(o, "references", &r->references) != 0)
		*what = "references";
	else if (summary_array_text(o, "idents", &r->idents) != 0)
		*what = "idents";
	else if (summary_array_text(o, "oval_definitions",
	    &r->oval_definitions) != 0)
		*what = "oval_definitions";
	else
		return 0;
	return -1;
}

/* "counts": every result name an unsigned integer (absent: 0). */
static int
summary_counts(json_t *c, struct store_counts *out)
{
	static const struct {
		const char *name;
		size_t off;
	} f[] = {
		{ "pass", offsetof(struct store_counts, pass) },
		{ "fail", offsetof(struct store_counts, fail) },
		{ "error", offsetof(struct store_counts, error) },
		{ "unknown", offsetof(struct store_counts, unknown) },
		{ "notapplicable",
		    offsetof(struct store_counts, notapplicable) },
		{ "notchecked", offsetof(struct store_counts, notchecked) },
		{ "notselected", offsetof(struct store_counts, notselected) },
		{ "informational",
		    offsetof(struct store_counts, informational) },
		{ "fixed", offsetof(struct store_counts, fixed) },
	};
	json_t *v;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (c == NULL || json_is_null(c))
		return 0;
	if (!json_is_object(c))
		return -1;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if ((v = json_object_get(c, f[i].name)) == NULL)
			continue;
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 0x7fffffff)
			return -1;
		*(unsigned *)((char *)out + f[i].off) =
		    (unsigned)json_integer_value(v);
	}
	return 0;
}

/* "scores": up to STORE_NSCORES {"system","score","max"}. */
static int
summary_scores(json_t *a, struct store_bundle *b)
{
	json_t *e, *sc, *mx;
	size_t i;

	b->nscores = 0;
	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return -1;
	json_array_foreach(a, i, e) {
		if (!json_is_object(e) ||
		    !json_is_string(json_object_get(e, "system")))
			return -1;
		sc = json_object_get(e, "score");
		mx = json_object_get(e, "max");
		if ((sc != NULL && !json_is_null(sc) && !json_is_number(sc)) ||
		    (mx != NULL && !json_is_null(mx) && !json_is_number(mx)))
			return -1;
		if (b->nscores == STORE_NSCORES)
			continue;	/* a model added later: not indexed */
		snprintf(b->scores[b->nscores].system,
		    sizeof(b->scores[b->nscores].system), "%s",
		    json_string_value(json_object_get(e, "system")));
		b->scores[b->nscores].score = json_is_number(sc) ?
		    json_number_value(sc) : 0;
		b->scores[b->nscores].max = json_is_number(mx) ?
		    json_number_value(mx) : 0;
		b->nscores++;
	}
	return 0;
}

int
summary_parse(const unsigned char *data, size_t len,
    struct store_bundle *b, struct store_rule **rules, size_t *nrules,
    struct plumb_err *err)
{
	return summary_parse_max(data, len, SUMMARY_MAX_RULES, b, rules,
	    nrules, err);
}

/*
 * More than max rule results?  A scan of the bytes, before jansson
 * builds the whole tree (tens of bytes of memory per byte of input),
 * counting the objects of the root object's "rules" array.  A key
 * written with escapes is not recognised here; jansson's count after
 * the parse still catches it.
 */
static int
summary_rules_over(const unsigned char *p, size_t len, size_t max)
{
	const unsigned char *s = NULL;
	size_t i, n = 0;
	int depth = 0, in_str = 0, esc = 0, key_rules = 0, in_rules = 0;

	for (i = 0; i < len; i++) {
		if (in_str) {
			if (esc)
				esc = 0;
			else if (p[i] == '\\')
				esc = 1;
			else if (p[i] == '"') {
				in_str = 0;
				/* A string in the root object: maybe a key. */
				if (depth == 1)
					key_rules = p + i - s == 5 &&
					    memcmp(s, "rules", 5) == 0;
			}
			continue;
		}
		switch (p[i]) {
		case '"':
			in_str = 1;
			s = p + i + 1;
			break;
		case '[':
			if (depth == 1 && key_rules)
				in_rules = 1;
			depth++;
			break;
		case '{':
			if (depth == 2 && in_rules && ++n > max)
				return 1;
			depth++;
			break;
		case ']':
		case '}':
			depth--;
			if (depth == 1)
				in_rules = 0;
			break;
		default:
			break;
		}
	}
	return 0;
}

int
summary_parse_max(const unsigned char *data, size_t len, size_t max_rules,
    struct store_bundle *b, struct store_rule **rules, size_t *nrules,
    struct plumb_err *err)
{
	struct store_rule *r = NULL;
	json_error_t je;
	json_t *root = NULL, *v, *content, *profile, *tool, *arr, *e;
	const char *what = NULL;
	size_t i, n = 0;
	int rc;

	*rules = NULL;
	*nrules = 0;
	if (max_rules > SUMMARY_MAX_RULES)
		max_rules = SUMMARY_MAX_RULES;
	if (summary_rules_over(data, len, max_rules))
		return plumb_err_set(err, PLUMB_ELIMIT, "summary.json: more "
		    "than %zu rule results", max_rules);
	if ((root = json_loadb((const char *)data, len,
	    JSON_REJECT_DUPLICATES, &je)) == NULL) {
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "summary.json: line %d: %s", je.line, je.text);
		goto out;
	}
	if (!json_is_object(root) ||
	    !json_is_string(v = json_object_get(root, "format")) ||
	    strcmp(json_string_value(v), SUMMARY_FORMAT) != 0 ||
	    !json_is_integer(v = json_object_get(root, "version")) ||
	    json_integer_value(v) != 1) {
		rc = plumb_err_set(err, PLUMB_EPARSE, "summary.json: not "
		    "format \"%s\" version 1", SUMMARY_FORMAT);
		goto out;
	}
	tool = json_object_get(root, "tool");
	content = json_object_get(root, "content");
	profile = json_object_get(root, "profile");
	if ((content != NULL && !json_is_object(content)) ||
	    (profile != NULL && !json_is_null(profile) &&
	    !json_is_object(profile)) ||
	    (tool != NULL && !json_is_object(tool)))
		what = "tool, content or profile";
	else if (summary_str(tool, "version", b->tool_version,
	    sizeof(b->tool_version)) != 0)
		what = "tool.version";
	else if (summary_str(content, "sha256", b->content_sha256,
	    sizeof(b->content_sha256)) != 0)
		what = "content.sha256";
	else if (summary_str(content, "benchmark_id", b->benchmark_id,
	    sizeof(b->benchmark_id)) != 0 ||
	    summary_str(content, "benchmark_version", b->benchmark_version,
	    sizeof(b->benchmark_version)) != 0)
		what = "content.benchmark_*";
	else if (summary_str(json_is_object(profile) ? profile : NULL, "id",
	    b->profile_id, sizeof(b->profile_id)) != 0 ||
	    summary_str(json_is_object(profile) ? profile : NULL, "title",
	    b->profile_title, sizeof(b->profile_title)) != 0)
		what = "profile";
	else if (summary_time(json_object_get(root, "start_time"),
	    &b->start_time) != 0 ||
	    summary_time(json_object_get(root, "end_time"),
	    &b->end_time) != 0)
		what = "start_time/end_time";
	else if ((v = json_object_get(root, "platform_applicable")) != NULL &&
	    !json_is_boolean(v))
		what = "platform_applicable";
	else if (summary_scores(json_object_get(root, "scores"), b) != 0)
		what = "scores";
	else if (summary_counts(json_object_get(root, "counts"),
	    &b->counts) != 0)
		what = "counts";
	if (what != NULL) {
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "summary.json: bad %s", what);
		goto out;
	}
	b->platform_applicable = v == NULL || json_is_true(v);
	/* A scan of a directory tree (plumb scan --root) says so; absent
	 * for a scan of the host itself. */
	if (summary_str(root, "target_root", b->target_root,
	    sizeof(b->target_root)) != 0) {
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "summary.json: bad target_root");
		goto out;
	}
	arr = json_object_get(root, "rules");
	if (arr != NULL && !json_is_array(arr)) {
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "summary.json: rules is not an array");
		goto out;
	}
	n = arr != NULL ? json_array_size(arr) : 0;
	if (n > max_rules) {
		rc = plumb_err_set(err, PLUMB_ELIMIT,
		    "summary.json: %zu rule results, more than %zu", n,
		    max_rules);
		n = 0;
		goto out;
	}
	if (n > 0 && (r = calloc(n, sizeof(*r))) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		n = 0;
		goto out;
	}
	for (i = 0; i < n; i++) {
		e = json_array_get(arr, i);
		r[i].seq = (unsigned)i;
		if (summary_rule(e, &r[i], &what) != 0) {
			rc = plumb_err_set(err, PLUMB_EPARSE,
			    "summary.json: rules[%zu]: bad %s", i, what);
			goto out;
		}
	}
	*rules = r;
	*nrules = n;
	r = NULL;
	rc = PLUMB_OK;
out:
	store_rules_free(r, n);
	json_decref(root);
	return rc;
}

/* Cut s (UTF-8) to at most max bytes, at a character boundary. */
static void
summary_cut(char *s, size_t max)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) <= max)
		return;
	n = max;
	/* Back over continuation bytes (10xxxxxx) to a lead byte. */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	s[n] = '\0';
}

void
summary_texts_cap(struct store_rule *r, size_t n, size_t max)
{
	size_t i;

	for (i = 0; r != NULL && i < n; i++) {
		summary_cut(r[i].rationale, max);
		summary_cut(r[i].fixtext, max);
	}
}
