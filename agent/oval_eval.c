/* oval_eval.c: not written yet */
