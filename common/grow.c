/*
 * grow.c - doubling growth of heap arrays (grow.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/grow.h"

int
grow_array(void *arrp, size_t n, size_t *cap, size_t size, size_t first)
{
	void *p, *np;
	size_t ncap;

	if (n < *cap)
		return 0;
	if (*cap == 0)
		ncap = first;
	else if (*cap > SIZE_MAX / 2)
		return -1;
	else
		ncap = *cap * 2;
	/* Checked here rather than left to reallocarray(): the sanitizers
	 * abort on an overflowing request instead of returning NULL. */
	if (size != 0 && ncap > SIZE_MAX / size)
		return -1;
	/* Through memcpy: arrp is a T **, not a void ** (aliasing). */
	memcpy(&p, arrp, sizeof(p));
	if ((np = reallocarray(p, ncap, size)) == NULL)
		return -1;
	memcpy(arrp, &np, sizeof(np));
	*cap = ncap;
	return 0;
}
