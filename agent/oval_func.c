/* oval_func.c: not written yet */
