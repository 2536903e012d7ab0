/* oval_eval.h: not written yet */
