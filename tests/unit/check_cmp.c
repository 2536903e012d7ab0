/*
 * check_cmp.c - oval_cmp() for every OVAL 5.11 datatype under each
 * operation the schema allows for it (true and false cases), malformed
 * values, disallowed pairs, patterns (errors, backtracking limits, the
 * cache) and oval_cmp_order().
 *
 * Expected values come from the schema annotations (oval-common-schema
 * SimpleDatatypeEnumeration, OperationEnumeration), rpm's documented
 * version ordering and Debian Policy 5.6.12, worked out by hand.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plumb/error.h"
#include "plumb/oval_types.h"
#include "oval_cmp.h"

#define T	OVAL_R_TRUE
#define F	OVAL_R_FALSE
#define E	OVAL_R_ERROR

#define EQ	OVAL_OP_EQUALS
#define NEQ	OVAL_OP_NOT_EQUAL
#define CIEQ	OVAL_OP_CI_EQUALS
#define CINE	OVAL_OP_CI_NOT_EQUAL
#define GT	OVAL_OP_GREATER
#define LT	OVAL_OP_LESS
#define GE	OVAL_OP_GREATER_EQUAL
#define LE	OVAL_OP_LESS_EQUAL
#define BAND	OVAL_OP_BITWISE_AND
#define BOR	OVAL_OP_BITWISE_OR
#define PAT	OVAL_OP_PATTERN_MATCH
#define SUB	OVAL_OP_SUBSET_OF
#define SUP	OVAL_OP_SUPERSET_OF

struct crow {
	enum oval_datatype	 dt;
	enum oval_operation	 op;
	const char		*actual;
	const char		*expected;
	enum oval_result	 want;
};

static const struct crow rows[] = {
	/* string */
	{ OVAL_DT_STRING, EQ, "abc", "abc", T },
	{ OVAL_DT_STRING, EQ, "abc", "abC", F },
	{ OVAL_DT_STRING, EQ, "", "", T },
	{ OVAL_DT_STRING, EQ, "abc", "abc ", F },
	{ OVAL_DT_STRING, NEQ, "abc", "abd", T },
	{ OVAL_DT_STRING, NEQ, "abc", "abc", F },
	{ OVAL_DT_STRING, CIEQ, "AbC", "aBc", T },
	{ OVAL_DT_STRING, CIEQ, "abc", "abd", F },
	{ OVAL_DT_STRING, CIEQ, "abc", "abcd", F },
	{ OVAL_DT_STRING, CINE, "abc", "abd", T },
	{ OVAL_DT_STRING, CINE, "ABC", "abc", F },
	{ OVAL_DT_STRING, PAT, "hello world", "o w", T },
	{ OVAL_DT_STRING, PAT, "hello", "^ello", F },
	{ OVAL_DT_STRING, PAT, "abc", "^a.c$", T },
	{ OVAL_DT_STRING, PAT, "abd", "^a.c$", F },
	{ OVAL_DT_STRING, PAT, "x=12", "^x=\\d+$", T },
	{ OVAL_DT_STRING, PAT, "ABC", "abc", F },
	{ OVAL_DT_STRING, PAT, "ABC", "(?i)abc", T },
	{ OVAL_DT_STRING, PAT, "", "^$", T },
	{ OVAL_DT_STRING, PAT, "line1\nline2", "^line2", F },
	/* UTF-8: '.' is one character, even a two-byte one. */
	{ OVAL_DT_STRING, PAT, "h\xc3\xa9llo", "^h.llo$", T },
	/* Invalid UTF-8 in the subject: no crash, the valid part matches. */
	{ OVAL_DT_STRING, PAT, "\xff\xfe" "abc", "abc", T },
	{ OVAL_DT_STRING, PAT, "\xff", "^.$", F },
	/* A pattern that is not UTF-8 is matched bytewise. */
	{ OVAL_DT_STRING, PAT, "a\xff" "b", "a\xff" "b", T },

	/* int */
	{ OVAL_DT_INT, EQ, "42", "42", T },
	{ OVAL_DT_INT, EQ, "42", "43", F },
	{ OVAL_DT_INT, EQ, " +042 ", "42", T },
	{ OVAL_DT_INT, EQ, "-0", "0", T },
	{ OVAL_DT_INT, EQ, "-1", "18446744073709551615", F },
	{ OVAL_DT_INT, NEQ, "1", "2", T },
	{ OVAL_DT_INT, NEQ, "7", "007", F },
	{ OVAL_DT_INT, GT, "123", "98", T },
	{ OVAL_DT_INT, GT, "98", "123", F },
	{ OVAL_DT_INT, GT, "-1", "-2", T },
	{ OVAL_DT_INT, GT, "-2", "1", F },
	{ OVAL_DT_INT, GT, "9223372036854775807", "9223372036854775806", T },
	{ OVAL_DT_INT, GT, "18446744073709551615", "9223372036854775807", T },
	{ OVAL_DT_INT, LT, "-5", "3", T },
	{ OVAL_DT_INT, LT, "3", "3", F },
	{ OVAL_DT_INT, LT, "-9223372036854775808", "0", T },
	{ OVAL_DT_INT, LT, "-9223372036854775808", "-9223372036854775807", T },
	{ OVAL_DT_INT, GE, "3", "3", T },
	{ OVAL_DT_INT, GE, "2", "3", F },
	{ OVAL_DT_INT, LE, "3", "3", T },
	{ OVAL_DT_INT, LE, "4", "3", F },
	/* bitwise and: (actual & stated) == stated */
	{ OVAL_DT_INT, BAND, "6", "4", T },
	{ OVAL_DT_INT, BAND, "1", "4", F },
	{ OVAL_DT_INT, BAND, "420", "256", T },		/* 0644 & 0400 */
	{ OVAL_DT_INT, BAND, "384", "2", F },		/* 0600 & 0002 */
	{ OVAL_DT_INT, BAND, "-1", "255", T },
	{ OVAL_DT_INT, BAND, "18446744073709551615", "9223372036854775808",
	    T },
	{ OVAL_DT_INT, BAND, "0", "0", T },
	/* bitwise or: (actual | stated) == stated */
	{ OVAL_DT_INT, BOR, "6", "14", T },
	{ OVAL_DT_INT, BOR, "1", "14", F },
	{ OVAL_DT_INT, BOR, "384", "448", T },	/* 0600 within 0700 */
	{ OVAL_DT_INT, BOR, "420", "448", F },	/* 0644 not in 0700 */

	/* float */
	{ OVAL_DT_FLOAT, EQ, "1e2", "100", T },
	{ OVAL_DT_FLOAT, EQ, "1.5", "1.25", F },
	{ OVAL_DT_FLOAT, EQ, " 2.50 ", "2.5", T },
	{ OVAL_DT_FLOAT, EQ, "-0", "0", T },
	{ OVAL_DT_FLOAT, EQ, "INF", "INF", T },
	{ OVAL_DT_FLOAT, EQ, "INF", "-INF", F },
	{ OVAL_DT_FLOAT, EQ, "NaN", "NaN", T },	/* XML Schema 1.0 */
	{ OVAL_DT_FLOAT, EQ, "NaN", "1", F },
	{ OVAL_DT_FLOAT, EQ, ".5", "5E-1", T },
	{ OVAL_DT_FLOAT, EQ, "1.", "1", T },
	{ OVAL_DT_FLOAT, NEQ, "1.5", "1.25", T },
	{ OVAL_DT_FLOAT, NEQ, "1.0", "1", F },
	{ OVAL_DT_FLOAT, NEQ, "NaN", "1", T },
	{ OVAL_DT_FLOAT, GT, "1.5", "1.25", T },
	{ OVAL_DT_FLOAT, GT, "-INF", "-1e300", F },
	{ OVAL_DT_FLOAT, GT, "INF", "1e300", T },
	{ OVAL_DT_FLOAT, GT, "NaN", "1", F },
	{ OVAL_DT_FLOAT, LT, "-INF", "-1e300", T },
	{ OVAL_DT_FLOAT, LT, "2", "1", F },
	{ OVAL_DT_FLOAT, LT, "NaN", "1", F },
	{ OVAL_DT_FLOAT, GE, "2.5", "2.5", T },
	{ OVAL_DT_FLOAT, GE, "2.4", "2.5", F },
	{ OVAL_DT_FLOAT, LE, "2.4", "2.5", T },
	{ OVAL_DT_FLOAT, LE, "2.6", "2.5", F },
	{ OVAL_DT_FLOAT, LE, "1", "NaN", F },

	/* boolean */
	{ OVAL_DT_BOOLEAN, EQ, "true", "1", T },
	{ OVAL_DT_BOOLEAN, EQ, "false", "0", T },
	{ OVAL_DT_BOOLEAN, EQ, "true", "true", T },
	{ OVAL_DT_BOOLEAN, EQ, "true", "false", F },
	{ OVAL_DT_BOOLEAN, EQ, "1", "0", F },
	{ OVAL_DT_BOOLEAN, NEQ, "true", "false", T },
	{ OVAL_DT_BOOLEAN, NEQ, "0", "false", F },

	/* binary */
	{ OVAL_DT_BINARY, EQ, "0aFF", "0AFF", T },
	{ OVAL_DT_BINARY, EQ, "00", "0000", F },
	{ OVAL_DT_BINARY, EQ, "", "", T },
	{ OVAL_DT_BINARY, NEQ, "0a", "0b", T },
	{ OVAL_DT_BINARY, NEQ, "AB", "ab", F },

	/* evr_string: epoch numeric (missing = 0), then rpm ordering */
	{ OVAL_DT_EVR_STRING, EQ, "0:1.0-1", "1.0-1", T },
	{ OVAL_DT_EVR_STRING, EQ, "1:1.0-1", "0:1.0-1", F },
	{ OVAL_DT_EVR_STRING, EQ, "0:1.0_1-1", "0:1.0.1-1", T },
	{ OVAL_DT_EVR_STRING, EQ, "00:1.0-1", "0:1.0-1", T },
	{ OVAL_DT_EVR_STRING, NEQ, "0:1.0-1", "0:1.0-2", T },
	{ OVAL_DT_EVR_STRING, NEQ, "0:1.0-1", "0:1.00-1", F },
	{ OVAL_DT_EVR_STRING, GT, "1:1.0-1", "0:2.0-1", T },
	{ OVAL_DT_EVR_STRING, GT, "1:1.0-1", "2.0-1", T },
	{ OVAL_DT_EVR_STRING, GT, "0:1.0-1", "0:1.0-1", F },
	{ OVAL_DT_EVR_STRING, GT, "0:1.10-1", "0:1.9-1", T },
	{ OVAL_DT_EVR_STRING, GT, "0:1.0.1-1", "0:1.0.a-1", T },
	{ OVAL_DT_EVR_STRING, GT, "0:1.0^git1-1", "0:1.0-1", T },
	{ OVAL_DT_EVR_STRING, GT, "0:1.0-1", "0:1.0^git1-1", F },
	{ OVAL_DT_EVR_STRING, LT, "0:1.0~rc1-1", "0:1.0-1", T },
	{ OVAL_DT_EVR_STRING, LT, "0:1.0-1", "0:1.0~rc1-1", F },
	{ OVAL_DT_EVR_STRING, LT, "0:1.0~rc1-1", "0:1.0~rc2-1", T },
	{ OVAL_DT_EVR_STRING, LT, "0:1.0~~-1", "0:1.0~-1", T },
	{ OVAL_DT_EVR_STRING, LT, "0:1.0^git1-1", "0:1.0.1-1", T },
	{ OVAL_DT_EVR_STRING, LT, "0:1.0a-1", "0:1.0b-1", T },
	{ OVAL_DT_EVR_STRING, LT, "0:1.0-1", "0:1.0-1.el8", T },
	{ OVAL_DT_EVR_STRING, LT, "0:2.0-1", "1:1.0-1", T },
	{ OVAL_DT_EVR_STRING, GE, "0:1.0a-1", "0:1.0-1", T },
	{ OVAL_DT_EVR_STRING, GE, "0:1.0-1", "0:1.0a-1", F },
	{ OVAL_DT_EVR_STRING, LE, "0:1.0-1", "0:1.0-1", T },
	{ OVAL_DT_EVR_STRING, LE, "0:2.0-1", "0:1.0-1", F },
	{ OVAL_DT_EVR_STRING, LE, "0:1.0-9", "0:1.0-10", T },

	/* debian_evr_string: Debian Policy 5.6.12 */
	{ OVAL_DT_DEBIAN_EVR_STRING, EQ, "0:1.0", "1.0", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, EQ, "1.0", "1.0-0", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, EQ, "1.0", "1.0-1", F },
	{ OVAL_DT_DEBIAN_EVR_STRING, EQ, "1.01", "1.1", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, NEQ, "1.0-1", "1.0-1ubuntu1", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, NEQ, "1:2.3-4", "1:2.3-4", F },
	{ OVAL_DT_DEBIAN_EVR_STRING, GT, "1:1.0", "2.0", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, GT, "1.0~rc1", "1.0", F },
	{ OVAL_DT_DEBIAN_EVR_STRING, GT, "2.30-4+deb12u1", "2.30-4", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, GT, "1.0-1ubuntu1", "1.0-1", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, LT, "1.0~rc1", "1.0", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, LT, "1.0", "1.0~rc1", F },
	{ OVAL_DT_DEBIAN_EVR_STRING, LT, "1.0-1", "1.0-1ubuntu1", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, LT, "2.30-4+deb12u1", "2.30-5", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, LT, "2.30-4+deb12u1", "2.30-4+deb12u2",
	    T },
	{ OVAL_DT_DEBIAN_EVR_STRING, LT, "1.0~~", "1.0~", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, LT, "1.0~", "1.0", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, LT, "1.0a", "1.0+", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, LT, "1.0", "1.0a", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, LT, "1.0", "1.0.1", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, LT, "1.2-3-4", "1.2-3-5", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, LT, "9.9", "1:0.1", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, GE, "2.30-4+deb12u1", "2.30-4+deb12u1",
	    T },
	{ OVAL_DT_DEBIAN_EVR_STRING, GE, "1.0-1", "1.0-1ubuntu1", F },
	{ OVAL_DT_DEBIAN_EVR_STRING, LE, "1.0-1ubuntu1", "1.0-1ubuntu1", T },
	{ OVAL_DT_DEBIAN_EVR_STRING, LE, "1:0.1", "9.9", F },

	/* version: numeric components, any single delimiter, pad with 0 */
	{ OVAL_DT_VERSION, EQ, "1.0", "1.0.0", T },
	{ OVAL_DT_VERSION, EQ, "1.2.3", "1.2.4", F },
	{ OVAL_DT_VERSION, EQ, "1-2-3", "1.2.3", T },
	{ OVAL_DT_VERSION, EQ, "01.2", "1.02", T },
	{ OVAL_DT_VERSION, NEQ, "1.2", "1.3", T },
	{ OVAL_DT_VERSION, NEQ, "1.2.0", "1.2", F },
	{ OVAL_DT_VERSION, GT, "1.10", "1.9", T },
	{ OVAL_DT_VERSION, GT, "4.23.6", "4.23.6", F },
	{ OVAL_DT_VERSION, GT, "1.18446744073709551616",
	    "1.18446744073709551615", T },
	{ OVAL_DT_VERSION, LT, "5.7.23", "5.8.0", T },
	{ OVAL_DT_VERSION, LT, "1.2.3", "1.2", F },
	{ OVAL_DT_VERSION, GE, "6.7.8.9", "1.2.3", T },
	{ OVAL_DT_VERSION, GE, "1.2.3", "6.7.8.9", F },
	{ OVAL_DT_VERSION, GE, "1.2.3.0", "1.2.3", T },
	{ OVAL_DT_VERSION, LE, "5.7.23", "5.8.0", T },
	{ OVAL_DT_VERSION, LE, "2.0", "1.99.99", F },

	/* fileset_revision (HP-UX), segment-wise */
	{ OVAL_DT_FILESET_REVISION, EQ, "A.03.61.00", "A.03.61.00", T },
	{ OVAL_DT_FILESET_REVISION, EQ, "A.03.61.00", "A.03.62.00", F },
	{ OVAL_DT_FILESET_REVISION, NEQ, "A.03.61.00", "A.03.62.00", T },
	{ OVAL_DT_FILESET_REVISION, NEQ, "A.03.61.00", "A.03.61.00", F },
	{ OVAL_DT_FILESET_REVISION, GT, "B.11.31", "B.11.23", T },
	{ OVAL_DT_FILESET_REVISION, GT, "A.03.61", "A.03.62", F },
	{ OVAL_DT_FILESET_REVISION, LT, "A.03.61", "A.03.62", T },
	{ OVAL_DT_FILESET_REVISION, LT, "B.11.31", "B.11.23", F },
	{ OVAL_DT_FILESET_REVISION, GE, "A.3.61", "A.03.61", T },
	{ OVAL_DT_FILESET_REVISION, GE, "A.03.60", "A.03.61", F },
	{ OVAL_DT_FILESET_REVISION, LE, "A.3.61", "A.03.61", T },
	{ OVAL_DT_FILESET_REVISION, LE, "A.03.62", "A.03.61", F },

	/* ios_version (Cisco trains), segment-wise */
	{ OVAL_DT_IOS_VERSION, EQ, "12.2(33)SXH", "12.2(33)SXH", T },
	{ OVAL_DT_IOS_VERSION, EQ, "12.2(33)SXH", "12.2(33)SXI", F },
	{ OVAL_DT_IOS_VERSION, NEQ, "12.2(33)SXH", "12.2(33)SXI", T },
	{ OVAL_DT_IOS_VERSION, NEQ, "12.2(33)SXH", "12.2(33)SXH", F },
	{ OVAL_DT_IOS_VERSION, GT, "15.0(1)M", "12.4(24)T", T },
	{ OVAL_DT_IOS_VERSION, GT, "12.2(33)SXH", "12.2(33)SXI", F },
	{ OVAL_DT_IOS_VERSION, LT, "12.2(33)SXH", "12.2(33)SXI", T },
	{ OVAL_DT_IOS_VERSION, LT, "15.0(1)M", "12.4(24)T", F },
	{ OVAL_DT_IOS_VERSION, GE, "12.2(33)SXH1", "12.2(33)SXH", T },
	{ OVAL_DT_IOS_VERSION, GE, "12.2(18)SXF", "12.2(33)SXH", F },
	{ OVAL_DT_IOS_VERSION, LE, "12.2(18)SXF", "12.2(33)SXH", T },
	{ OVAL_DT_IOS_VERSION, LE, "12.4(1)", "12.2(1)", F },

	/* ipv4_address: host bits beyond the prefix are ignored */
	{ OVAL_DT_IPV4_ADDRESS, EQ, "192.168.1.5/24", "192.168.1.0/24", T },
	{ OVAL_DT_IPV4_ADDRESS, EQ, "192.168.1.0/255.255.255.0",
	    "192.168.1.0/24", T },
	{ OVAL_DT_IPV4_ADDRESS, EQ, "192.000.002.000", "192.0.2.0", T },
	{ OVAL_DT_IPV4_ADDRESS, EQ, "10.0.0.1", "10.0.0.1/32", T },
	{ OVAL_DT_IPV4_ADDRESS, EQ, "10.0.0.1", "10.0.0.2", F },
	{ OVAL_DT_IPV4_ADDRESS, EQ, "10.0.0.0/8", "10.0.0.0/16", F },
	{ OVAL_DT_IPV4_ADDRESS, EQ, "0.0.0.0/0", "255.255.255.255/0", T },
	{ OVAL_DT_IPV4_ADDRESS, NEQ, "10.0.0.1", "10.0.0.2", T },
	{ OVAL_DT_IPV4_ADDRESS, NEQ, "10.0.0.1/32", "10.0.0.1", F },
	{ OVAL_DT_IPV4_ADDRESS, GT, "10.0.0.2", "10.0.0.1", T },
	{ OVAL_DT_IPV4_ADDRESS, GT, "10.0.0.1", "10.0.0.2", F },
	{ OVAL_DT_IPV4_ADDRESS, GT, "10.0.1.0/24", "10.0.0.0/24", T },
	{ OVAL_DT_IPV4_ADDRESS, GT, "128.0.0.0", "127.255.255.255", T },
	{ OVAL_DT_IPV4_ADDRESS, LT, "9.255.255.255", "10.0.0.0", T },
	{ OVAL_DT_IPV4_ADDRESS, LT, "10.0.0.0", "9.255.255.255", F },
	{ OVAL_DT_IPV4_ADDRESS, GE, "10.0.0.1", "10.0.0.1", T },
	{ OVAL_DT_IPV4_ADDRESS, GE, "10.0.0.0", "10.0.0.1", F },
	{ OVAL_DT_IPV4_ADDRESS, GE, "10.0.0.7/24", "10.0.0.200/24", T },
	{ OVAL_DT_IPV4_ADDRESS, LE, "10.0.0.0", "10.0.0.1", T },
	{ OVAL_DT_IPV4_ADDRESS, LE, "10.0.0.2", "10.0.0.1", F },
	{ OVAL_DT_IPV4_ADDRESS, SUB, "10.1.2.0/24", "10.0.0.0/8", T },
	{ OVAL_DT_IPV4_ADDRESS, SUB, "10.0.0.0/8", "10.1.2.0/24", F },
	{ OVAL_DT_IPV4_ADDRESS, SUB, "10.1.2.3", "10.1.2.0/24", T },
	{ OVAL_DT_IPV4_ADDRESS, SUB, "11.0.0.1", "10.0.0.0/8", F },
	{ OVAL_DT_IPV4_ADDRESS, SUB, "1.2.3.4", "0.0.0.0/0", T },
	{ OVAL_DT_IPV4_ADDRESS, SUB, "10.0.0.0/8", "10.0.0.0/8", T },
	{ OVAL_DT_IPV4_ADDRESS, SUB, "10.0.0.128/25", "10.0.0.0/25", F },
	{ OVAL_DT_IPV4_ADDRESS, SUP, "10.0.0.0/8", "10.1.2.3", T },
	{ OVAL_DT_IPV4_ADDRESS, SUP, "10.1.2.3", "10.0.0.0/8", F },
	{ OVAL_DT_IPV4_ADDRESS, SUP, "192.168.0.0/16", "192.169.0.0/24", F },

	/* ipv6_address */
	{ OVAL_DT_IPV6_ADDRESS, EQ, "2001:db8::1/64", "2001:db8::/64", T },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "2001:DB8:0:0:0:0:0:1", "2001:db8::1", T },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "::ffff:1.2.3.4", "::ffff:102:304", T },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "1:2:3:4:5:6:1.2.3.4",
	    "1:2:3:4:5:6:102:304", T },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0", T },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "::1", "0:0:0:0:0:0:0:1/128", T },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "::1", "::2", F },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "2001:db8::/32", "2001:db8::/48", F },
	{ OVAL_DT_IPV6_ADDRESS, NEQ, "::1", "::2", T },
	{ OVAL_DT_IPV6_ADDRESS, NEQ, "::", "0:0:0:0:0:0:0:0", F },
	{ OVAL_DT_IPV6_ADDRESS, GT, "::2", "::1", T },
	{ OVAL_DT_IPV6_ADDRESS, GT, "::1", "::2", F },
	{ OVAL_DT_IPV6_ADDRESS, GT, "2001:db8:0:1::/64", "2001:db8::/64", T },
	{ OVAL_DT_IPV6_ADDRESS, LT, "fe80::1", "ff02::1", T },
	{ OVAL_DT_IPV6_ADDRESS, LT, "ff02::1", "fe80::1", F },
	{ OVAL_DT_IPV6_ADDRESS, GE, "::1", "::1", T },
	{ OVAL_DT_IPV6_ADDRESS, GE, "::1", "::2", F },
	{ OVAL_DT_IPV6_ADDRESS, LE, "1::", "1::1", T },
	{ OVAL_DT_IPV6_ADDRESS, LE, "2::", "1:ffff::", F },
	{ OVAL_DT_IPV6_ADDRESS, SUB, "2001:db8:1::/48", "2001:db8::/32", T },
	{ OVAL_DT_IPV6_ADDRESS, SUB, "2001:db8::/32", "2001:db8:1::/48", F },
	{ OVAL_DT_IPV6_ADDRESS, SUB, "2001:db9::1", "2001:db8::/32", F },
	{ OVAL_DT_IPV6_ADDRESS, SUB, "::1", "::/0", T },
	{ OVAL_DT_IPV6_ADDRESS, SUB, "2001:db8:8000::/33", "2001:db8::/32", T },
	{ OVAL_DT_IPV6_ADDRESS, SUB, "2001:db8::/33", "2001:db8:8000::/33",
	    F },
	{ OVAL_DT_IPV6_ADDRESS, SUP, "2001:db8::/32", "2001:db8:1:2::5", T },
	{ OVAL_DT_IPV6_ADDRESS, SUP, "2001:db8::/32", "2001:db9::/32", F },
};

/* Malformed values: each is an error whichever side it is on. */
static const struct crow bad_rows[] = {
	{ OVAL_DT_INT, EQ, "0x10", "16", E },
	{ OVAL_DT_INT, EQ, "", "0", E },
	{ OVAL_DT_INT, EQ, "1.5", "1", E },
	{ OVAL_DT_INT, EQ, "abc", "1", E },
	{ OVAL_DT_INT, EQ, "1 2", "1", E },
	{ OVAL_DT_INT, EQ, "+", "1", E },
	{ OVAL_DT_INT, EQ, "18446744073709551616", "1", E },
	{ OVAL_DT_INT, EQ, "-9223372036854775809", "1", E },
	{ OVAL_DT_INT, BAND, "12abc", "4", E },
	{ OVAL_DT_FLOAT, EQ, "abc", "1", E },
	{ OVAL_DT_FLOAT, EQ, "1,5", "1", E },
	{ OVAL_DT_FLOAT, EQ, "inf", "1", E },
	{ OVAL_DT_FLOAT, EQ, "nan", "1", E },
	{ OVAL_DT_FLOAT, EQ, "Infinity", "1", E },
	{ OVAL_DT_FLOAT, EQ, "0x1p3", "8", E },
	{ OVAL_DT_FLOAT, EQ, "1e", "1", E },
	{ OVAL_DT_FLOAT, EQ, ".", "0", E },
	{ OVAL_DT_FLOAT, EQ, "", "0", E },
	{ OVAL_DT_BOOLEAN, EQ, "TRUE", "true", E },
	{ OVAL_DT_BOOLEAN, EQ, "yes", "true", E },
	{ OVAL_DT_BOOLEAN, EQ, "", "false", E },
	{ OVAL_DT_BINARY, EQ, "abc", "abc", E },
	{ OVAL_DT_BINARY, EQ, "0g", "0a", E },
	{ OVAL_DT_EVR_STRING, EQ, "abc:1.0-1", "1.0-1", E },
	{ OVAL_DT_EVR_STRING, EQ, ":1.0-1", "1.0-1", E },
	{ OVAL_DT_EVR_STRING, EQ, "", "1.0-1", E },
	{ OVAL_DT_EVR_STRING, EQ, "1.0-", "1.0-1", E },
	{ OVAL_DT_EVR_STRING, EQ, "1:", "1.0-1", E },
	{ OVAL_DT_DEBIAN_EVR_STRING, EQ, "a:1", "1", E },
	{ OVAL_DT_DEBIAN_EVR_STRING, EQ, "", "1", E },
	{ OVAL_DT_DEBIAN_EVR_STRING, EQ, "1.0-", "1.0", E },
	{ OVAL_DT_DEBIAN_EVR_STRING, EQ, "1.0 beta", "1.0", E },
	{ OVAL_DT_DEBIAN_EVR_STRING, EQ, "1.0-1_2", "1.0", E },
	{ OVAL_DT_VERSION, EQ, "1..2", "1.0.2", E },
	{ OVAL_DT_VERSION, EQ, "1.0-rc1", "1.0", E },
	{ OVAL_DT_VERSION, EQ, "", "0", E },
	{ OVAL_DT_VERSION, EQ, "1.", "1", E },
	{ OVAL_DT_VERSION, EQ, ".1", "0.1", E },
	{ OVAL_DT_VERSION, EQ, "a", "1", E },
	{ OVAL_DT_FILESET_REVISION, EQ, "", "A.1", E },
	{ OVAL_DT_IOS_VERSION, EQ, "", "12.2", E },
	{ OVAL_DT_IPV4_ADDRESS, EQ, "256.1.1.1", "1.1.1.1", E },
	{ OVAL_DT_IPV4_ADDRESS, EQ, "1.2.3.4/33", "1.2.3.4", E },
	{ OVAL_DT_IPV4_ADDRESS, EQ, "1.2.3.4/255.0.255.0", "1.2.3.4", E },
	{ OVAL_DT_IPV4_ADDRESS, EQ, "1.2.3", "1.2.3.0", E },
	{ OVAL_DT_IPV4_ADDRESS, EQ, "1.2.3.4.5", "1.2.3.4", E },
	{ OVAL_DT_IPV4_ADDRESS, EQ, "", "1.2.3.4", E },
	{ OVAL_DT_IPV4_ADDRESS, EQ, "1.2.3.4/", "1.2.3.4", E },
	{ OVAL_DT_IPV4_ADDRESS, EQ, "1.2.3.4 ", "1.2.3.4", E },
	{ OVAL_DT_IPV4_ADDRESS, EQ, "1.2.3.0004", "1.2.3.4", E },
	{ OVAL_DT_IPV4_ADDRESS, EQ, "1.2.3.4/24/1", "1.2.3.4", E },
	{ OVAL_DT_IPV4_ADDRESS, SUB, "::1", "::/0", E },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "2001:db8::g", "2001:db8::", E },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "1::2::3", "1::", E },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "1:2:3:4:5:6:7:8:9", "1::", E },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "1:2:3:4:5:6:7", "1::", E },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "1::2:3:4:5:6:7:8", "1::", E },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "1:2:3:4:5:6:7:1.2.3.4", "1::", E },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "::1.2.3", "::", E },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "::/129", "::", E },
	{ OVAL_DT_IPV6_ADDRESS, EQ, ":1::", "1::", E },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "1:", "1::", E },
	{ OVAL_DT_IPV6_ADDRESS, EQ, ":::", "::", E },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "fe80::1%eth0", "fe80::1", E },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "12345::", "1::", E },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "", "::", E },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "1.2.3.4", "::", E },
	{ OVAL_DT_IPV6_ADDRESS, EQ, "::1/64/1", "::", E },
};

#define NROWS(a)	(sizeof(a) / sizeof((a)[0]))

START_TEST(test_rows)
{
	const struct crow *r = &rows[_i];
	struct plumb_err err;
	enum oval_result got;

	got = oval_cmp(r->dt, r->op, r->actual, r->expected, &err);
	ck_assert_msg(got == r->want, "%s '%s' %s '%s': got %s, want %s (%s)",
	    oval_datatype_name(r->dt), r->actual, oval_operation_name(r->op),
	    r->expected, oval_result_name(got), oval_result_name(r->want),
	    got == OVAL_R_ERROR ? err.msg : "");
	if (got != OVAL_R_ERROR)
		ck_assert_int_eq(err.code, PLUMB_OK);
}
END_TEST

/* A malformed value is an error on either side, with a reason. */
START_TEST(test_bad_values)
{
	const struct crow *r = &bad_rows[_i];
	struct plumb_err err;
	enum oval_result got;

	got = oval_cmp(r->dt, r->op, r->actual, r->expected, &err);
	ck_assert_msg(got == OVAL_R_ERROR, "%s '%s' %s '%s': got %s",
	    oval_datatype_name(r->dt), r->actual, oval_operation_name(r->op),
	    r->expected, oval_result_name(got));
	ck_assert_int_eq(err.code, PLUMB_EINVAL);
	ck_assert_msg(err.msg[0] != '\0', "no reason given");
	got = oval_cmp(r->dt, r->op, r->expected, r->actual, &err);
	ck_assert_msg(got == OVAL_R_ERROR, "%s '%s' %s '%s' (swapped): got %s",
	    oval_datatype_name(r->dt), r->expected,
	    oval_operation_name(r->op), r->actual, oval_result_name(got));
	/* err may be NULL. */
	ck_assert_int_eq(oval_cmp(r->dt, r->op, r->actual, r->expected, NULL),
	    OVAL_R_ERROR);
}
END_TEST

/* Ordering operations on ip addresses with different prefixes. */
START_TEST(test_ip_prefix_mismatch)
{
	static const enum oval_operation ops[] = { GT, GE, LT, LE };
	struct plumb_err err;
	size_t i;

	for (i = 0; i < NROWS(ops); i++) {
		ck_assert_int_eq(oval_cmp(OVAL_DT_IPV4_ADDRESS, ops[i],
		    "10.0.0.2/24", "10.0.0.1", &err), E);
		ck_assert_ptr_nonnull(strstr(err.msg, "prefix"));
		ck_assert_int_eq(oval_cmp(OVAL_DT_IPV6_ADDRESS, ops[i],
		    "::2/64", "::1", &err), E);
	}
	/* equals / not equal / subset do not need equal prefixes */
	ck_assert_int_eq(oval_cmp(OVAL_DT_IPV4_ADDRESS, NEQ, "10.0.0.2/24",
	    "10.0.0.1", &err), T);
}
END_TEST

/*
 * The allowed pairs, written out from the schema's datatype rules:
 * s = string ops, o = ordering ops, b = bitwise, n = subset/superset.
 */
START_TEST(test_allowed)
{
	/* columns: EQ NEQ CIEQ CINE GT LT GE LE BAND BOR PAT SUB SUP */
	static const char allowed[OVAL_DT__COUNT][OVAL_OP__COUNT + 1] = {
		[OVAL_DT_STRING] =		"1111000000100",
		[OVAL_DT_INT] =			"1100111111000",
		[OVAL_DT_FLOAT] =		"1100111100000",
		[OVAL_DT_BOOLEAN] =		"1100000000000",
		[OVAL_DT_BINARY] =		"1100000000000",
		[OVAL_DT_EVR_STRING] =		"1100111100000",
		[OVAL_DT_DEBIAN_EVR_STRING] =	"1100111100000",
		[OVAL_DT_FILESET_REVISION] =	"1100111100000",
		[OVAL_DT_IOS_VERSION] =		"1100111100000",
		[OVAL_DT_VERSION] =		"1100111100000",
		[OVAL_DT_IPV4_ADDRESS] =	"1100111100011",
		[OVAL_DT_IPV6_ADDRESS] =	"1100111100011",
		[OVAL_DT_RECORD] =		"1000000000000",
	};
	struct plumb_err err;
	int dt, op, want;

	for (dt = 0; dt < OVAL_DT__COUNT; dt++) {
		for (op = 0; op < OVAL_OP__COUNT; op++) {
			want = allowed[dt][op] == '1';
			ck_assert_msg(oval_cmp_allowed(dt, op) == want,
			    "allowed(%s, %s) should be %d",
			    oval_datatype_name(dt), oval_operation_name(op),
			    want);
			if (want)
				continue;
			ck_assert_msg(oval_cmp(dt, op, "1", "1", &err) == E,
			    "%s %s must be an error", oval_datatype_name(dt),
			    oval_operation_name(op));
			ck_assert_ptr_nonnull(strstr(err.msg, "not allowed"));
		}
	}
	ck_assert_int_eq(oval_cmp_allowed(OVAL_DT__COUNT, EQ), 0);
	ck_assert_int_eq(oval_cmp_allowed(OVAL_DT_STRING, OVAL_OP__COUNT), 0);
	/* Records are compared field by field by the engine. */
	ck_assert_int_eq(oval_cmp(OVAL_DT_RECORD, EQ, "a", "a", &err), E);
	ck_assert_int_eq(err.code, PLUMB_ENOTSUP);
	ck_assert_int_eq(oval_cmp(OVAL_DT__COUNT, EQ, "a", "a", &err), E);
	ck_assert_int_eq(oval_cmp(OVAL_DT_STRING, EQ, NULL, "a", &err), E);
	ck_assert_int_eq(oval_cmp(OVAL_DT_STRING, EQ, "a", NULL, NULL), E);
}
END_TEST

START_TEST(test_bad_pattern)
{
	struct plumb_err err;

	ck_assert_int_eq(oval_cmp(OVAL_DT_STRING, PAT, "ab", "a(b", &err), E);
	ck_assert_int_eq(err.code, PLUMB_EINVAL);
	ck_assert_msg(strstr(err.msg, "offset 3") != NULL &&
	    strstr(err.msg, "parenthesis") != NULL, "message: %s", err.msg);
	ck_assert_int_eq(oval_cmp(OVAL_DT_STRING, PAT, "ab", "[b", &err), E);
	ck_assert_ptr_nonnull(strstr(err.msg, "offset"));
	ck_assert_int_eq(oval_cmp(OVAL_DT_STRING, PAT, "ab", "*", &err), E);
	/* A bad pattern is not cached as good: still an error. */
	ck_assert_int_eq(oval_cmp(OVAL_DT_STRING, PAT, "ab", "a(b", &err), E);
	/* A good one after a bad one works. */
	ck_assert_int_eq(oval_cmp(OVAL_DT_STRING, PAT, "ab", "a(b)", &err), T);
}
END_TEST

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Catastrophic backtracking hits the match limits, quickly. */
START_TEST(test_backtracking)
{
	static const char *const pats[][2] = {
		{ "(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" },
		{ "^(a|aa)+$",
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" },
		{ "(\\w+\\s?)+$",
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" },
	};
	struct plumb_err err;
	double t0;
	size_t i;

	for (i = 0; i < NROWS(pats); i++) {
		t0 = now();
		ck_assert_int_eq(oval_cmp(OVAL_DT_STRING, PAT, pats[i][1],
		    pats[i][0], &err), E);
		ck_assert_msg(now() - t0 < 2.0, "%s took %.2fs", pats[i][0],
		    now() - t0);
		ck_assert_int_eq(err.code, PLUMB_ELIMIT);
		ck_assert_msg(strstr(err.msg, "limit") != NULL, "message: %s",
		    err.msg);
	}
	/* The same pattern still matches where it should. */
	ck_assert_int_eq(oval_cmp(OVAL_DT_STRING, PAT, "xaaa", "(a+)+$",
	    &err), T);
}
END_TEST

/*
 * Many distinct patterns (more than the cache holds) each give the
 * right answer, also when they come back after eviction, and after
 * oval_cmp_cleanup().
 */
START_TEST(test_pattern_cache)
{
	char pat[64], subj[64], other[64];
	struct plumb_err err;
	int round, i;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < 1000; i++) {
			snprintf(pat, sizeof(pat), "^item%d$", i);
			snprintf(subj, sizeof(subj), "item%d", i);
			snprintf(other, sizeof(other), "item%d", i + 1);
			ck_assert_int_eq(oval_cmp(OVAL_DT_STRING, PAT, subj,
			    pat, &err), T);
			ck_assert_int_eq(oval_cmp(OVAL_DT_STRING, PAT, other,
			    pat, &err), F);
		}
		if (round == 1)
			oval_cmp_cleanup();
	}
	oval_cmp_cleanup();
	oval_cmp_cleanup();	/* twice is harmless */
	ck_assert_int_eq(oval_cmp(OVAL_DT_STRING, PAT, "abc", "b", &err), T);
	oval_cmp_cleanup();
}
END_TEST

START_TEST(test_order)
{
	/* int: numeric, "01" and "1" are the same value */
	ck_assert_int_gt(oval_cmp_order(OVAL_DT_INT, "10", "9"), 0);
	ck_assert_int_eq(oval_cmp_order(OVAL_DT_INT, "01", "1"), 0);
	ck_assert_int_lt(oval_cmp_order(OVAL_DT_INT, "-3", "2"), 0);
	/* values that do not convert sort after those that do */
	ck_assert_int_gt(oval_cmp_order(OVAL_DT_INT, "abc", "1"), 0);
	ck_assert_int_lt(oval_cmp_order(OVAL_DT_INT, "1", "abc"), 0);
	ck_assert_int_lt(oval_cmp_order(OVAL_DT_INT, "abc", "abd"), 0);
	/* string: byte order */
	ck_assert_int_lt(oval_cmp_order(OVAL_DT_STRING, "B", "a"), 0);
	ck_assert_int_eq(oval_cmp_order(OVAL_DT_STRING, "a", "a"), 0);
	ck_assert_int_gt(oval_cmp_order(OVAL_DT_STRING, "ab", "a"), 0);
	/* the datatype orders */
	ck_assert_int_eq(oval_cmp_order(OVAL_DT_VERSION, "1.0", "1.0.0"), 0);
	ck_assert_int_gt(oval_cmp_order(OVAL_DT_VERSION, "1.10", "1.9"), 0);
	ck_assert_int_gt(oval_cmp_order(OVAL_DT_EVR_STRING, "1:1.0-1",
	    "2.0-1"), 0);
	ck_assert_int_lt(oval_cmp_order(OVAL_DT_DEBIAN_EVR_STRING, "1.0~rc1",
	    "1.0"), 0);
	ck_assert_int_lt(oval_cmp_order(OVAL_DT_IPV4_ADDRESS, "10.0.0.0/8",
	    "10.0.0.0/16"), 0);
	ck_assert_int_lt(oval_cmp_order(OVAL_DT_IPV4_ADDRESS, "9.0.0.0",
	    "10.0.0.0"), 0);
	ck_assert_int_gt(oval_cmp_order(OVAL_DT_IPV6_ADDRESS, "::2", "::1"),
	    0);
	ck_assert_int_gt(oval_cmp_order(OVAL_DT_FLOAT, "NaN", "INF"), 0);
	ck_assert_int_lt(oval_cmp_order(OVAL_DT_FLOAT, "-INF", "-1e300"), 0);
	ck_assert_int_lt(oval_cmp_order(OVAL_DT_BOOLEAN, "false", "1"), 0);
	ck_assert_int_eq(oval_cmp_order(OVAL_DT_BOOLEAN, "true", "1"), 0);
	ck_assert_int_eq(oval_cmp_order(OVAL_DT_BINARY, "0A", "0a"), 0);
	ck_assert_int_lt(oval_cmp_order(OVAL_DT_IOS_VERSION, "12.2(33)SXH",
	    "12.2(33)SXI"), 0);
	ck_assert_int_eq(oval_cmp_order(OVAL_DT_STRING, NULL, NULL), 0);
}
END_TEST

static int
deb_qsort(const void *a, const void *b)
{
	return oval_cmp_order(OVAL_DT_DEBIAN_EVR_STRING,
	    *(const char *const *)a, *(const char *const *)b);
}

/* Sorting Debian versions gives the Policy order. */
START_TEST(test_order_sort)
{
	const char *v[] = { "1:0.1", "1.0+b1", "1.0", "1.0-1", "1.0~rc1",
	    "not a version", "1.0~rc1~1" };
	const char *want[] = { "1.0~rc1~1", "1.0~rc1", "1.0", "1.0-1",
	    "1.0+b1", "1:0.1", "not a version" };
	size_t i;

	qsort(v, NROWS(v), sizeof(v[0]), deb_qsort);
	for (i = 0; i < NROWS(v); i++)
		ck_assert_str_eq(v[i], want[i]);
}
END_TEST

static Suite *
cmp_suite(void)
{
	Suite *s = suite_create("cmp");
	TCase *tc = tcase_create("cmp");

	tcase_add_loop_test(tc, test_rows, 0, (int)NROWS(rows));
	tcase_add_loop_test(tc, test_bad_values, 0, (int)NROWS(bad_rows));
	tcase_add_test(tc, test_ip_prefix_mismatch);
	tcase_add_test(tc, test_allowed);
	tcase_add_test(tc, test_bad_pattern);
	tcase_add_test(tc, test_backtracking);
	tcase_add_test(tc, test_pattern_cache);
	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_order_sort);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(cmp_suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	oval_cmp_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
