/* oval_cmp.c: not written yet */
