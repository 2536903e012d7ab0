/* oval_doc.c: not written yet */
