/* oval_results.h: not written yet */
