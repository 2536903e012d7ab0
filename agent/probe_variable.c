/* probe_variable.c: not written yet */
