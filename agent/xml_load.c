/* xml_load.c: not written yet */
