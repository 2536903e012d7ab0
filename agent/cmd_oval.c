/* cmd_oval.c: not written yet */
