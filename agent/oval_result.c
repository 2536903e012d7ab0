/* oval_result.c: not written yet */
