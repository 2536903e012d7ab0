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
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "plumb/error.h"
#include "plumb/values.h"
#include "oval_doc.h"
#include "oval_func.h"

#define FUNC_MAX_DEPTH	64		/* nesting of functions */
#define FUNC_MAX_VALUES	1000000		/* cap on one component's values */
#define FUNC_MAX_ARGS	16		/* components of one function */

struct fctx {
	const struct oval_func_env *env;
	struct plumb_err *err;
	int depth;
};

static int eval(struct fctx *, xmlNodePtr, enum oval_datatype,
    struct oval_values *);

static int
fail(struct fctx *c, int code, xmlNodePtr n, const char *what)
{
	return plumb_err_set(c->err, code, "line %ld: <%s>: %s",
	    xmlGetLineNo(n), (const char *)n->name, what);
}

static int
add(struct fctx *c, struct oval_values *out, char *s)
{
	if (out->n >= FUNC_MAX_VALUES) {
		free(s);
		return plumb_err_set(c->err, PLUMB_ELIMIT,
		    "a variable has more than %d values", FUNC_MAX_VALUES);
	}
	if (oval_values_take(out, s) != 0)
		return plumb_err_set(c->err, PLUMB_ENOMEM, "out of memory");
	return PLUMB_OK;
}

static char *
dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
dup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

/* Evaluate every component child of fn into args (at most max). */
static int
eval_args(struct fctx *c, xmlNodePtr fn, enum oval_datatype dt,
    struct oval_values *args, size_t *nargs, size_t min, size_t max)
{
	xmlNodePtr a;
	int rc;

	*nargs = 0;
	for (a = oval_elem(fn->children); a; a = oval_elem(a->next)) {
		if (*nargs == max)
			return fail(c, PLUMB_EINVAL, fn, "too many components");
		if ((rc = eval(c, a, dt, &args[*nargs])) != 0)
			return rc;
		(*nargs)++;
	}
	if (*nargs < min)
		return fail(c, PLUMB_EINVAL, fn, "too few components");
	return PLUMB_OK;
}

static void
clear_args(struct oval_values *args, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		oval_values_clear(&args[i]);
}

/*
 * Step idx through the cartesian product of the arguments' values;
 * returns 0 once every combination was visited.
 */
static int
next_combo(size_t *idx, const struct oval_values *args, size_t n)
{
	size_t i = n;

	while (i-- > 0) {
		if (++idx[i] < args[i].n)
			return 1;
		idx[i] = 0;
	}
	return 0;
}

static int
any_empty(const struct oval_values *args, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (args[i].n == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------ numbers */

static int
parse_int(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return end != s && *end == '\0' && errno == 0 ? 0 : -1;
}

static int
parse_float(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return end != s && *end == '\0' && errno == 0 && isfinite(*v) ?
	    0 : -1;
}

static int
func_arithmetic(struct fctx *c, xmlNodePtr fn, enum oval_datatype dt,
    struct oval_values *out)
{
	struct oval_values args[FUNC_MAX_ARGS];
	size_t idx[FUNC_MAX_ARGS] = { 0 }, n = 0, i;
	const char *op = oval_attr(fn, "arithmetic_operation");
	int mul, flt = dt == OVAL_DT_FLOAT, rc;
	long long iv, iacc;
	double fv, facc;
	char *s;

	if (op == NULL || (strcmp(op, "add") != 0 &&
	    strcmp(op, "multiply") != 0))
		return fail(c, PLUMB_EINVAL, fn,
		    "arithmetic_operation must be add or multiply");
	mul = strcmp(op, "multiply") == 0;
	if ((rc = eval_args(c, fn, dt, args, &n, 2, FUNC_MAX_ARGS)) != 0)
		goto out;
	/* A float argument makes the whole computation float. */
	for (i = 0; i < n; i++)
		if (args[i].dt == OVAL_DT_FLOAT)
			flt = 1;
	if (any_empty(args, n))
		goto out;
	do {
		iacc = mul ? 1 : 0;
		facc = mul ? 1.0 : 0.0;
		for (i = 0; i < n; i++) {
			const char *v = args[i].v[idx[i]];

			if (flt) {
				if (parse_float(v, &fv) != 0) {
					rc = fail(c, PLUMB_EINVAL, fn,
					    "a value is not a number");
					goto out;
				}
				facc = mul ? facc * fv : facc + fv;
			} else {
				if (parse_int(v, &iv) != 0 || (mul ?
				    __builtin_mul_overflow(iacc, iv, &iacc) :
				    __builtin_add_overflow(iacc, iv, &iacc))) {
					rc = fail(c, PLUMB_EINVAL, fn,
					    "a value is not an integer, or the "
					    "result overflows");
					goto out;
				}
			}
		}
		s = flt ? dup_printf("%.15g", facc) : dup_printf("%lld", iacc);
		if ((rc = add(c, out, s)) != 0)
			goto out;
	} while (next_combo(idx, args, n));
	if (flt)
		out->dt = OVAL_DT_FLOAT;
out:
	clear_args(args, n);
	return rc;
}

/* ------------------------------------------------------------ strings */

static int
func_concat(struct fctx *c, xmlNodePtr fn, enum oval_datatype dt,
    struct oval_values *out)
{
	struct oval_values args[FUNC_MAX_ARGS];
	size_t idx[FUNC_MAX_ARGS] = { 0 }, n = 0, i, len;
	char *s;
	int rc;

	if ((rc = eval_args(c, fn, OVAL_DT_STRING, args, &n, 2,
	    FUNC_MAX_ARGS)) != 0 || any_empty(args, n))
		goto out;
	do {
		for (len = 1, i = 0; i < n; i++)
			len += strlen(args[i].v[idx[i]]);
		if ((s = malloc(len)) == NULL) {
			rc = plumb_err_set(c->err, PLUMB_ENOMEM, "out of memory");
			goto out;
		}
		for (*s = '\0', i = 0; i < n; i++)
			strcat(s, args[i].v[idx[i]]);
		if ((rc = add(c, out, s)) != 0)
			goto out;
	} while (next_combo(idx, args, n));
out:
	clear_args(args, n);
	return rc;
}

/* begin / end: make sure each value starts / ends with the string. */
static int
func_affix(struct fctx *c, xmlNodePtr fn, struct oval_values *out, int end)
{
	const char *ch = oval_attr(fn, "character");
	struct oval_values arg;
	size_t n, i, lc, lv;
	char *s;
	int rc, has;

	if (ch == NULL)
		return fail(c, PLUMB_EINVAL, fn, "no character attribute");
	if ((rc = eval_args(c, fn, OVAL_DT_STRING, &arg, &n, 1, 1)) != 0)
		return rc;
	lc = strlen(ch);
	for (i = 0; i < arg.n; i++) {
		lv = strlen(arg.v[i]);
		has = lv >= lc && memcmp(end ? arg.v[i] + lv - lc : arg.v[i],
		    ch, lc) == 0;
		if (has)
			s = strdup(arg.v[i]);
		else
			s = end ? dup_printf("%s%s", arg.v[i], ch) :
			    dup_printf("%s%s", ch, arg.v[i]);
		if ((rc = add(c, out, s)) != 0)
			break;
	}
	oval_values_clear(&arg);
	return rc;
}

static int
func_count(struct fctx *c, xmlNodePtr fn, struct oval_values *out)
{
	struct oval_values args[FUNC_MAX_ARGS];
	size_t n = 0, i, total = 0;
	int rc;

	if ((rc = eval_args(c, fn, OVAL_DT_STRING, args, &n, 1,
	    FUNC_MAX_ARGS)) == 0) {
		for (i = 0; i < n; i++)
			total += args[i].n;
		rc = add(c, out, dup_printf("%zu", total));
		out->dt = OVAL_DT_INT;
	}
	clear_args(args, n);
	return rc;
}

static int
func_unique(struct fctx *c, xmlNodePtr fn, enum oval_datatype dt,
    struct oval_values *out)
{
	struct oval_values args[FUNC_MAX_ARGS];
	size_t n = 0, i, k, j;
	int rc, seen;

	if ((rc = eval_args(c, fn, dt, args, &n, 1, FUNC_MAX_ARGS)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		for (k = 0; k < args[i].n; k++) {
			for (seen = 0, j = 0; j < out->n && !seen; j++)
				seen = strcmp(out->v[j], args[i].v[k]) == 0;
			if (!seen && (rc = add(c, out,
			    strdup(args[i].v[k]))) != 0)
				goto out;
		}
	}
out:
	clear_args(args, n);
	return rc;
}

static int
func_split(struct fctx *c, xmlNodePtr fn, struct oval_values *out)
{
	const char *d = oval_attr(fn, "delimiter"), *p, *q;
	struct oval_values arg;
	size_t n, i, ld;
	int rc;

	if (d == NULL || *d == '\0')
		return fail(c, PLUMB_EINVAL, fn, "empty delimiter");
	if ((rc = eval_args(c, fn, OVAL_DT_STRING, &arg, &n, 1, 1)) != 0)
		return rc;
	ld = strlen(d);
	for (i = 0; i < arg.n && rc == 0; i++) {
		for (p = arg.v[i]; (q = strstr(p, d)) != NULL; p = q + ld)
			if ((rc = add(c, out, strndup(p, (size_t)(q - p)))) != 0)
				break;
		if (rc == 0)
			rc = add(c, out, strdup(p));
	}
	oval_values_clear(&arg);
	return rc;
}

static int
func_substring(struct fctx *c, xmlNodePtr fn, struct oval_values *out)
{
	const char *sa = oval_attr(fn, "substring_start");
	const char *la = oval_attr(fn, "substring_length");
	struct oval_values arg;
	long long start, len;
	size_t n, i, lv;
	int rc;

	if (sa == NULL || la == NULL || parse_int(sa, &start) != 0 ||
	    parse_int(la, &len) != 0)
		return fail(c, PLUMB_EINVAL, fn,
		    "substring_start and substring_length must be integers");
	if ((rc = eval_args(c, fn, OVAL_DT_STRING, &arg, &n, 1, 1)) != 0)
		return rc;
	if (start < 1)
		start = 1;
	for (i = 0; i < arg.n; i++) {
		lv = strlen(arg.v[i]);
		/* The schema: a start past the end is an error. */
		if ((unsigned long long)start > lv) {
			rc = fail(c, PLUMB_EINVAL, fn,
			    "substring_start is past the end of the value");
			break;
		}
		if (len < 0 || (unsigned long long)len > lv - (size_t)start + 1)
			len = (long long)(lv - (size_t)start + 1);
		if ((rc = add(c, out, strndup(arg.v[i] + start - 1,
		    (size_t)len))) != 0)
			break;
	}
	oval_values_clear(&arg);
	return rc;
}

static int
func_escape_regex(struct fctx *c, xmlNodePtr fn, struct oval_values *out)
{
	static const char meta[] = "\\^$.[]|()?*+{}";
	struct oval_values arg;
	const char *p;
	size_t n, i;
	char *s, *q;
	int rc;

	if ((rc = eval_args(c, fn, OVAL_DT_STRING, &arg, &n, 1, 1)) != 0)
		return rc;
	for (i = 0; i < arg.n; i++) {
		if ((s = malloc(strlen(arg.v[i]) * 2 + 1)) == NULL) {
			rc = plumb_err_set(c->err, PLUMB_ENOMEM, "out of memory");
			break;
		}
		for (q = s, p = arg.v[i]; *p; p++) {
			if (strchr(meta, *p) != NULL)
				*q++ = '\\';
			*q++ = *p;
		}
		*q = '\0';
		if ((rc = add(c, out, s)) != 0)
			break;
	}
	oval_values_clear(&arg);
	return rc;
}

/*
 * Shell glob to Perl regex, following the schema's table: '*' is
 * [^/]*, '?' is [^/], and a wildcard that starts a path component does
 * not match a dot file ((?=[^.]) before '*', [^./] for '?'), brackets pass through with
 * '!' as negation, other regex characters are escaped.  With
 * glob_noescape a backslash is a literal character.
 */
static char *
glob_to_regex(const char *g, int noescape)
{
	static const char meta[] = "\\^$.|()+{}";
	size_t cap = strlen(g) * 16 + 8;
	char *r = malloc(cap), *q;
	const char *p, *close;
	int comp_start = 1;

	if (r == NULL)
		return NULL;
	q = r;
	*q++ = '^';
	for (p = g; *p; p++) {
		if (*p == '\\' && !noescape && p[1] != '\0') {
			p++;
			if (strchr(meta, *p) || strchr("*?[]", *p))
				*q++ = '\\';
			*q++ = *p;
			comp_start = 0;
			continue;
		}
		switch (*p) {
		case '*':
			if (comp_start)
				q += sprintf(q, "(?=[^.])");
			q += sprintf(q, "[^/]*");
			break;
		case '?':
			q += sprintf(q, comp_start ? "[^./]" : "[^/]");
			break;
		case '[':
			close = strchr(p + 1 + (p[1] == '!' || p[1] == ']'),
			    ']');
			if (close == NULL) {
				q += sprintf(q, "\\[");
				break;
			}
			*q++ = '[';
			p++;
			if (*p == '!') {
				*q++ = '^';
				p++;
			}
			for (; p < close; p++) {
				if (*p == '\\' || (*p == '[' && p[1] == ':'))
					*q++ = '\\';
				*q++ = *p;
			}
			*q++ = ']';
			break;
		default:
			if (*p == '\\' || strchr(meta, *p))
				*q++ = '\\';
			*q++ = *p;
			break;
		}
		comp_start = *p == '/';
	}
	*q++ = '$';
	*q = '\0';
	return r;
}

static int
func_glob_to_regex(struct fctx *c, xmlNodePtr fn, struct oval_values *out)
{
	struct oval_values arg;
	size_t n, i;
	int rc, noesc = oval_attr_true(fn, "glob_noescape");

	if ((rc = eval_args(c, fn, OVAL_DT_STRING, &arg, &n, 1, 1)) != 0)
		return rc;
	for (i = 0; i < arg.n; i++)
		if ((rc = add(c, out, glob_to_regex(arg.v[i], noesc))) != 0)
			break;
	oval_values_clear(&arg);
	return rc;
}

/* First capture group of the first match, "" when there is none. */
static int
func_regex_capture(struct fctx *c, xmlNodePtr fn, struct oval_values *out)
{
	const char *pat = oval_attr(fn, "pattern");
	pcre2_match_context *mctx = NULL;
	pcre2_match_data *md = NULL;
	pcre2_code *re = NULL;
	struct oval_values arg;
	PCRE2_SIZE eoff, *ov;
	PCRE2_UCHAR emsg[128];
	char msg[256];
	size_t n = 0, i;
	int rc, ecode, m;

	oval_values_init(&arg, OVAL_DT_STRING);
	if (pat == NULL)
		return fail(c, PLUMB_EINVAL, fn, "no pattern attribute");
	if ((re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0,
	    &ecode, &eoff, NULL)) == NULL) {
		pcre2_get_error_message(ecode, emsg, sizeof(emsg));
		snprintf(msg, sizeof(msg), "bad pattern at offset %zu: %s",
		    (size_t)eoff, (const char *)emsg);
		return fail(c, PLUMB_EINVAL, fn, msg);
	}
	if ((md = pcre2_match_data_create_from_pattern(re, NULL)) == NULL ||
	    (mctx = pcre2_match_context_create(NULL)) == NULL) {
		rc = plumb_err_set(c->err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	pcre2_set_match_limit(mctx, 1000000);
	pcre2_set_depth_limit(mctx, 100000);
	if ((rc = eval_args(c, fn, OVAL_DT_STRING, &arg, &n, 1, 1)) != 0)
		goto out;
	for (i = 0; i < arg.n; i++) {
		m = pcre2_match(re, (PCRE2_SPTR)arg.v[i], PCRE2_ZERO_TERMINATED,
		    0, 0, md, mctx);
		if (m < 0 && m != PCRE2_ERROR_NOMATCH) {
			rc = fail(c, PLUMB_EINVAL, fn,
			    "pattern match failed (match limit?)");
			goto out;
		}
		ov = pcre2_get_ovector_pointer(md);
		if (m >= 2 && ov[2] != PCRE2_UNSET)
			rc = add(c, out, strndup(arg.v[i] + ov[2],
			    ov[3] - ov[2]));
		else
			rc = add(c, out, strdup(""));
		if (rc != 0)
			goto out;
	}
out:
	oval_values_clear(&arg);
	pcre2_match_context_free(mctx);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return rc;
}

/* ------------------------------------------------------ time_difference */

static const char *const months[] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
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

static int
valid_tm(int y, int mo, int d, int h, int mi, int s, long long *out)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || s < 0 || s > 60)
		return -1;
	*out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + s;
	return 0;
}

/* Parse "D1 SEP D2 SEP D3[ hh:mm:ss]" with two-digit D fields, returning
 * the three numbers in the written order. */
static int
parse_dmy(const char *v, char sep, int first4, int *a, int *b, int *yr,
    int *h, int *mi, int *s)
{
	char s1, s2, tail;
	int n;

	*h = *mi = *s = 0;
	if (first4)
		n = sscanf(v, "%4d%c%2d%c%2d %2d:%2d:%2d%c", yr, &s1, a, &s2,
		    b, h, mi, s, &tail);
	else
		n = sscanf(v, "%2d%c%2d%c%4d %2d:%2d:%2d%c", a, &s1, b, &s2,
		    yr, h, mi, s, &tail);
	if ((n != 5 && n != 8) || s1 != sep || s2 != sep)
		return -1;
	return 0;
}

/* Seconds since the epoch of v written in format fmt. */
static int
to_seconds(const char *fmt, const char *v, long long *out)
{
	int y, mo, d, h = 0, mi = 0, s = 0, n, k;
	char name[16], tail;
	long long ft;
	size_t len = strlen(v);

	if (strcmp(fmt, "seconds_since_epoch") == 0) {
		return parse_int(v, out);
	} else if (strcmp(fmt, "win_filetime") == 0) {
		/* 100 ns ticks since 1601-01-01, given in hex. */
		char *end;

		errno = 0;
		ft = (long long)strtoull(v, &end, 16);
		if (end == v || *end != '\0' || errno != 0)
			return -1;
		*out = ft / 10000000LL - 11644473600LL;
		return 0;
	} else if (strcmp(fmt, "cim_datetime") == 0) {
		if (sscanf(v, "%4d%2d%2d%2d%2d%2d", &y, &mo, &d, &h, &mi,
		    &s) == 6 && len >= 14)
			return valid_tm(y, mo, d, h, mi, s, out);
		if (sscanf(v, "%4d-%2d-%2d %2d:%2d:%2d", &y, &mo, &d, &h, &mi,
		    &s) == 6)
			return valid_tm(y, mo, d, h, mi, s, out);
		return -1;
	} else if (strcmp(fmt, "year_month_day") == 0) {
		if (len == 8 && sscanf(v, "%4d%2d%2d%c", &y, &mo, &d,
		    &tail) == 3)
			return valid_tm(y, mo, d, 0, 0, 0, out);
		if (len == 15 && sscanf(v, "%4d%2d%2dT%2d%2d%2d%c", &y, &mo,
		    &d, &h, &mi, &s, &tail) == 6)
			return valid_tm(y, mo, d, h, mi, s, out);
		if (parse_dmy(v, '/', 1, &mo, &d, &y, &h, &mi, &s) == 0 ||
		    parse_dmy(v, '-', 1, &mo, &d, &y, &h, &mi, &s) == 0)
			return valid_tm(y, mo, d, h, mi, s, out);
		return -1;
	} else if (strcmp(fmt, "month_day_year") == 0) {
		if (parse_dmy(v, '/', 0, &mo, &d, &y, &h, &mi, &s) == 0 ||
		    parse_dmy(v, '-', 0, &mo, &d, &y, &h, &mi, &s) == 0)
			return valid_tm(y, mo, d, h, mi, s, out);
		/* "NameOfMonth, dd yyyy[ hh:mm:ss]", full or abbreviated. */
		n = sscanf(v, "%15[A-Za-z], %2d %4d %2d:%2d:%2d%c", name, &d,
		    &y, &h, &mi, &s, &tail);
		if (n != 3 && n != 6)
			return -1;
		for (k = 0; name[k]; k++)
			name[k] = (char)tolower((unsigned char)name[k]);
		for (mo = 0; mo < 12; mo++)
			if (strcmp(name, months[mo]) == 0 ||
			    (strlen(name) == 3 &&
			    strncmp(name, months[mo], 3) == 0))
				break;
		if (mo == 12)
			return -1;
		return valid_tm(y, mo + 1, d, h, mi, s, out);
	} else if (strcmp(fmt, "day_month_year") == 0) {
		if (parse_dmy(v, '/', 0, &d, &mo, &y, &h, &mi, &s) == 0 ||
		    parse_dmy(v, '-', 0, &d, &mo, &y, &h, &mi, &s) == 0)
			return valid_tm(y, mo, d, h, mi, s, out);
		return -1;
	}
	return -1;
}

static int
func_time_difference(struct fctx *c, xmlNodePtr fn, struct oval_values *out)
{
	struct oval_values args[2];
	const char *f1 = oval_attr(fn, "format_1"), *f2 = oval_attr(fn,
	    "format_2");
	size_t idx[2] = { 0, 0 }, n = 0;
	long long t1, t2;
	int rc;

	if (f1 == NULL)
		f1 = "year_month_day";
	if (f2 == NULL)
		f2 = "year_month_day";
	if ((rc = eval_args(c, fn, OVAL_DT_STRING, args, &n, 1, 2)) != 0 ||
	    any_empty(args, n))
		goto out;
	do {
		/* One component: now minus it; two: first minus second. */
		if (n == 1) {
			t1 = (long long)c->env->now;
			if (to_seconds(f1, args[0].v[idx[0]], &t2) != 0)
				goto bad;
		} else {
			if (to_seconds(f1, args[0].v[idx[0]], &t1) != 0 ||
			    to_seconds(f2, args[1].v[idx[1]], &t2) != 0)
				goto bad;
		}
		if ((rc = add(c, out, dup_printf("%lld", t1 - t2))) != 0)
			goto out;
	} while (next_combo(idx, args, n));
	out->dt = OVAL_DT_INT;
	goto out;
bad:
	rc = fail(c, PLUMB_EINVAL, fn, "a value does not follow its date "
	    "format");
out:
	clear_args(args, n);
	return rc;
}

/* ---------------------------------------------------------- components */

static int
literal(struct fctx *c, xmlNodePtr n, struct oval_values *out)
{
	enum oval_datatype dt;
	char *text;

	if (oval_datatype_parse(oval_attr(n, "datatype"), &dt) != 0)
		return fail(c, PLUMB_EINVAL, n, "invalid datatype");
	out->dt = dt;
	if ((text = oval_text(n)) == NULL)
		return plumb_err_set(c->err, PLUMB_ENOMEM, "out of memory");
	return add(c, out, text);
}

static int
object_component(struct fctx *c, xmlNodePtr n, struct oval_values *out)
{
	const char *obj = oval_attr(n, "object_ref");
	const char *field = oval_attr(n, "item_field");

	if (obj == NULL || field == NULL)
		return fail(c, PLUMB_EINVAL, n,
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
variable_component(struct fctx *c, xmlNodePtr n, struct oval_values *out)
{
	const char *ref = oval_attr(n, "var_ref");

	if (ref == NULL)
		return fail(c, PLUMB_EINVAL, n, "var_ref is required");
	oval_values_clear(out);
	return c->env->variable(c->env->eng, ref, out, c->err);
}

static int
eval(struct fctx *c, xmlNodePtr n, enum oval_datatype dt,
    struct oval_values *out)
{
	const char *name = (const char *)n->name;
	int rc;

	oval_values_init(out, dt);
	if (c->depth >= FUNC_MAX_DEPTH)
		return fail(c, PLUMB_ELIMIT, n, "functions nested too deeply");
	c->depth++;
	if (strcmp(name, "literal_component") == 0)
		rc = literal(c, n, out);
	else if (strcmp(name, "object_component") == 0)
		rc = object_component(c, n, out);
	else if (strcmp(name, "variable_component") == 0)
		rc = variable_component(c, n, out);
	else if (strcmp(name, "arithmetic") == 0)
		rc = func_arithmetic(c, n, dt, out);
	else if (strcmp(name, "begin") == 0)
		rc = func_affix(c, n, out, 0);
	else if (strcmp(name, "end") == 0)
		rc = func_affix(c, n, out, 1);
	else if (strcmp(name, "concat") == 0)
		rc = func_concat(c, n, dt, out);
	else if (strcmp(name, "count") == 0)
		rc = func_count(c, n, out);
	else if (strcmp(name, "escape_regex") == 0)
		rc = func_escape_regex(c, n, out);
	else if (strcmp(name, "glob_to_regex") == 0)
		rc = func_glob_to_regex(c, n, out);
	else if (strcmp(name, "regex_capture") == 0)
		rc = func_regex_capture(c, n, out);
	else if (strcmp(name, "split") == 0)
		rc = func_split(c, n, out);
	else if (strcmp(name, "substring") == 0)
		rc = func_substring(c, n, out);
	else if (strcmp(name, "time_difference") == 0)
		rc = func_time_difference(c, n, out);
	else if (strcmp(name, "unique") == 0)
		rc = func_unique(c, n, dt, out);
	else
		rc = fail(c, PLUMB_ENOTSUP, n, "unknown component");
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

	return eval(&c, comp, dt, out);
}
