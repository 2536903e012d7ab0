/*
 * cmd.h - the plumb subcommands.  Each takes the arguments after its
 * own name (argv[0] is the subcommand) and returns the process exit
 * status: 0 done, 1 error (usage errors included).
 */
#ifndef PLUMB_CMD_H
#define PLUMB_CMD_H

#include <stdio.h>

#define CMD_EXIT_OK	0
#define CMD_EXIT_ERROR	1

int cmd_oval(int argc, char **argv);
int cmd_xccdf(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_agent(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_sign_content(int argc, char **argv);
int cmd_spool(int argc, char **argv);
int cmd_enroll(int argc, char **argv);

struct config;
/* Deliver the spool (for "plumb spool flush"): 0 when it is empty
 * afterwards, 1 when bundles remain or on errors (logged). */
int cmd_spool_flush(const struct config *cfg);

/*
 * A command whose one subcommand is "eval" (plumb oval, plumb xccdf):
 * runs eval_main with the arguments after "eval", print_usage on
 * stdout for -h/--help, else refuses with "usage: SYNOPSIS (see ...
 * --help)" where SYNOPSIS is "plumb CMD eval ...".
 */
int cmd_eval_only(int argc, char **argv, int (*eval_main)(int, char **),
    void (*print_usage)(FILE *), const char *synopsis);

/* "plumb: " + message on stderr. */
void cmd_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct plumb_err;
/* cmd_warnx() of err's message, or of its code's text when it has none. */
void cmd_warn_err(const struct plumb_err *err);

/*
 * The root an eval command scans: root (its --root option) when not
 * NULL, else $OSCAP_PROBE_ROOT when set and not empty (oscap-chroot
 * and container scanners set it), else NULL (the host).
 */
const char *cmd_eval_root(const char *root);

#endif /* PLUMB_CMD_H */
