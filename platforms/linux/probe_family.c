/* probe_family.c: not written yet */
