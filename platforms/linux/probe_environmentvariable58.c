/* probe_environmentvariable58.c: not written yet */
