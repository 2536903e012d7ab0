/*
 * oval_func.c - local_variable components and functions (OVAL 5.11
 * oval-definitions-schema: ComponentGroup and the *FunctionType
 * annotations).  Every component yields a list of values; functions
 * with several arguments work on the cartesian product of their
 * arguments' values.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "plumb/error.h"
#include "common/regex_limits.h"
#include "plumb/values.h"
#include "oval_doc.h"
#include "oval_func.h"

#define FUNC_MAX_DEPTH	64		/* elements on one component path */
#define FUNC_MAX_VALUES	1000000		/* cap on one component's values */
#define FUNC_MAX_ARGS	4096		/* components of one function */

struct fctx {
	const struct oval_func_env *env;
	struct plumb_err *err;
	int depth;
};

static int func_eval(struct fctx *, xmlNodePtr, enum oval_datatype,
    struct oval_values *);

/* Record an error about element n (its line and name) and return code. */
static int
func_fail(struct fctx *c, int code, xmlNodePtr n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
func_fail(struct fctx *c, int code, xmlNodePtr n, const char *fmt, ...)
{
	char msg[PLUMB_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return plumb_err_set(c->err, code, "line %ld: <%s>: %s",
	    xmlGetLineNo(n), (const char *)n->name, msg);
}

/* Append s (owned; NULL means allocation failed) to out, within the cap. */
static int
func_add(struct fctx *c, struct oval_values *out, char *s)
{
	if (s != NULL && out->n >= FUNC_MAX_VALUES) {
		free(s);
		return plumb_err_set(c->err, PLUMB_ELIMIT,
		    "a variable has more than %d values", FUNC_MAX_VALUES);
	}
	if (oval_values_take(out, s) != 0)
		return plumb_err_set(c->err, PLUMB_ENOMEM, "out of memory");
	return PLUMB_OK;
}

static char *
func_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
func_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static void
func_free_args(struct oval_values *args, size_t n)
{
	size_t i;

	if (args == NULL)
		return;
	for (i = 0; i < n; i++)
		oval_values_clear(&args[i]);
	free(args);
}

/*
 * Evaluate the component children of fn into a new array *argsp of
 * *nargs lists (free with func_free_args).  The arity (min..max, max 0
 * for the schema's "unbounded") is checked before anything is
 * evaluated; on error nothing is left allocated.
 */
static int
func_args(struct fctx *c, xmlNodePtr fn, enum oval_datatype dt,
    struct oval_values **argsp, size_t *nargs, size_t min, size_t max)
{
	struct oval_values *args;
	xmlNodePtr a;
	size_t count = 0;
	int rc;

	*argsp = NULL;
	*nargs = 0;
	count = xmlChildElementCount(fn);
	if (count < min)
		return func_fail(c, PLUMB_EINVAL, fn, "needs %s%zu component%s",
		    min == max ? "" : "at least ", min, min == 1 ? "" : "s");
	if (max != 0 && count > max)
		return func_fail(c, PLUMB_EINVAL, fn, "takes %s%zu component%s",
		    min == max ? "exactly " : "at most ", max,
		    max == 1 ? "" : "s");
	if (count > FUNC_MAX_ARGS)
		return func_fail(c, PLUMB_ELIMIT, fn, "more than %d "
		    "components", FUNC_MAX_ARGS);
	if ((args = calloc(count, sizeof(*args))) == NULL)
		return plumb_err_set(c->err, PLUMB_ENOMEM, "out of memory");
	for (a = oval_elem(fn->children); a; a = oval_elem(a->next)) {
		if ((rc = func_eval(c, a, dt, &args[*nargs])) != 0) {
			func_free_args(args, *nargs);
			*nargs = 0;
			return rc;
		}
		(*nargs)++;
	}
	*argsp = args;
	return PLUMB_OK;
}

/*
 * Step idx through the cartesian product of the arguments' values, the
 * last argument varying fastest; returns 0 once every combination was
 * visited.
 */
static int
func_next_combo(size_t *idx, const struct oval_values *args, size_t n)
{
	size_t i = n;

	while (i-- > 0) {
		if (++idx[i] < args[i].n)
			return 1;
		idx[i] = 0;
	}
	return 0;
}

/* A product with an empty factor is empty: no result at all. */
static int
func_any_empty(const struct oval_values *args, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (args[i].n == 0)
			return 1;
	return 0;
}

/* Length in bytes of the UTF-8 character at s; 1 for a stray byte. */
static size_t
func_u8len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i;

	if (*p < 0xc0)
		return 1;
	n = *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : *p < 0xf8 ? 4 : 1;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/* ------------------------------------------------------------ numbers */

static int
func_parse_int(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return end != s && *end == '\0' && errno == 0 ? 0 : -1;
}

static int
func_parse_float(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return end != s && *end == '\0' && errno == 0 && isfinite(*v) ?
	    0 : -1;
}

/*
 * arithmetic: add or multiply one value of each argument, for every
 * combination.  Integers stay exact (overflow is an error); a float
 * argument, a float variable, or a value that is only readable as a
 * float (the FunctionGroup's "a cast should be attempted") makes the
 * whole computation float.
 */
static int
func_arithmetic(struct fctx *c, xmlNodePtr fn, enum oval_datatype dt,
    struct oval_values *out)
{
	struct oval_values *args = NULL;
	size_t *idx = NULL, n = 0, i, k;
	const char *op = oval_attr(fn, "arithmetic_operation");
	int mul, flt = dt == OVAL_DT_FLOAT, rc;
	long long iv, iacc;
	double fv, facc;

	if (op == NULL || (strcmp(op, "add") != 0 &&
	    strcmp(op, "multiply") != 0))
		return func_fail(c, PLUMB_EINVAL, fn,
		    "arithmetic_operation must be add or multiply");
	mul = strcmp(op, "multiply") == 0;
	if ((rc = func_args(c, fn, dt, &args, &n, 2, 0)) != 0)
		return rc;
	if ((idx = calloc(n, sizeof(*idx))) == NULL) {
		rc = plumb_err_set(c->err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (args[i].dt == OVAL_DT_FLOAT)
			flt = 1;
		for (k = 0; k < args[i].n; k++) {
			if (func_parse_int(args[i].v[k], &iv) == 0)
				continue;
			if (func_parse_float(args[i].v[k], &fv) != 0) {
				rc = func_fail(c, PLUMB_EINVAL, fn, "'%.64s' is "
				    "not a number", args[i].v[k]);
				goto out;
			}
			flt = 1;
		}
	}
	if (func_any_empty(args, n))
		goto out;
	do {
		iacc = mul ? 1 : 0;
		facc = mul ? 1.0 : 0.0;
		for (i = 0; i < n; i++) {
			const char *v = args[i].v[idx[i]];

			if (flt) {
				(void)func_parse_float(v, &fv);
				facc = mul ? facc * fv : facc + fv;
				if (!isfinite(facc)) {
					rc = func_fail(c, PLUMB_EINVAL, fn,
					    "the result overflows");
					goto out;
				}
			} else {
				(void)func_parse_int(v, &iv);
				if (mul ? __builtin_mul_overflow(iacc, iv, &iacc) :
				    __builtin_add_overflow(iacc, iv, &iacc)) {
					rc = func_fail(c, PLUMB_EINVAL, fn,
					    "the result overflows");
					goto out;
				}
			}
		}
		if ((rc = func_add(c, out, flt ? func_printf("%.15g", facc) :
		    func_printf("%lld", iacc))) != 0)
			goto out;
	} while (func_next_combo(idx, args, n));
	out->dt = flt ? OVAL_DT_FLOAT : OVAL_DT_INT;
out:
	free(idx);
	func_free_args(args, n);
	return rc;
}

/* ------------------------------------------------------------ strings */

/* concat: one value of each argument joined, for every combination. */
static int
func_concat(struct fctx *c, xmlNodePtr fn, struct oval_values *out)
{
	struct oval_values *args = NULL;
	size_t *idx = NULL, n = 0, i, len, off;
	char *s;
	int rc;

	if ((rc = func_args(c, fn, OVAL_DT_STRING, &args, &n, 2, 0)) != 0)
		return rc;
	if ((idx = calloc(n, sizeof(*idx))) == NULL) {
		rc = plumb_err_set(c->err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	if (func_any_empty(args, n))
		goto out;
	do {
		for (len = 1, i = 0; i < n; i++)
			len += strlen(args[i].v[idx[i]]);
		if ((s = malloc(len)) == NULL) {
			rc = plumb_err_set(c->err, PLUMB_ENOMEM,
			    "out of memory");
			goto out;
		}
		for (off = 0, i = 0; i < n; i++) {
			len = strlen(args[i].v[idx[i]]);
			memcpy(s + off, args[i].v[idx[i]], len);
			off += len;
		}
		s[off] = '\0';
		if ((rc = func_add(c, out, s)) != 0)
			goto out;
	} while (func_next_combo(idx, args, n));
	out->dt = OVAL_DT_STRING;
out:
	free(idx);
	func_free_args(args, n);
	return rc;
}

/*
 * The attributes of a function of one string component (begin, end,
 * split, substring, escape_regex, glob_to_regex, regex_capture), as
 * its function for one value needs them.
 */
struct func_str {
	const char		*s;	/* character, delimiter, pattern */
	size_t			 len;	/* of s */
	int			 flag;	/* end (not begin), glob_noescape */
	long long		 start, count;	/* substring */
	pcre2_code		*re;	/* regex_capture */
	pcre2_match_data	*md;
	pcre2_match_context	*mctx;
};

/* What such a function does with one value v: add its results to out. */
typedef int (*func_str_fn)(struct fctx *c, xmlNodePtr fn,
    const struct func_str *a, const char *v, struct oval_values *out);

/*
 * Evaluate fn's one string component and call each for every value in
 * order, stopping at the first error; the values are strings.
 */
static int
func_map(struct fctx *c, xmlNodePtr fn, const struct func_str *a,
    func_str_fn each, struct oval_values *out)
{
	struct oval_values *arg;
	size_t n, i;
	int rc;

	if ((rc = func_args(c, fn, OVAL_DT_STRING, &arg, &n, 1, 1)) != 0)
		return rc;
	for (i = 0; i < arg->n && rc == 0; i++)
		rc = each(c, fn, a, arg->v[i], out);
	out->dt = OVAL_DT_STRING;
	func_free_args(arg, n);
	return rc;
}

/* begin / end: make sure each value starts / ends with the string. */
static int
func_affix_one(struct fctx *c, xmlNodePtr fn, const struct func_str *a,
    const char *v, struct oval_values *out)
{
	size_t lv = strlen(v);
	char *s;

	(void)fn;
	if (lv >= a->len && memcmp(a->flag ? v + lv - a->len : v, a->s,
	    a->len) == 0)
		s = strdup(v);
	else
		s = a->flag ? func_printf("%s%s", v, a->s) :
		    func_printf("%s%s", a->s, v);
	return func_add(c, out, s);
}

static int
func_affix(struct fctx *c, xmlNodePtr fn, struct oval_values *out, int end)
{
	struct func_str a = { 0 };

	if ((a.s = oval_attr(fn, "character")) == NULL)
		return func_fail(c, PLUMB_EINVAL, fn,
		    "the character attribute is required");
	a.len = strlen(a.s);
	a.flag = end;
	return func_map(c, fn, &a, func_affix_one, out);
}

/* count: how many values all the components have together ("0" too). */
static int
func_count(struct fctx *c, xmlNodePtr fn, struct oval_values *out)
{
	struct oval_values *args;
	size_t n = 0, i, total = 0;
	int rc;

	if ((rc = func_args(c, fn, OVAL_DT_STRING, &args, &n, 1, 0)) != 0)
		return rc;
	for (i = 0; i < n; i++)
		total += args[i].n;
	out->dt = OVAL_DT_INT;
	rc = func_add(c, out, func_printf("%zu", total));
	func_free_args(args, n);
	return rc;
}

/*
 * unique: the values of all components without duplicates, compared as
 * strings (byte for byte), in order of first appearance.
 */
static int
func_unique(struct fctx *c, xmlNodePtr fn, enum oval_datatype dt,
    struct oval_values *out)
{
	struct oval_values *args;
	size_t n = 0, i, k, j;
	int rc, seen;

	if ((rc = func_args(c, fn, dt, &args, &n, 1, 0)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		for (k = 0; k < args[i].n; k++) {
			for (seen = 0, j = 0; j < out->n && !seen; j++)
				seen = strcmp(out->v[j], args[i].v[k]) == 0;
			if (!seen && (rc = func_add(c, out,
			    strdup(args[i].v[k]))) != 0)
				goto out;
		}
	}
out:
	func_free_args(args, n);
	return rc;
}

/*
 * split: each value cut at every occurrence of the delimiter, keeping
 * empty pieces (the schema's "-a-a-" gives "", "a", "a", "").  An empty
 * delimiter splits into single (UTF-8) characters.
 */
static int
func_split_one(struct fctx *c, xmlNodePtr fn, const struct func_str *a,
    const char *p, struct oval_values *out)
{
	const char *q;
	size_t cl;
	int rc = PLUMB_OK;

	(void)fn;
	if (a->len == 0) {
		if (*p == '\0')
			rc = func_add(c, out, strdup(""));
		for (; *p != '\0' && rc == 0; p += cl) {
			cl = func_u8len(p);
			rc = func_add(c, out, strndup(p, cl));
		}
		return rc;
	}
	for (; (q = strstr(p, a->s)) != NULL; p = q + a->len)
		if ((rc = func_add(c, out, strndup(p, (size_t)(q - p)))) != 0)
			return rc;
	return func_add(c, out, strdup(p));
}

static int
func_split(struct fctx *c, xmlNodePtr fn, struct oval_values *out)
{
	struct func_str a = { 0 };

	if ((a.s = oval_attr(fn, "delimiter")) == NULL)
		return func_fail(c, PLUMB_EINVAL, fn,
		    "the delimiter attribute is required");
	a.len = strlen(a.s);
	return func_map(c, fn, &a, func_split_one, out);
}

/*
 * substring: characters (UTF-8 code points) from substring_start
 * (1-based; below 1 means 1) for substring_length characters (negative
 * or too long means to the end).  A start past the end of a value is
 * an error, as the schema says.
 */
static int
func_substring_one(struct fctx *c, xmlNodePtr fn, const struct func_str *a,
    const char *v, struct oval_values *out)
{
	long long nch, k;
	const char *p, *b;

	for (nch = 0, p = v; *p != '\0'; p += func_u8len(p))
		nch++;
	if (a->start > nch)
		return func_fail(c, PLUMB_EINVAL, fn, "substring_start %lld "
		    "is past the end of '%.64s' (%lld characters)",
		    a->start, v, nch);
	for (k = 1, b = v; k < a->start; k++)
		b += func_u8len(b);
	for (k = 0, p = b; *p != '\0' && (a->count < 0 || k < a->count); k++)
		p += func_u8len(p);
	return func_add(c, out, strndup(b, (size_t)(p - b)));
}

static int
func_substring(struct fctx *c, xmlNodePtr fn, struct oval_values *out)
{
	const char *sa = oval_attr(fn, "substring_start");
	const char *la = oval_attr(fn, "substring_length");
	struct func_str a = { 0 };

	if (sa == NULL || la == NULL || func_parse_int(sa, &a.start) != 0 ||
	    func_parse_int(la, &a.count) != 0)
		return func_fail(c, PLUMB_EINVAL, fn,
		    "substring_start and substring_length must be integers");
	if (a.start < 1)
		a.start = 1;
	return func_map(c, fn, &a, func_substring_one, out);
}

/* The schema's Perl metacharacters: '^$\.[](){}*+?|'. */
static const char func_meta[] = "^$\\.[](){}*+?|";

/* escape_regex: a backslash before every metacharacter. */
static int
func_escape_one(struct fctx *c, xmlNodePtr fn, const struct func_str *a,
    const char *v, struct oval_values *out)
{
	const char *p;
	char *s, *q;

	(void)fn;
	(void)a;
	if ((s = malloc(strlen(v) * 2 + 1)) == NULL)
		return plumb_err_set(c->err, PLUMB_ENOMEM, "out of memory");
	for (q = s, p = v; *p; p++) {
		if (strchr(func_meta, *p) != NULL)
			*q++ = '\\';
		*q++ = *p;
	}
	*q = '\0';
	return func_add(c, out, s);
}

static int
func_escape_regex(struct fctx *c, xmlNodePtr fn, struct oval_values *out)
{
	struct func_str a = { 0 };

	return func_map(c, fn, &a, func_escape_one, out);
}

/*
 * Copy the bracket expression starting at g (on '[') as a regex class
 * to *qp; returns the glob character after its ']' or NULL when it is
 * not closed (the schema's "[ab" is invalid).  "!" or "^" first
 * negates, "]" first is literal, "[:class:]" passes through.
 */
static const char *
func_glob_bracket(const char *g, int noescape, char **qp)
{
	const char *p = g + 1, *e;
	char *q = *qp;

	*q++ = '[';
	if (*p == '!' || *p == '^') {
		*q++ = '^';
		p++;
	}
	if (*p == ']') {
		*q++ = '\\';
		*q++ = *p++;
	}
	for (; *p != ']'; p++) {
		if (*p == '\0')
			return NULL;
		if (p[0] == '[' && p[1] == ':' &&
		    (e = strstr(p + 2, ":]")) != NULL) {
			memcpy(q, p, (size_t)(e + 2 - p));
			q += e + 2 - p;
			p = e + 1;
		} else if (*p == '\\' && !noescape) {
			if (*++p == '\0')
				return NULL;
			*q++ = '\\';
			*q++ = *p;
		} else {
			if (*p == '\\' || *p == '[')
				*q++ = '\\';
			*q++ = *p;
		}
	}
	*q++ = ']';
	*qp = q;
	return p + 1;
}

/*
 * Shell glob to Perl regex, following the schema's table: anchored;
 * '*' is [^/]* and '?' is [^/]; a wildcard that starts a path component
 * does not match a leading dot ((?=[^.]) before '*', [^./] for '?');
 * brackets stay classes; everything else is literal.  Without
 * glob_noescape a backslash makes the next character literal; with it
 * a backslash is itself a literal character (and so does not start a
 * path component).  Returns NULL on a bad glob (*bad set) or ENOMEM.
 */
static char *
func_glob_to_regex(const char *g, int noescape, int *bad)
{
	size_t cap = strlen(g) * 16 + 8;
	char *r, *q;
	const char *p;
	int comp_start = 1;

	*bad = 0;
	if ((q = r = malloc(cap)) == NULL)
		return NULL;
	*q++ = '^';
	for (p = g; *p; ) {
		switch (*p) {
		case '\\':
			if (!noescape && p[1] != '\0')
				p++;
			if (strchr(func_meta, *p) != NULL)
				*q++ = '\\';
			*q++ = *p++;
			break;
		case '*':
			if (comp_start)
				q += sprintf(q, "(?=[^.])");
			q += sprintf(q, "[^/]*");
			p++;
			break;
		case '?':
			q += sprintf(q, comp_start ? "[^./]" : "[^/]");
			p++;
			break;
		case '[':
			if ((p = func_glob_bracket(p, noescape, &q)) == NULL) {
				free(r);
				*bad = 1;
				return NULL;
			}
			break;
		default:
			if (strchr(func_meta, *p) != NULL)
				*q++ = '\\';
			*q++ = *p++;
			break;
		}
		comp_start = p[-1] == '/';
	}
	*q++ = '$';
	*q = '\0';
	return r;
}

static int
func_glob_one(struct fctx *c, xmlNodePtr fn, const struct func_str *a,
    const char *v, struct oval_values *out)
{
	char *s;
	int bad;

	if ((s = func_glob_to_regex(v, a->flag, &bad)) == NULL && bad)
		return func_fail(c, PLUMB_EINVAL, fn, "'%.64s' is not a "
		    "valid glob (a '[' is not closed)", v);
	return func_add(c, out, s);
}

static int
func_glob(struct fctx *c, xmlNodePtr fn, struct oval_values *out)
{
	struct func_str a = { 0 };

	a.flag = oval_attr_true(fn, "glob_noescape");
	return func_map(c, fn, &a, func_glob_one, out);
}

/*
 * regex_capture: for each value, the first capturing group of the first
 * match; "" when nothing matches, when the pattern has no group, or the
 * group did not take part.  UTF-8 patterns are compiled in UTF mode,
 * as pattern match does.
 */
static int
func_capture_one(struct fctx *c, xmlNodePtr fn, const struct func_str *a,
    const char *v, struct oval_values *out)
{
	PCRE2_UCHAR emsg[128];
	PCRE2_SIZE *ov;
	int m;

	m = pcre2_match(a->re, (PCRE2_SPTR)v, PCRE2_ZERO_TERMINATED, 0, 0,
	    a->md, a->mctx);
	if (m < 0 && m != PCRE2_ERROR_NOMATCH) {
		pcre2_get_error_message(m, emsg, sizeof(emsg));
		return func_fail(c, (m == PCRE2_ERROR_MATCHLIMIT ||
		    m == PCRE2_ERROR_DEPTHLIMIT ||
		    m == PCRE2_ERROR_HEAPLIMIT) ? PLUMB_ELIMIT :
		    PLUMB_EINVAL, fn, "pattern '%.64s' on '%.64s': %s",
		    a->s, v, (const char *)emsg);
	}
	ov = pcre2_get_ovector_pointer(a->md);
	if (m >= 2 && ov[2] != PCRE2_UNSET)
		return func_add(c, out, strndup(v + ov[2], ov[3] - ov[2]));
	return func_add(c, out, strdup(""));
}

static int
func_regex_capture(struct fctx *c, xmlNodePtr fn, struct oval_values *out)
{
	struct func_str a = { 0 };
	PCRE2_SIZE eoff = 0;
	PCRE2_UCHAR emsg[128];
	int rc, ecode = 0;

	if ((a.s = oval_attr(fn, "pattern")) == NULL)
		return func_fail(c, PLUMB_EINVAL, fn,
		    "the pattern attribute is required");
	a.re = pcre2_compile((PCRE2_SPTR)a.s, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ecode, &eoff, NULL);
	if (a.re == NULL && ecode < 0)	/* the pattern is not UTF-8 */
		a.re = pcre2_compile((PCRE2_SPTR)a.s, PCRE2_ZERO_TERMINATED, 0,
		    &ecode, &eoff, NULL);
	if (a.re == NULL) {
		if (pcre2_get_error_message(ecode, emsg, sizeof(emsg)) < 0)
			snprintf((char *)emsg, sizeof(emsg), "error %d", ecode);
		return func_fail(c, PLUMB_EINVAL, fn, "pattern '%.64s' does not "
		    "compile at offset %zu: %s", a.s, (size_t)eoff,
		    (const char *)emsg);
	}
	if ((a.md = pcre2_match_data_create_from_pattern(a.re, NULL)) ==
	    NULL || (a.mctx = pcre2_match_context_create(NULL)) == NULL) {
		rc = plumb_err_set(c->err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	regex_limits_apply(a.mctx);
	rc = func_map(c, fn, &a, func_capture_one, out);
out:
	pcre2_match_context_free(a.mctx);
	pcre2_match_data_free(a.md);
	pcre2_code_free(a.re);
	return rc;
}

/* ------------------------------------------------------ time_difference */

static const char *const func_months[] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};

static const char *const func_formats[] = {
	"year_month_day", "month_day_year", "day_month_year",
	"win_filetime", "seconds_since_epoch", "cim_datetime"
};

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long
func_days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* Seconds since the epoch of a UTC date and time, checked for range. */
static int
func_mktime(int y, int mo, int d, int h, int mi, int s, long long *out)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || s < 0 || s > 60)
		return -1;
	*out = func_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + s;
	return 0;
}

/* Exactly n decimal digits at *p into *v. */
static int
func_digits(const char **p, int n, int *v)
{
	int i;

	for (*v = 0, i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

/* The optional " hh:mm:ss" ending a date, then the end of the string. */
static int
func_hms(const char *p, int *h, int *mi, int *s)
{
	*h = *mi = *s = 0;
	if (*p == '\0')
		return 0;
	if (*p++ != ' ' || func_digits(&p, 2, h) != 0 || *p++ != ':' ||
	    func_digits(&p, 2, mi) != 0 || *p++ != ':' ||
	    func_digits(&p, 2, s) != 0 || *p != '\0')
		return -1;
	return 0;
}

/* "aa?bb?yyyy[ hh:mm:ss]" with ? one of '/' and '-' (the same twice). */
static int
func_dmy(const char *p, int *a, int *b, int *y, int *h, int *mi, int *s)
{
	char sep;

	if (func_digits(&p, 2, a) != 0 || (*p != '/' && *p != '-'))
		return -1;
	sep = *p++;
	if (func_digits(&p, 2, b) != 0 || *p++ != sep ||
	    func_digits(&p, 4, y) != 0)
		return -1;
	return func_hms(p, h, mi, s);
}

/* "yyyymmdd", "yyyymmddThhmmss", "yyyy/mm/dd[ hh:mm:ss]", "yyyy-mm-dd..." */
static int
func_ymd(const char *p, long long *out)
{
	int y, mo, d, h = 0, mi = 0, s = 0;
	char sep;

	if (func_digits(&p, 4, &y) != 0)
		return -1;
	if (*p == '/' || *p == '-') {
		sep = *p++;
		if (func_digits(&p, 2, &mo) != 0 || *p++ != sep ||
		    func_digits(&p, 2, &d) != 0 || func_hms(p, &h, &mi,
		    &s) != 0)
			return -1;
	} else {
		if (func_digits(&p, 2, &mo) != 0 ||
		    func_digits(&p, 2, &d) != 0)
			return -1;
		if (*p == 'T') {
			p++;
			if (func_digits(&p, 2, &h) != 0 ||
			    func_digits(&p, 2, &mi) != 0 ||
			    func_digits(&p, 2, &s) != 0)
				return -1;
		}
		if (*p != '\0')
			return -1;
	}
	return func_mktime(y, mo, d, h, mi, s, out);
}

/* month_day_year: numeric, or "[Abbreviated]NameOfMonth, dd yyyy..." */
static int
func_mdy(const char *p, long long *out)
{
	int y, mo, d, h, mi, s;
	size_t len, k;

	if (isdigit((unsigned char)*p)) {
		if (func_dmy(p, &mo, &d, &y, &h, &mi, &s) != 0)
			return -1;
		return func_mktime(y, mo, d, h, mi, s, out);
	}
	for (len = 0; isalpha((unsigned char)p[len]); len++)
		;
	if (len < 3)
		return -1;
	for (k = 0; k < 12; k++)
		if ((len == 3 || len == strlen(func_months[k])) &&
		    strncasecmp(p, func_months[k], len) == 0)
			break;
	if (k == 12)
		return -1;
	p += len;
	if (*p++ != ',' || *p++ != ' ' || func_digits(&p, 2, &d) != 0 ||
	    *p++ != ' ' || func_digits(&p, 4, &y) != 0 ||
	    func_hms(p, &h, &mi, &s) != 0)
		return -1;
	return func_mktime(y, (int)k + 1, d, h, mi, s, out);
}

/*
 * win_filetime: 100 ns ticks since 1601-01-01 UTC.  Windows items carry
 * it as a decimal integer; a value with "0x" or hexadecimal letters is
 * read as hexadecimal (the form some tools print).
 */
static int
func_filetime(const char *v, long long *out)
{
	unsigned long long ft;
	const char *p = v;
	char *end;
	int base = 10;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[strspn(p, "0123456789")] != '\0')
		base = 16;
	if (!isxdigit((unsigned char)*p))
		return -1;
	errno = 0;
	ft = strtoull(p, &end, base);
	if (*end != '\0' || errno != 0)
		return -1;
	*out = (long long)(ft / 10000000ULL) - 11644473600LL;
	return 0;
}

/*
 * cim_datetime: "yyyymmddHHMMSS.mmmmmmsUUU", sUUU being the offset from
 * UTC in minutes (subtracted to get UTC), or the WQL form
 * "yyyy-mm-dd HH:MM:SS[:mmm]" (taken as UTC).
 */
static int
func_cim(const char *p, long long *out)
{
	int y, mo, d, h, mi, s, frac, off;
	char sign;

	if (func_digits(&p, 4, &y) != 0)
		return -1;
	if (*p == '-') {
		p++;
		if (func_digits(&p, 2, &mo) != 0 || *p++ != '-' ||
		    func_digits(&p, 2, &d) != 0 || *p++ != ' ' ||
		    func_digits(&p, 2, &h) != 0 || *p++ != ':' ||
		    func_digits(&p, 2, &mi) != 0 || *p++ != ':' ||
		    func_digits(&p, 2, &s) != 0)
			return -1;
		if (*p == ':' && (p++, func_digits(&p, 3, &frac) != 0))
			return -1;
		if (*p != '\0')
			return -1;
		return func_mktime(y, mo, d, h, mi, s, out);
	}
	if (func_digits(&p, 2, &mo) != 0 || func_digits(&p, 2, &d) != 0 ||
	    func_digits(&p, 2, &h) != 0 || func_digits(&p, 2, &mi) != 0 ||
	    func_digits(&p, 2, &s) != 0 || *p++ != '.' ||
	    func_digits(&p, 6, &frac) != 0 || (*p != '+' && *p != '-'))
		return -1;
	sign = *p++;
	if (func_digits(&p, 3, &off) != 0 || *p != '\0' ||
	    func_mktime(y, mo, d, h, mi, s, out) != 0)
		return -1;
	*out -= (sign == '-' ? -1 : 1) * (long long)off * 60;
	return 0;
}

/*
 * Seconds since the epoch of v written in format fmt (already checked
 * to be a DateTimeFormatEnumeration value).  Dates without a zone are
 * taken as UTC, like the schema's "current time (UTC)".
 */
static int
func_to_seconds(const char *fmt, const char *v, long long *out)
{
	int a, b, y, h, mi, s;

	if (strcmp(fmt, "seconds_since_epoch") == 0)
		return func_parse_int(v, out);
	if (strcmp(fmt, "win_filetime") == 0)
		return func_filetime(v, out);
	if (strcmp(fmt, "cim_datetime") == 0)
		return func_cim(v, out);
	if (strcmp(fmt, "year_month_day") == 0)
		return func_ymd(v, out);
	if (strcmp(fmt, "month_day_year") == 0)
		return func_mdy(v, out);
	if (func_dmy(v, &a, &b, &y, &h, &mi, &s) != 0)	/* day_month_year */
		return -1;
	return func_mktime(y, b, a, h, mi, s, out);
}

static int
func_known_format(const char *f)
{
	size_t i;

	for (i = 0; i < sizeof(func_formats) / sizeof(func_formats[0]); i++)
		if (strcmp(f, func_formats[i]) == 0)
			return 1;
	return 0;
}

/*
 * time_difference: with two components, first minus second (format_1
 * and format_2); with one, the current time minus it, the component
 * being read with format_2 as the schema says.  Always integer seconds.
 */
static int
func_time_difference(struct fctx *c, xmlNodePtr fn, struct oval_values *out)
{
	struct oval_values *args;
	const char *f[2], *fa;
	size_t idx[2] = { 0, 0 }, n = 0, i;
	long long t[2];
	int rc;

	f[0] = (fa = oval_attr(fn, "format_1")) ? fa : "year_month_day";
	f[1] = (fa = oval_attr(fn, "format_2")) ? fa : "year_month_day";
	for (i = 0; i < 2; i++)
		if (!func_known_format(f[i]))
			return func_fail(c, PLUMB_EINVAL, fn, "unknown date "
			    "format '%.64s'", f[i]);
	if ((rc = func_args(c, fn, OVAL_DT_STRING, &args, &n, 1, 2)) != 0)
		return rc;
	if (func_any_empty(args, n))
		goto out;
	do {
		t[0] = (long long)c->env->now;
		for (i = 0; i < n; i++) {
			const char *v = args[i].v[idx[i]];
			const char *fmt = f[n == 1 ? 1 : i];

			if (func_to_seconds(fmt, v, &t[2 - n + i]) != 0) {
				rc = func_fail(c, PLUMB_EINVAL, fn, "'%.64s' is "
				    "not a %s date", v, fmt);
				goto out;
			}
		}
		if (__builtin_sub_overflow(t[0], t[1], &t[0])) {
			rc = func_fail(c, PLUMB_EINVAL, fn,
			    "the difference overflows");
			goto out;
		}
		if ((rc = func_add(c, out, func_printf("%lld", t[0]))) != 0)
			goto out;
	} while (func_next_combo(idx, args, n));
	out->dt = OVAL_DT_INT;
out:
	func_free_args(args, n);
	return rc;
}

/* ---------------------------------------------------------- components */

/* literal_component: one value, its datatype attribute (default string). */
static int
func_literal(struct fctx *c, xmlNodePtr n, struct oval_values *out)
{
	enum oval_datatype dt;
	char *text;

	if (oval_datatype_parse(oval_attr(n, "datatype"), &dt) != 0 ||
	    dt == OVAL_DT_RECORD)
		return func_fail(c, PLUMB_EINVAL, n, "invalid datatype "
		    "'%.32s'", oval_attr(n, "datatype"));
	if (oval_elem(n->children) != NULL)
		return func_fail(c, PLUMB_EINVAL, n,
		    "a literal has no child elements");
	out->dt = dt;
	if ((text = oval_text(n)) == NULL)
		return plumb_err_set(c->err, PLUMB_ENOMEM, "out of memory");
	return func_add(c, out, text);
}

static int
func_object_component(struct fctx *c, xmlNodePtr n, struct oval_values *out)
{
	const char *obj = oval_attr(n, "object_ref");
	const char *field = oval_attr(n, "item_field");

	if (obj == NULL || field == NULL)
		return func_fail(c, PLUMB_EINVAL, n,
		    "object_ref and item_field are required");
	oval_values_clear(out);
	/*
	 * An object without items gives no values.  The schema would have
	 * an error here, but real content (SCAP Security Guide) relies on
	 * "no values, so the object using them does not exist", as the
	 * reference evaluator does (docs/conformance.md).
	 */
	return c->env->object(c->env->eng, obj, field,
	    oval_attr(n, "record_field"), out, c->err);
}

static int
func_variable_component(struct fctx *c, xmlNodePtr n,
    struct oval_values *out)
{
	const char *ref = oval_attr(n, "var_ref");

	if (ref == NULL)
		return func_fail(c, PLUMB_EINVAL, n, "var_ref is required");
	oval_values_clear(out);
	return c->env->variable(c->env->eng, ref, out, c->err);
}

/* Dispatch one component element; out is initialised here. */
static int
func_eval(struct fctx *c, xmlNodePtr n, enum oval_datatype dt,
    struct oval_values *out)
{
	int rc;

	oval_values_init(out, dt);
	if (c->depth >= FUNC_MAX_DEPTH)
		return func_fail(c, PLUMB_ELIMIT, n, "components nested "
		    "deeper than %d", FUNC_MAX_DEPTH);
	c->depth++;
	if (oval_is(n, "literal_component"))
		rc = func_literal(c, n, out);
	else if (oval_is(n, "object_component"))
		rc = func_object_component(c, n, out);
	else if (oval_is(n, "variable_component"))
		rc = func_variable_component(c, n, out);
	else if (oval_is(n, "arithmetic"))
		rc = func_arithmetic(c, n, dt, out);
	else if (oval_is(n, "begin"))
		rc = func_affix(c, n, out, 0);
	else if (oval_is(n, "end"))
		rc = func_affix(c, n, out, 1);
	else if (oval_is(n, "concat"))
		rc = func_concat(c, n, out);
	else if (oval_is(n, "count"))
		rc = func_count(c, n, out);
	else if (oval_is(n, "escape_regex"))
		rc = func_escape_regex(c, n, out);
	else if (oval_is(n, "glob_to_regex"))
		rc = func_glob(c, n, out);
	else if (oval_is(n, "regex_capture"))
		rc = func_regex_capture(c, n, out);
	else if (oval_is(n, "split"))
		rc = func_split(c, n, out);
	else if (oval_is(n, "substring"))
		rc = func_substring(c, n, out);
	else if (oval_is(n, "time_difference"))
		rc = func_time_difference(c, n, out);
	else if (oval_is(n, "unique"))
		rc = func_unique(c, n, dt, out);
	else
		rc = func_fail(c, PLUMB_ENOTSUP, n, "not an OVAL 5.11 "
		    "component or function");
	c->depth--;
	if (rc != 0)
		oval_values_clear(out);
	return rc;
}

int
oval_func_eval(const struct oval_func_env *env, xmlNodePtr comp,
    enum oval_datatype dt, struct oval_values *out, struct plumb_err *err)
{
	struct fctx c = { env, err, 0 };

	if (comp == NULL) {
		oval_values_init(out, dt);
		return plumb_err_set(err, PLUMB_EINVAL, "no component");
	}
	return func_eval(&c, comp, dt, out);
}
