/* xml_load.h: not written yet */
