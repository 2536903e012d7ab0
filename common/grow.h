/*
 * grow.h - room for one more element in a heap array that doubles:
 * the pattern every list of the agent and the collector follows
 * (n elements used out of cap allocated).
 */
#ifndef PLUMB_GROW_H
#define PLUMB_GROW_H

#include <stddef.h>

/*
 * arrp is the address of the array pointer (T **, passed as void *),
 * n the elements in use, *cap those allocated, size sizeof(T).  When
 * n < *cap nothing happens; otherwise the array is reallocated to
 * 2 * *cap elements, or first when *cap is 0, and *cap updated.  0, or
 * -1 when out of memory or the size overflows, leaving the array and
 * *cap as they were (the caller still owns and frees the array).
 */
int grow_array(void *arrp, size_t n, size_t *cap, size_t size,
    size_t first);

#endif /* PLUMB_GROW_H */
