/*
 * oval_cmp.c - compare an item value with a content value under an OVAL
 * 5.11 datatype and operation.
 *
 * The allowed datatype/operation pairs are those of the datatype rules
 * in oval-definitions-schema.xsd (EntityAttributeGroup schematron) and
 * the "Expected operations" of each SimpleDatatypeEnumeration value.
 * Value formats follow the same annotations:
 *   int      xsd:integer: optional sign, decimal digits, surrounding
 *            whitespace collapsed.  No hexadecimal.  Range -2^63 ..
 *            2^64-1 (so both signed and unsigned 64-bit items fit).
 *   float    xsd:float lexical space (decimal, optional exponent, INF,
 *            -INF, NaN), compared as double.  As in XML Schema 1.0,
 *            NaN equals NaN and is unordered with anything else.
 *   boolean  true, false, 1, 0 (case-sensitive, like xsd:boolean).
 *   binary   pairs of hex digits, compared case-insensitively.
 *   version  non-negative integers separated by single non-digit
 *            characters; missing components are 0.
 *   evr_string, debian_evr_string, ipv4_address, ipv6_address: see the
 *            functions below.
 *   ios_version, fileset_revision: no exact algorithm in the schema;
 *            compared segment by segment like rpm versions (digit runs
 *            numerically, letter runs as strings), which orders
 *            "12.2(33)SXH" < "12.2(33)SXI" and "A.03.61" < "A.03.62".
 *   record   compared field by field by the engine, never here.
 *
 * Compiled patterns live in a small set-associative cache (not
 * thread-safe: the engine evaluates on one thread).
 */
#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* Before PCRE2 10.34 an invalid UTF-8 subject is a match error instead. */
#ifndef PCRE2_MATCH_INVALID_UTF
#define PCRE2_MATCH_INVALID_UTF 0
#endif

#include "plumb/error.h"
#include "common/regex_limits.h"
#include "plumb/oval_types.h"
#include "oval_cmp.h"

/* Result of comparing two values of an ordered datatype. */
#define CMP_LT		(-1)
#define CMP_EQ		0
#define CMP_GT		1
#define CMP_UNORDERED	2	/* NaN against a number */

#define BIT(op)		(1u << (op))

#define OPS_EQ		(BIT(OVAL_OP_EQUALS) | BIT(OVAL_OP_NOT_EQUAL))
#define OPS_ORDER	(OPS_EQ | BIT(OVAL_OP_GREATER) | BIT(OVAL_OP_LESS) | \
	BIT(OVAL_OP_GREATER_EQUAL) | BIT(OVAL_OP_LESS_EQUAL))

/* Allowed operations per datatype (schema datatype rules). */
static const unsigned cmp_allowed_ops[OVAL_DT__COUNT] = {
	[OVAL_DT_STRING] = OPS_EQ | BIT(OVAL_OP_CI_EQUALS) |
	    BIT(OVAL_OP_CI_NOT_EQUAL) | BIT(OVAL_OP_PATTERN_MATCH),
	[OVAL_DT_INT] = OPS_ORDER | BIT(OVAL_OP_BITWISE_AND) |
	    BIT(OVAL_OP_BITWISE_OR),
	[OVAL_DT_FLOAT] = OPS_ORDER,
	[OVAL_DT_BOOLEAN] = OPS_EQ,
	[OVAL_DT_BINARY] = OPS_EQ,
	[OVAL_DT_EVR_STRING] = OPS_ORDER,
	[OVAL_DT_DEBIAN_EVR_STRING] = OPS_ORDER,
	[OVAL_DT_FILESET_REVISION] = OPS_ORDER,
	[OVAL_DT_IOS_VERSION] = OPS_ORDER,
	[OVAL_DT_VERSION] = OPS_ORDER,
	[OVAL_DT_IPV4_ADDRESS] = OPS_ORDER | BIT(OVAL_OP_SUBSET_OF) |
	    BIT(OVAL_OP_SUPERSET_OF),
	[OVAL_DT_IPV6_ADDRESS] = OPS_ORDER | BIT(OVAL_OP_SUBSET_OF) |
	    BIT(OVAL_OP_SUPERSET_OF),
	[OVAL_DT_RECORD] = BIT(OVAL_OP_EQUALS),
};

/* Longest value quoted in an error message. */
#define CMP_QUOTE	"%.80s"

/* Pattern cache geometry: CACHE_SETS x CACHE_WAYS entries at most. */
#define CACHE_SETS	64
#define CACHE_WAYS	4
#define PATTERN_MAX	(64 * 1024)	/* longest pattern we compile */

/* Limits that turn catastrophic backtracking into an error. */

struct cmp_pattern {
	char		*pattern;	/* NULL: slot empty */
	uint32_t	 hash;
	pcre2_code	*code;
	unsigned long	 used;		/* LRU clock value */
};

static struct cmp_pattern cmp_cache[CACHE_SETS][CACHE_WAYS];
static unsigned long cmp_clock;
static pcre2_match_context *cmp_mctx;
static pcre2_match_data *cmp_mdata;

int
oval_cmp_allowed(enum oval_datatype dt, enum oval_operation op)
{
	if ((unsigned)dt >= OVAL_DT__COUNT || (unsigned)op >= OVAL_OP__COUNT)
		return 0;
	return (cmp_allowed_ops[dt] & BIT(op)) != 0;
}

/* Map an ordering result onto an ordering operation. */
static enum oval_result
cmp_apply(enum oval_operation op, int c)
{
	int t;

	switch (op) {
	case OVAL_OP_EQUALS:
		t = c == CMP_EQ;
		break;
	case OVAL_OP_NOT_EQUAL:
		t = c != CMP_EQ;
		break;
	case OVAL_OP_GREATER:
		t = c == CMP_GT;
		break;
	case OVAL_OP_LESS:
		t = c == CMP_LT;
		break;
	case OVAL_OP_GREATER_EQUAL:
		t = c == CMP_GT || c == CMP_EQ;
		break;
	case OVAL_OP_LESS_EQUAL:
		t = c == CMP_LT || c == CMP_EQ;
		break;
	default:
		return OVAL_R_ERROR;
	}
	return t ? OVAL_R_TRUE : OVAL_R_FALSE;
}

static int
cmp_sign(int v)
{
	return v < 0 ? CMP_LT : (v > 0 ? CMP_GT : CMP_EQ);
}

/* XML Schema whitespace (collapse only needs the ends here). */
static int
cmp_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Trim XML whitespace from both ends of s: [*b, *e). */
static void
cmp_trim(const char *s, const char **b, const char **e)
{
	const char *p = s, *q = s + strlen(s);

	while (p < q && cmp_isspace((unsigned char)*p))
		p++;
	while (q > p && cmp_isspace((unsigned char)q[-1]))
		q--;
	*b = p;
	*e = q;
}

static int
cmp_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static int
cmp_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
cmp_tolower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* ASCII case-insensitive strcmp, independent of the locale. */
static int
cmp_strcasecmp(const char *a, const char *b)
{
	int ca, cb;

	for (;; a++, b++) {
		ca = cmp_tolower((unsigned char)*a);
		cb = cmp_tolower((unsigned char)*b);
		if (ca != cb || ca == '\0')
			return ca - cb;
	}
}

/*
 * Compare two runs of decimal digits as non-negative integers of any
 * size: leading zeros stripped, then the longer is larger, then bytes.
 */
static int
cmp_digits(const char *a, size_t na, const char *b, size_t nb)
{
	int c;

	while (na > 0 && *a == '0') {
		a++;
		na--;
	}
	while (nb > 0 && *b == '0') {
		b++;
		nb--;
	}
	if (na != nb)
		return na < nb ? CMP_LT : CMP_GT;
	if (na == 0)
		return CMP_EQ;
	c = memcmp(a, b, na);
	return cmp_sign(c);
}

/* ---- int ---- */

/* An xsd:integer in -2^63 .. 2^64-1 as sign and magnitude. */
struct cmp_int {
	int		neg;
	uint64_t	mag;
};

/* Parse an int value; 0 or -1 (err says why). */
static int
cmp_int_parse(const char *s, struct cmp_int *v, struct plumb_err *err)
{
	const char *p, *e;
	uint64_t d;

	v->neg = 0;
	v->mag = 0;
	cmp_trim(s, &p, &e);
	if (p < e && (*p == '+' || *p == '-')) {
		v->neg = *p == '-';
		p++;
	}
	if (p == e)
		goto bad;
	for (; p < e; p++) {
		if (!cmp_isdigit((unsigned char)*p))
			goto bad;
		d = (uint64_t)(*p - '0');
		if (v->mag > (UINT64_MAX - d) / 10)
			goto range;
		v->mag = v->mag * 10 + d;
	}
	if (v->neg && v->mag > (uint64_t)1 << 63)
		goto range;
	if (v->mag == 0)
		v->neg = 0;
	return 0;
 bad:
	plumb_err_set(err, PLUMB_EINVAL,
	    "int: '" CMP_QUOTE "' is not a decimal integer", s);
	return -1;
 range:
	plumb_err_set(err, PLUMB_EINVAL,
	    "int: '" CMP_QUOTE "' is outside the 64-bit range", s);
	return -1;
}

/* Numeric order of two parsed ints. */
static int
cmp_int_order(const struct cmp_int *a, const struct cmp_int *b)
{
	if (a->neg != b->neg)
		return a->neg ? CMP_LT : CMP_GT;
	if (a->mag == b->mag)
		return CMP_EQ;
	if (a->neg)
		return a->mag > b->mag ? CMP_LT : CMP_GT;
	return a->mag < b->mag ? CMP_LT : CMP_GT;
}

/* The 64-bit two's complement pattern of v, for the bitwise operations. */
static uint64_t
cmp_int_bits(const struct cmp_int *v)
{
	return v->neg ? (uint64_t)0 - v->mag : v->mag;
}

/* int: ordering by value, bitwise ops on the two's complement bits. */
static enum oval_result
cmp_int(enum oval_operation op, const char *actual, const char *expected,
    struct plumb_err *err)
{
	struct cmp_int a, b;
	uint64_t x, y;

	if (cmp_int_parse(actual, &a, err) == -1 ||
	    cmp_int_parse(expected, &b, err) == -1)
		return OVAL_R_ERROR;
	x = cmp_int_bits(&a);
	y = cmp_int_bits(&b);
	/* Both are "stated entity op actual == stated entity". */
	if (op == OVAL_OP_BITWISE_AND)
		return (x & y) == y ? OVAL_R_TRUE : OVAL_R_FALSE;
	if (op == OVAL_OP_BITWISE_OR)
		return (x | y) == y ? OVAL_R_TRUE : OVAL_R_FALSE;
	return cmp_apply(op, cmp_int_order(&a, &b));
}

/* ---- float ---- */

#define FLOAT_TEXT_MAX	128

/*
 * Parse an xsd:float lexical value into a double.  The syntax is checked
 * here; strtod() only converts, with '.' swapped for the locale's
 * decimal point so a setlocale() elsewhere cannot change the answer.
 */
static int
cmp_float_parse(const char *s, double *v, struct plumb_err *err)
{
	char buf[FLOAT_TEXT_MAX], out[FLOAT_TEXT_MAX + 8];
	const char *p, *e, *dp;
	size_t n, i, o;
	int digits = 0;
	char *end;

	*v = 0;
	cmp_trim(s, &p, &e);
	n = (size_t)(e - p);
	if (n == 0 || n >= sizeof(buf))
		goto bad;
	memcpy(buf, p, n);
	buf[n] = '\0';

	if (strcmp(buf, "INF") == 0 || strcmp(buf, "+INF") == 0) {
		*v = HUGE_VAL;
		return 0;
	}
	if (strcmp(buf, "-INF") == 0) {
		*v = -HUGE_VAL;
		return 0;
	}
	if (strcmp(buf, "NaN") == 0) {
		*v = NAN;
		return 0;
	}

	/* (+|-)? digits (. digits?)? | . digits, then ([eE] (+|-)? digits)? */
	i = 0;
	if (buf[i] == '+' || buf[i] == '-')
		i++;
	for (; cmp_isdigit((unsigned char)buf[i]); i++)
		digits++;
	if (buf[i] == '.')
		for (i++; cmp_isdigit((unsigned char)buf[i]); i++)
			digits++;
	if (digits == 0)
		goto bad;
	if (buf[i] == 'e' || buf[i] == 'E') {
		i++;
		if (buf[i] == '+' || buf[i] == '-')
			i++;
		if (!cmp_isdigit((unsigned char)buf[i]))
			goto bad;
		while (cmp_isdigit((unsigned char)buf[i]))
			i++;
	}
	if (buf[i] != '\0')
		goto bad;

	dp = localeconv()->decimal_point;
	if (dp == NULL || *dp == '\0' || strlen(dp) > 4)
		dp = ".";
	for (i = 0, o = 0; buf[i] != '\0'; i++) {
		if (buf[i] == '.') {
			memcpy(out + o, dp, strlen(dp));
			o += strlen(dp);
		} else
			out[o++] = buf[i];
	}
	out[o] = '\0';
	*v = strtod(out, &end);
	if (*end != '\0')
		goto bad;
	return 0;
 bad:
	plumb_err_set(err, PLUMB_EINVAL,
	    "float: '" CMP_QUOTE "' is not a float value", s);
	return -1;
}

/* Order of two doubles; NaN equals NaN and is unordered otherwise. */
static int
cmp_float_order(double a, double b)
{
	if (isnan(a) || isnan(b))
		return (isnan(a) && isnan(b)) ? CMP_EQ : CMP_UNORDERED;
	if (a < b)
		return CMP_LT;
	if (a > b)
		return CMP_GT;
	return CMP_EQ;
}

static enum oval_result
cmp_float(enum oval_operation op, const char *actual, const char *expected,
    struct plumb_err *err)
{
	double a, b;

	if (cmp_float_parse(actual, &a, err) == -1 ||
	    cmp_float_parse(expected, &b, err) == -1)
		return OVAL_R_ERROR;
	return cmp_apply(op, cmp_float_order(a, b));
}

/* ---- boolean, binary ---- */

/* xsd:boolean: 1 for true/1, 0 for false/0, -1 otherwise. */
static int
cmp_bool_parse(const char *s, struct plumb_err *err)
{
	const char *p, *e;
	size_t n;

	cmp_trim(s, &p, &e);
	n = (size_t)(e - p);
	if ((n == 4 && memcmp(p, "true", 4) == 0) || (n == 1 && *p == '1'))
		return 1;
	if ((n == 5 && memcmp(p, "false", 5) == 0) || (n == 1 && *p == '0'))
		return 0;
	plumb_err_set(err, PLUMB_EINVAL,
	    "boolean: '" CMP_QUOTE "' is not true, false, 1 or 0", s);
	return -1;
}

static enum oval_result
cmp_boolean(enum oval_operation op, const char *actual, const char *expected,
    struct plumb_err *err)
{
	int a, b;

	if ((a = cmp_bool_parse(actual, err)) == -1 ||
	    (b = cmp_bool_parse(expected, err)) == -1)
		return OVAL_R_ERROR;
	return cmp_apply(op, a == b ? CMP_EQ : cmp_sign(a - b));
}

static int
cmp_isxdigit(int c)
{
	return cmp_isdigit(c) || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* Check an xsd:hexBinary value; its trimmed extent in [*b, *e). */
static int
cmp_binary_parse(const char *s, const char **b, const char **e,
    struct plumb_err *err)
{
	const char *p;

	cmp_trim(s, b, e);
	for (p = *b; p < *e; p++)
		if (!cmp_isxdigit((unsigned char)*p))
			goto bad;
	if (((size_t)(*e - *b)) % 2 != 0)
		goto bad;
	return 0;
 bad:
	plumb_err_set(err, PLUMB_EINVAL,
	    "binary: '" CMP_QUOTE "' is not pairs of hex digits", s);
	return -1;
}

/* Order two checked hexBinary values: by length, then digit values. */
static int
cmp_binary_order(const char *a, const char *ae, const char *b,
    const char *be)
{
	int ca, cb;

	if (ae - a != be - b)
		return (ae - a) < (be - b) ? CMP_LT : CMP_GT;
	for (; a < ae; a++, b++) {
		ca = cmp_tolower((unsigned char)*a);
		cb = cmp_tolower((unsigned char)*b);
		if (ca != cb)
			return ca < cb ? CMP_LT : CMP_GT;
	}
	return CMP_EQ;
}

static enum oval_result
cmp_binary(enum oval_operation op, const char *actual, const char *expected,
    struct plumb_err *err)
{
	const char *a, *ae, *b, *be;

	if (cmp_binary_parse(actual, &a, &ae, err) == -1 ||
	    cmp_binary_parse(expected, &b, &be, err) == -1)
		return OVAL_R_ERROR;
	return cmp_apply(op, cmp_binary_order(a, ae, b, be));
}

/* ---- version ---- */

/*
 * Check a version value: digits, then any number of (one non-digit
 * delimiter, digits).  Empty components ("1..2", "1.", ".1") and
 * non-numeric components ("1.0rc1") are not versions.
 */
static int
cmp_version_check(const char *s, struct plumb_err *err)
{
	const char *p = s;

	for (;;) {
		if (!cmp_isdigit((unsigned char)*p))
			goto bad;
		while (cmp_isdigit((unsigned char)*p))
			p++;
		if (*p == '\0')
			return 0;
		p++;	/* the delimiter, any non-digit */
	}
 bad:
	plumb_err_set(err, PLUMB_EINVAL, "version: '" CMP_QUOTE "' is not "
	    "non-negative integers separated by single characters", s);
	return -1;
}

/* Order two checked versions component by component, padding with 0. */
static int
cmp_version_order(const char *a, const char *b)
{
	const char *sa, *sb;
	int c;

	while (*a != '\0' || *b != '\0') {
		for (sa = a; cmp_isdigit((unsigned char)*a); a++)
			;
		for (sb = b; cmp_isdigit((unsigned char)*b); b++)
			;
		c = cmp_digits(sa, (size_t)(a - sa), sb, (size_t)(b - sb));
		if (c != CMP_EQ)
			return c;
		if (*a != '\0')
			a++;
		if (*b != '\0')
			b++;
	}
	return CMP_EQ;
}

static enum oval_result
cmp_version(enum oval_operation op, const char *actual, const char *expected,
    struct plumb_err *err)
{
	if (cmp_version_check(actual, err) == -1 ||
	    cmp_version_check(expected, err) == -1)
		return OVAL_R_ERROR;
	return cmp_apply(op, cmp_version_order(actual, expected));
}

/* ---- rpm version segments (evr_string, ios_version, fileset) ---- */

static int
cmp_isalnum(int c)
{
	return cmp_isdigit(c) || cmp_isalpha(c);
}

/*
 * Order two rpm version (or release) strings [a, ae) and [b, be) the
 * way rpm does: separators (anything but letters, digits, '~', '^')
 * only split segments; '~' sorts before anything, even the end; '^'
 * sorts after the end but before any further segment; a segment is a
 * run of digits (compared as a number) or of letters (compared as
 * bytes); a numeric segment is newer than a letter one; when all
 * segments agree, the string with segments left over is newer.
 */
static int
cmp_rpm_order(const char *a, const char *ae, const char *b, const char *be)
{
	const char *sa, *sb;
	size_t na, nb;
	int num, c;

	if (ae - a == be - b && memcmp(a, b, (size_t)(ae - a)) == 0)
		return CMP_EQ;
	while (a < ae || b < be) {
		while (a < ae && !cmp_isalnum((unsigned char)*a) &&
		    *a != '~' && *a != '^')
			a++;
		while (b < be && !cmp_isalnum((unsigned char)*b) &&
		    *b != '~' && *b != '^')
			b++;

		if ((a < ae && *a == '~') || (b < be && *b == '~')) {
			if (a >= ae || *a != '~')
				return CMP_GT;
			if (b >= be || *b != '~')
				return CMP_LT;
			a++;
			b++;
			continue;
		}
		if ((a < ae && *a == '^') || (b < be && *b == '^')) {
			if (a >= ae)
				return CMP_LT;
			if (b >= be)
				return CMP_GT;
			if (*a != '^')
				return CMP_GT;
			if (*b != '^')
				return CMP_LT;
			a++;
			b++;
			continue;
		}
		if (a >= ae || b >= be)
			break;

		sa = a;
		sb = b;
		num = cmp_isdigit((unsigned char)*a);
		if (num) {
			while (a < ae && cmp_isdigit((unsigned char)*a))
				a++;
			while (b < be && cmp_isdigit((unsigned char)*b))
				b++;
		} else {
			while (a < ae && cmp_isalpha((unsigned char)*a))
				a++;
			while (b < be && cmp_isalpha((unsigned char)*b))
				b++;
		}
		na = (size_t)(a - sa);
		nb = (size_t)(b - sb);
		/* b's segment is of the other kind: numeric is newer. */
		if (nb == 0)
			return num ? CMP_GT : CMP_LT;
		if (num)
			c = cmp_digits(sa, na, sb, nb);
		else {
			c = memcmp(sa, sb, na < nb ? na : nb);
			c = c != 0 ? cmp_sign(c) :
			    (na == nb ? CMP_EQ : (na < nb ? CMP_LT : CMP_GT));
		}
		if (c != CMP_EQ)
			return c;
	}
	if (a >= ae && b >= be)
		return CMP_EQ;
	return a < ae ? CMP_GT : CMP_LT;
}

/* An epoch, version and release, as ranges into the value. */
struct cmp_evr {
	const char	*e, *ee;	/* epoch digits; empty means 0 */
	const char	*v, *ve;
	const char	*r, *re;	/* empty when there is no release */
};

/* The epoch prefix "digits:" of s, if any. */
static int
cmp_evr_epoch(const char *s, struct cmp_evr *x)
{
	const char *colon = strchr(s, ':');
	const char *p;

	x->e = x->ee = s;
	if (colon == NULL)
		return 0;
	if (colon == s)
		return -1;
	for (p = s; p < colon; p++)
		if (!cmp_isdigit((unsigned char)*p))
			return -1;
	x->ee = colon;
	return 1;
}

/*
 * Split "[EPOCH:]VERSION[-RELEASE]" (both EVR datatypes): the epoch,
 * when present, is digits; the release is what follows the last '-'.
 * -1 when the epoch is not digits, or the version or a release after
 * a '-' is empty.
 */
static int
cmp_evr_split(const char *s, struct cmp_evr *x)
{
	const char *dash, *end = s + strlen(s);
	int ep;

	memset(x, 0, sizeof(*x));
	if ((ep = cmp_evr_epoch(s, x)) == -1)
		return -1;
	x->v = ep ? x->ee + 1 : s;
	dash = strrchr(x->v, '-');
	x->ve = dash != NULL ? dash : end;
	x->r = dash != NULL ? dash + 1 : end;
	x->re = end;
	if (x->v == x->ve || (dash != NULL && x->r == x->re))
		return -1;
	return 0;
}

/*
 * An evr_string.  A missing epoch is 0 (as rpm treats it); a missing
 * release is empty.
 */
static int
cmp_evr_parse(const char *s, struct cmp_evr *x, struct plumb_err *err)
{
	if (cmp_evr_split(s, x) == 0)
		return 0;
	plumb_err_set(err, PLUMB_EINVAL,
	    "evr_string: '" CMP_QUOTE "' is not EPOCH:VERSION-RELEASE", s);
	return -1;
}

/*
 * evr_string and debian_evr_string order: epoch as a number, then the
 * version, then the release, each compared by part (the rpm rules or
 * Debian's).
 */
static int
cmp_evr_order(const struct cmp_evr *a, const struct cmp_evr *b,
    int (*part)(const char *, const char *, const char *, const char *))
{
	int c;

	c = cmp_digits(a->e, (size_t)(a->ee - a->e), b->e,
	    (size_t)(b->ee - b->e));
	if (c == CMP_EQ)
		c = part(a->v, a->ve, b->v, b->ve);
	if (c == CMP_EQ)
		c = part(a->r, a->re, b->r, b->re);
	return c;
}

/* ios_version and fileset_revision: one rpm-style segment comparison. */
static enum oval_result
cmp_segments(enum oval_datatype dt, enum oval_operation op,
    const char *actual, const char *expected, struct plumb_err *err)
{
	if (*actual == '\0' || *expected == '\0') {
		plumb_err_set(err, PLUMB_EINVAL, "%s: empty value",
		    oval_datatype_name(dt));
		return OVAL_R_ERROR;
	}
	return cmp_apply(op, cmp_rpm_order(actual, actual + strlen(actual),
	    expected, expected + strlen(expected)));
}

/* ---- debian_evr_string ---- */

/* Characters Debian Policy 5.6.12 allows in upstream_version. */
static int
cmp_deb_upstream_char(int c)
{
	return cmp_isalnum(c) || c == '.' || c == '+' || c == '~' ||
	    c == '-' || c == ':';
}

/*
 * Split "[EPOCH:]UPSTREAM_VERSION[-DEBIAN_REVISION]": the epoch is the
 * digits before the first ':', the revision follows the last '-'.  A
 * missing epoch is 0; a missing revision is empty, which compares
 * equal to "0" as the Policy requires.
 */
static int
cmp_deb_parse(const char *s, struct cmp_evr *x, struct plumb_err *err)
{
	const char *p;

	if (cmp_evr_split(s, x) == -1)
		goto bad;
	for (p = x->v; p < x->ve; p++)
		if (!cmp_deb_upstream_char((unsigned char)*p))
			goto bad;
	for (p = x->r; p < x->re; p++)
		if (!cmp_isalnum((unsigned char)*p) && *p != '.' &&
		    *p != '+' && *p != '~')
			goto bad;
	return 0;
 bad:
	plumb_err_set(err, PLUMB_EINVAL, "debian_evr_string: '" CMP_QUOTE
	    "' is not EPOCH:UPSTREAM_VERSION-DEBIAN_REVISION", s);
	return -1;
}

/*
 * Weight of one character in the non-digit part of a Debian version:
 * '~' before everything, even the end of the part (weight 0 here, like
 * a digit that ends the part); then letters in ASCII order; then every
 * other character, after all letters.
 */
static int
cmp_deb_weight(const char *p, const char *e)
{
	if (p >= e || cmp_isdigit((unsigned char)*p))
		return 0;
	if (*p == '~')
		return -1;
	if (cmp_isalpha((unsigned char)*p))
		return (unsigned char)*p;
	return (unsigned char)*p + 256;
}

/*
 * Order two upstream versions or revisions by Debian Policy 5.6.12:
 * alternately the longest non-digit prefix, compared character by
 * character with cmp_deb_weight(), and the longest digit prefix,
 * compared numerically (an empty one is 0).
 */
static int
cmp_deb_part(const char *a, const char *ae, const char *b, const char *be)
{
	const char *sa, *sb;
	int wa, wb, c;

	while (a < ae || b < be) {
		while ((a < ae && !cmp_isdigit((unsigned char)*a)) ||
		    (b < be && !cmp_isdigit((unsigned char)*b))) {
			wa = cmp_deb_weight(a, ae);
			wb = cmp_deb_weight(b, be);
			if (wa != wb)
				return wa < wb ? CMP_LT : CMP_GT;
			/* Equal non-zero weights: both are non-digits. */
			a++;
			b++;
		}
		for (sa = a; a < ae && cmp_isdigit((unsigned char)*a); a++)
			;
		for (sb = b; b < be && cmp_isdigit((unsigned char)*b); b++)
			;
		c = cmp_digits(sa, (size_t)(a - sa), sb, (size_t)(b - sb));
		if (c != CMP_EQ)
			return c;
	}
	return CMP_EQ;
}

/*
 * Order a and b as evr_string (the rpm rules) or debian_evr_string
 * (dt) in *out: 0, or -1 with err set when one of them does not parse.
 */
static int
cmp_evr_values(enum oval_datatype dt, const char *a, const char *b,
    int *out, struct plumb_err *err)
{
	struct cmp_evr ea, eb;

	if (dt == OVAL_DT_DEBIAN_EVR_STRING) {
		if (cmp_deb_parse(a, &ea, err) == -1 ||
		    cmp_deb_parse(b, &eb, err) == -1)
			return -1;
		*out = cmp_evr_order(&ea, &eb, cmp_deb_part);
		return 0;
	}
	if (cmp_evr_parse(a, &ea, err) == -1 ||
	    cmp_evr_parse(b, &eb, err) == -1)
		return -1;
	*out = cmp_evr_order(&ea, &eb, cmp_rpm_order);
	return 0;
}

static enum oval_result
cmp_evr(enum oval_datatype dt, enum oval_operation op, const char *actual,
    const char *expected, struct plumb_err *err)
{
	int c;

	if (cmp_evr_values(dt, actual, expected, &c, err) == -1)
		return OVAL_R_ERROR;
	return cmp_apply(op, c);
}

/* ---- ipv4_address, ipv6_address ---- */

/* An address (network byte order) with its prefix, host bits zeroed. */
struct cmp_ip {
	unsigned char	addr[16];
	unsigned	prefix;
	unsigned	bits;	/* 32 or 128 */
};

/* Parse a decimal number of at most maxdig digits from *pp, <= max. */
static int
cmp_ip_num(const char **pp, unsigned maxdig, unsigned max, unsigned *out)
{
	const char *p = *pp;
	unsigned v = 0, n = 0;

	while (cmp_isdigit((unsigned char)*p)) {
		if (++n > maxdig)
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
		p++;
	}
	if (n == 0 || v > max)
		return -1;
	*pp = p;
	*out = v;
	return 0;
}

/* Dotted quad "a.b.c.d" at *pp (leading zeros allowed) into out[4]. */
static int
cmp_ip_quad(const char **pp, unsigned char out[4])
{
	unsigned i, v;

	for (i = 0; i < 4; i++) {
		if (i > 0) {
			if (**pp != '.')
				return -1;
			(*pp)++;
		}
		if (cmp_ip_num(pp, 3, 255, &v) == -1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

static int
cmp_hexval(int c)
{
	if (cmp_isdigit(c))
		return c - '0';
	c = cmp_tolower(c);
	return c - 'a' + 10;
}

/*
 * RFC 4291 section 2.2 text form at *pp into out[16]: up to eight
 * groups of 1-4 hex digits, at most one "::", and optionally a dotted
 * quad for the last 32 bits.  Stops at '/' or the end.
 */
static int
cmp_ip6_addr(const char **pp, unsigned char out[16])
{
	const char *p = *pp, *q;
	unsigned g[8], n = 0, i, v, k;
	int dc = -1;
	unsigned char quad[4];

	if (p[0] == ':') {
		if (p[1] != ':')
			return -1;
		dc = 0;
		p += 2;
		if (*p == '\0' || *p == '/')
			goto done;
	}
	for (;;) {
		for (q = p; cmp_isxdigit((unsigned char)*q); q++)
			;
		if (*q == '.') {
			/* Embedded IPv4 in the last two groups. */
			if (n > 6 || cmp_ip_quad(&p, quad) == -1)
				return -1;
			g[n++] = (unsigned)quad[0] << 8 | quad[1];
			g[n++] = (unsigned)quad[2] << 8 | quad[3];
			break;
		}
		if (q == p || q - p > 4 || n >= 8)
			return -1;
		for (v = 0; p < q; p++)
			v = v << 4 | (unsigned)cmp_hexval((unsigned char)*p);
		g[n++] = v;
		if (*p == '\0' || *p == '/')
			break;
		if (*p != ':')
			return -1;
		p++;
		if (*p == ':') {
			if (dc != -1)
				return -1;
			dc = (int)n;
			p++;
			if (*p == '\0' || *p == '/')
				break;
		}
	}
 done:
	if (*p != '\0' && *p != '/')
		return -1;
	if (dc == -1 ? n != 8 : n > 7)
		return -1;
	if (dc != -1) {
		/* Move the groups after "::" to the end, zeros between. */
		k = n - (unsigned)dc;
		for (i = 0; i < k; i++)
			g[7 - i] = g[n - 1 - i];
		for (i = (unsigned)dc; i < 8 - k; i++)
			g[i] = 0;
	}
	for (i = 0; i < 8; i++) {
		out[2 * i] = (unsigned char)(g[i] >> 8);
		out[2 * i + 1] = (unsigned char)(g[i] & 0xff);
	}
	*pp = p;
	return 0;
}

/* Zero the bits of x beyond prefix plen. */
static void
cmp_ip_mask(struct cmp_ip *x, unsigned plen)
{
	unsigned i;

	for (i = 0; i < x->bits / 8; i++) {
		if (plen >= 8 * (i + 1))
			continue;
		if (plen <= 8 * i)
			x->addr[i] = 0;
		else
			x->addr[i] &= (unsigned char)(0xff00 >> (plen - 8 * i));
	}
}

/*
 * Parse an ipv4_address ("a.b.c.d" with optional "/len" or
 * "/a.b.c.d" netmask; a netmask must be contiguous ones to have a
 * prefix length) or an ipv6_address ("addr" with optional "/len").
 */
static int
cmp_ip_parse(enum oval_datatype dt, const char *s, struct cmp_ip *x,
    struct plumb_err *err)
{
	const char *p = s;
	unsigned char mask[4];
	unsigned v, i, plen;
	int seen0;

	memset(x, 0, sizeof(*x));
	if (dt == OVAL_DT_IPV4_ADDRESS) {
		x->bits = 32;
		if (cmp_ip_quad(&p, x->addr) == -1)
			goto bad;
	} else {
		x->bits = 128;
		if (cmp_ip6_addr(&p, x->addr) == -1)
			goto bad;
	}
	x->prefix = x->bits;
	if (*p == '/') {
		p++;
		if (dt == OVAL_DT_IPV4_ADDRESS && strchr(p, '.') != NULL) {
			if (cmp_ip_quad(&p, mask) == -1)
				goto bad;
			plen = 0;
			seen0 = 0;
			for (i = 0; i < 32; i++) {
				v = (mask[i / 8] >> (7 - i % 8)) & 1;
				if (v && seen0)
					goto bad;	/* not contiguous */
				if (v)
					plen++;
				else
					seen0 = 1;
			}
			x->prefix = plen;
		} else if (cmp_ip_num(&p, 3, x->bits, &x->prefix) == -1)
			goto bad;
	}
	if (*p != '\0')
		goto bad;
	cmp_ip_mask(x, x->prefix);
	return 0;
 bad:
	plumb_err_set(err, PLUMB_EINVAL, "%s: '" CMP_QUOTE "' is not an "
	    "address with optional prefix", oval_datatype_name(dt), s);
	return -1;
}

/* Order of the (masked) addresses alone, as unsigned integers. */
static int
cmp_ip_addr_order(const struct cmp_ip *a, const struct cmp_ip *b)
{
	return cmp_sign(memcmp(a->addr, b->addr, a->bits / 8));
}

/* Is every address of a inside b? */
static int
cmp_ip_subset(const struct cmp_ip *a, const struct cmp_ip *b)
{
	struct cmp_ip t = *a;

	if (a->prefix < b->prefix)
		return 0;
	cmp_ip_mask(&t, b->prefix);
	return memcmp(t.addr, b->addr, t.bits / 8) == 0;
}

/*
 * ipv4_address / ipv6_address by the schema's definitions: equals
 * compares address and prefix, the orderings need equal prefixes,
 * subset/superset are network containment.
 */
static enum oval_result
cmp_ip(enum oval_datatype dt, enum oval_operation op, const char *actual,
    const char *expected, struct plumb_err *err)
{
	struct cmp_ip a, b;
	int eq;

	if (cmp_ip_parse(dt, actual, &a, err) == -1 ||
	    cmp_ip_parse(dt, expected, &b, err) == -1)
		return OVAL_R_ERROR;
	eq = a.prefix == b.prefix && cmp_ip_addr_order(&a, &b) == CMP_EQ;
	switch (op) {
	case OVAL_OP_EQUALS:
		return eq ? OVAL_R_TRUE : OVAL_R_FALSE;
	case OVAL_OP_NOT_EQUAL:
		return eq ? OVAL_R_FALSE : OVAL_R_TRUE;
	case OVAL_OP_SUBSET_OF:
		return cmp_ip_subset(&a, &b) ? OVAL_R_TRUE : OVAL_R_FALSE;
	case OVAL_OP_SUPERSET_OF:
		return cmp_ip_subset(&b, &a) ? OVAL_R_TRUE : OVAL_R_FALSE;
	default:
		break;
	}
	/* The ordering operations are defined for equal prefixes only. */
	if (a.prefix != b.prefix) {
		plumb_err_set(err, PLUMB_EINVAL, "%s: '%s' needs equal prefix "
		    "lengths (/%u, /%u)", oval_datatype_name(dt),
		    oval_operation_name(op), a.prefix, b.prefix);
		return OVAL_R_ERROR;
	}
	return cmp_apply(op, cmp_ip_addr_order(&a, &b));
}

/* ---- pattern match ---- */

/* FNV-1a over the pattern text. */
static uint32_t
cmp_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* Compile pattern, as UTF-8 when it is valid UTF-8, else bytewise. */
static pcre2_code *
cmp_compile(const char *pattern, struct plumb_err *err)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off = 0;
	pcre2_code *code;
	int ec = 0;

	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec, &off, NULL);
	if (code == NULL && ec < 0) {
		/* Negative codes: the pattern itself is not UTF-8. */
		code = pcre2_compile((PCRE2_SPTR)pattern,
		    PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL);
	}
	if (code == NULL) {
		if (pcre2_get_error_message(ec, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", ec);
		plumb_err_set(err, PLUMB_EINVAL, "pattern match: '" CMP_QUOTE
		    "' does not compile at offset %zu: %s", pattern,
		    (size_t)off, (char *)msg);
	}
	return code;
}

/*
 * The compiled form of pattern from the cache, compiling it (and
 * evicting the least recently used entry of its set) on a miss.
 * NULL on a compile error or out of memory (err says which).
 */
static pcre2_code *
cmp_pattern_get(const char *pattern, struct plumb_err *err)
{
	struct cmp_pattern *set, *slot;
	pcre2_code *code;
	uint32_t h;
	char *copy;
	unsigned i;

	h = cmp_hash(pattern);
	set = cmp_cache[h % CACHE_SETS];
	for (i = 0; i < CACHE_WAYS; i++) {
		if (set[i].pattern != NULL && set[i].hash == h &&
		    strcmp(set[i].pattern, pattern) == 0) {
			set[i].used = ++cmp_clock;
			return set[i].code;
		}
	}
	if ((code = cmp_compile(pattern, err)) == NULL)
		return NULL;
	if ((copy = strdup(pattern)) == NULL) {
		pcre2_code_free(code);
		plumb_err_set(err, PLUMB_ENOMEM, "pattern match: %s",
		    plumb_strerror(PLUMB_ENOMEM));
		return NULL;
	}
	slot = &set[0];
	for (i = 0; i < CACHE_WAYS; i++) {
		if (set[i].pattern == NULL) {
			slot = &set[i];
			break;
		}
		if (set[i].used < slot->used)
			slot = &set[i];
	}
	free(slot->pattern);
	pcre2_code_free(slot->code);
	slot->pattern = copy;
	slot->hash = h;
	slot->code = code;
	slot->used = ++cmp_clock;
	return code;
}

/* Unanchored search for expected (a pattern) in actual, with limits. */
static enum oval_result
cmp_pattern(const char *actual, const char *expected, struct plumb_err *err)
{
	PCRE2_UCHAR msg[256];
	pcre2_code *code;
	int rc;

	if (strlen(expected) > PATTERN_MAX) {
		plumb_err_set(err, PLUMB_ELIMIT, "pattern match: pattern "
		    "longer than %d bytes", PATTERN_MAX);
		return OVAL_R_ERROR;
	}
	if (cmp_mctx == NULL) {
		if ((cmp_mctx = pcre2_match_context_create(NULL)) == NULL)
			goto nomem;
		regex_limits_apply(cmp_mctx);
	}
	if (cmp_mdata == NULL &&
	    (cmp_mdata = pcre2_match_data_create(1, NULL)) == NULL)
		goto nomem;
	if ((code = cmp_pattern_get(expected, err)) == NULL)
		return OVAL_R_ERROR;

	rc = pcre2_match(code, (PCRE2_SPTR)actual, PCRE2_ZERO_TERMINATED, 0,
	    0, cmp_mdata, cmp_mctx);
	if (rc >= 0)	/* 0: matched, ovector too small for groups */
		return OVAL_R_TRUE;
	if (rc == PCRE2_ERROR_NOMATCH)
		return OVAL_R_FALSE;
	if (pcre2_get_error_message(rc, msg, sizeof(msg)) < 0)
		snprintf((char *)msg, sizeof(msg), "error %d", rc);
	plumb_err_set(err, (rc == PCRE2_ERROR_MATCHLIMIT ||
	    rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT) ?
	    PLUMB_ELIMIT : PLUMB_EINVAL, "pattern match: '" CMP_QUOTE
	    "': %s", expected, (char *)msg);
	return OVAL_R_ERROR;
 nomem:
	plumb_err_set(err, PLUMB_ENOMEM, "pattern match: %s",
	    plumb_strerror(PLUMB_ENOMEM));
	return OVAL_R_ERROR;
}

/* Free every cached pattern and the match context; reusable after. */
void
oval_cmp_cleanup(void)
{
	unsigned i, j;

	for (i = 0; i < CACHE_SETS; i++) {
		for (j = 0; j < CACHE_WAYS; j++) {
			free(cmp_cache[i][j].pattern);
			pcre2_code_free(cmp_cache[i][j].code);
			cmp_cache[i][j].pattern = NULL;
			cmp_cache[i][j].code = NULL;
			cmp_cache[i][j].used = 0;
		}
	}
	cmp_clock = 0;
	pcre2_match_data_free(cmp_mdata);
	cmp_mdata = NULL;
	pcre2_match_context_free(cmp_mctx);
	cmp_mctx = NULL;
}

/* ---- string ---- */

/* string: byte equality, ASCII case folding, or a pattern search. */
static enum oval_result
cmp_string(enum oval_operation op, const char *actual, const char *expected,
    struct plumb_err *err)
{
	switch (op) {
	case OVAL_OP_EQUALS:
		return strcmp(actual, expected) == 0 ?
		    OVAL_R_TRUE : OVAL_R_FALSE;
	case OVAL_OP_NOT_EQUAL:
		return strcmp(actual, expected) != 0 ?
		    OVAL_R_TRUE : OVAL_R_FALSE;
	case OVAL_OP_CI_EQUALS:
		return cmp_strcasecmp(actual, expected) == 0 ?
		    OVAL_R_TRUE : OVAL_R_FALSE;
	case OVAL_OP_CI_NOT_EQUAL:
		return cmp_strcasecmp(actual, expected) != 0 ?
		    OVAL_R_TRUE : OVAL_R_FALSE;
	case OVAL_OP_PATTERN_MATCH:
		return cmp_pattern(actual, expected, err);
	default:
		break;
	}
	return OVAL_R_ERROR;
}

/* Check the pair and the values, then dispatch on the datatype. */
enum oval_result
oval_cmp(enum oval_datatype dt, enum oval_operation op, const char *actual,
    const char *expected, struct plumb_err *err)
{
	if (err != NULL) {
		err->code = PLUMB_OK;
		err->msg[0] = '\0';
	}
	if (actual == NULL || expected == NULL) {
		plumb_err_set(err, PLUMB_EINVAL,
		    "comparison of a missing value");
		return OVAL_R_ERROR;
	}
	if (!oval_cmp_allowed(dt, op)) {
		plumb_err_set(err, PLUMB_EINVAL,
		    "operation '%s' is not allowed for datatype %s",
		    oval_operation_name(op),
		    oval_datatype_name(dt));
		return OVAL_R_ERROR;
	}

	switch (dt) {
	case OVAL_DT_STRING:
		return cmp_string(op, actual, expected, err);
	case OVAL_DT_INT:
		return cmp_int(op, actual, expected, err);
	case OVAL_DT_FLOAT:
		return cmp_float(op, actual, expected, err);
	case OVAL_DT_BOOLEAN:
		return cmp_boolean(op, actual, expected, err);
	case OVAL_DT_BINARY:
		return cmp_binary(op, actual, expected, err);
	case OVAL_DT_EVR_STRING:
	case OVAL_DT_DEBIAN_EVR_STRING:
		return cmp_evr(dt, op, actual, expected, err);
	case OVAL_DT_FILESET_REVISION:
	case OVAL_DT_IOS_VERSION:
		return cmp_segments(dt, op, actual, expected, err);
	case OVAL_DT_VERSION:
		return cmp_version(op, actual, expected, err);
	case OVAL_DT_IPV4_ADDRESS:
	case OVAL_DT_IPV6_ADDRESS:
		return cmp_ip(dt, op, actual, expected, err);
	case OVAL_DT_RECORD:
	case OVAL_DT__COUNT:
		break;
	}
	plumb_err_set(err, PLUMB_ENOTSUP, "datatype %s is compared field by "
	    "field, not as one value", oval_datatype_name(dt));
	return OVAL_R_ERROR;
}

/*
 * Datatype order of two values that both convert, in *out; -1 when one
 * of them does not.  NaN sorts after every other float.
 */
static int
cmp_order_typed(enum oval_datatype dt, const char *a, const char *b,
    int *out)
{
	struct cmp_int ia, ib;
	struct cmp_ip pa, pb;
	const char *xa, *xae, *xb, *xbe;
	double fa, fb;
	int ba, bb, c;

	*out = 0;
	switch (dt) {
	case OVAL_DT_INT:
		if (cmp_int_parse(a, &ia, NULL) == -1 ||
		    cmp_int_parse(b, &ib, NULL) == -1)
			return -1;
		*out = cmp_int_order(&ia, &ib);
		return 0;
	case OVAL_DT_FLOAT:
		if (cmp_float_parse(a, &fa, NULL) == -1 ||
		    cmp_float_parse(b, &fb, NULL) == -1)
			return -1;
		c = cmp_float_order(fa, fb);
		if (c == CMP_UNORDERED)
			c = isnan(fa) ? CMP_GT : CMP_LT;
		*out = c;
		return 0;
	case OVAL_DT_BOOLEAN:
		if ((ba = cmp_bool_parse(a, NULL)) == -1 ||
		    (bb = cmp_bool_parse(b, NULL)) == -1)
			return -1;
		*out = cmp_sign(ba - bb);
		return 0;
	case OVAL_DT_BINARY:
		if (cmp_binary_parse(a, &xa, &xae, NULL) == -1 ||
		    cmp_binary_parse(b, &xb, &xbe, NULL) == -1)
			return -1;
		*out = cmp_binary_order(xa, xae, xb, xbe);
		return 0;
	case OVAL_DT_EVR_STRING:
	case OVAL_DT_DEBIAN_EVR_STRING:
		return cmp_evr_values(dt, a, b, out, NULL);
	case OVAL_DT_FILESET_REVISION:
	case OVAL_DT_IOS_VERSION:
		*out = cmp_rpm_order(a, a + strlen(a), b, b + strlen(b));
		return 0;
	case OVAL_DT_VERSION:
		if (cmp_version_check(a, NULL) == -1 ||
		    cmp_version_check(b, NULL) == -1)
			return -1;
		*out = cmp_version_order(a, b);
		return 0;
	case OVAL_DT_IPV4_ADDRESS:
	case OVAL_DT_IPV6_ADDRESS:
		if (cmp_ip_parse(dt, a, &pa, NULL) == -1 ||
		    cmp_ip_parse(dt, b, &pb, NULL) == -1)
			return -1;
		c = cmp_ip_addr_order(&pa, &pb);
		if (c == CMP_EQ && pa.prefix != pb.prefix)
			c = pa.prefix < pb.prefix ? CMP_LT : CMP_GT;
		*out = c;
		return 0;
	default:
		break;
	}
	return -1;
}

/*
 * Values that convert sort before values that do not; two values that
 * convert compare by datatype (0 when equal as values, e.g. int "01"
 * and "1"); two that do not convert compare bytewise.  This is a total
 * preorder, so sorting and deduplication are consistent.
 */
int
oval_cmp_order(enum oval_datatype dt, const char *a, const char *b)
{
	int c, oka, okb;

	if (a == NULL || b == NULL)
		return a == b ? 0 : (a == NULL ? -1 : 1);
	if (dt == OVAL_DT_STRING || dt == OVAL_DT_RECORD ||
	    (unsigned)dt >= OVAL_DT__COUNT)
		return cmp_sign(strcmp(a, b));
	if (cmp_order_typed(dt, a, b, &c) == 0)
		return c;
	oka = cmp_order_typed(dt, a, a, &c) == 0;
	okb = cmp_order_typed(dt, b, b, &c) == 0;
	if (oka != okb)
		return oka ? -1 : 1;
	return cmp_sign(strcmp(a, b));
}
