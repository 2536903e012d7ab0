/* oval_results.c: not written yet */
