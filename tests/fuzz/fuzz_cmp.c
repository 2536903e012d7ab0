/*
 * fuzz_cmp.c - TEST ONLY: libFuzzer harness for the datatype comparison
 * and PCRE2 pattern code (agent/oval/oval_cmp.c).
 *
 * Input: byte 0 picks the datatype, byte 1 the operation, the rest is
 * "actual" NUL "expected" (no NUL: both are the rest).  Besides crashes
 * it checks that oval_cmp_order() is a consistent order for sorting:
 * order(a, b) and order(b, a) have opposite signs and order(a, a) is 0.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "plumb/error.h"
#include "oval_cmp.h"
#include "fuzz_util.h"

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plumb_err err = { 0, "" };
	enum oval_datatype dt;
	enum oval_operation op;
	enum oval_result r;
	char *buf, *a, *b, *nul;
	int ab, ba;

	if (size < 2)
		return 0;
	dt = (enum oval_datatype)(data[0] % OVAL_DT__COUNT);
	op = (enum oval_operation)(data[1] % OVAL_OP__COUNT);
	if ((buf = malloc(size - 2 + 1)) == NULL)
		return 0;
	memcpy(buf, data + 2, size - 2);
	buf[size - 2] = '\0';
	a = buf;
	b = (nul = memchr(buf, '\0', size - 2)) != NULL ? nul + 1 : buf;

	r = oval_cmp(dt, op, a, b, &err);
	if (r != OVAL_R_TRUE && r != OVAL_R_FALSE && r != OVAL_R_ERROR)
		abort();
	if (r == OVAL_R_ERROR && err.msg[0] == '\0')
		abort();	/* an error must say why */
	(void)oval_cmp_allowed(dt, op);
	ab = sign(oval_cmp_order(dt, a, b));
	ba = sign(oval_cmp_order(dt, b, a));
	if (ab != -ba || oval_cmp_order(dt, a, a) != 0) {
		fprintf(stderr, "oval_cmp_order(%d) inconsistent: "
		    "\"%s\" vs \"%s\": %d, %d\n", (int)dt, a, b, ab, ba);
		abort();
	}
	free(buf);
	return 0;
}
