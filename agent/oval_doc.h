/* oval_doc.h: not written yet */
