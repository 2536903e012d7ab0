/* main.c - plumb command-line entry: dispatch to a subcommand. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "plumb/error.h"
#include "cmd.h"
#include "oval_cmp.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: plumb COMMAND [OPTIONS] ...\n"
	    "\n"
	    "Configuration-hardening and baseline audit agent.\n"
	    "\n"
	    "Commands:\n"
	    "  oval eval    evaluate OVAL definitions on this host "
	    "(or under --root)\n"
	    "  xccdf eval   evaluate an XCCDF benchmark or SCAP data stream\n"
	    "  info         describe a SCAP content file\n"
	    "  scan         scan as configured, sign, spool and deliver\n"
	    "  agent        run the scheduled audit agent (daemon)\n"
	    "  verify       check a signed results bundle\n"
	    "  spool        list, purge or flush the bundles awaiting upload\n"
	    "  sign-content sign SCAP content for require_signed_content\n"
	    "  enroll       get or renew this host's certificate from the "
	    "collector\n"
	    "\n"
	    "Options:\n"
	    "  -h, --help     show this help\n"
	    "  -V, --version  show the version\n"
	    "\n"
	    "Run 'plumb COMMAND --help' for a command's options.\n");
}

void
cmd_warnx(const char *fmt, ...)
{
	va_list ap;

	fputs("plumb: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cmd_warn_err(const struct plumb_err *err)
{
	cmd_warnx("%s", err->msg[0] ? err->msg : plumb_strerror(err->code));
}

const char *
cmd_eval_root(const char *root)
{
	const char *env;

	if (root == NULL && (env = getenv("OSCAP_PROBE_ROOT")) != NULL &&
	    *env != '\0')
		root = env;
	return root;
}

int
cmd_eval_only(int argc, char **argv, int (*eval_main)(int, char **),
    void (*print_usage)(FILE *), const char *synopsis)
{
	if (argc >= 2 && strcmp(argv[1], "eval") == 0)
		return eval_main(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		print_usage(stdout);
		return CMD_EXIT_OK;
	}
	cmd_warnx("usage: %s (see plumb %s eval --help)", synopsis, argv[0]);
	return CMD_EXIT_ERROR;
}

/* The commands: name and entry point (each parses its own options). */
struct cmd_entry {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct cmd_entry cmd_table[] = {
	{ "oval", cmd_oval },
	{ "xccdf", cmd_xccdf },
	{ "info", cmd_info },
	{ "scan", cmd_scan },
	{ "agent", cmd_agent },
	{ "verify", cmd_verify },
	{ "spool", cmd_spool },
	{ "sign-content", cmd_sign_content },
	{ "enroll", cmd_enroll },
};

/* The entry called name; NULL when there is none. */
static const struct cmd_entry *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cmd_table) / sizeof(cmd_table[0]); i++)
		if (strcmp(cmd_table[i].name, name) == 0)
			return &cmd_table[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct cmd_entry *c;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return CMD_EXIT_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("plumb %s\n", PACKAGE_VERSION);
		return CMD_EXIT_OK;
	}
	if ((c = cmd_find(argv[1])) == NULL) {
		cmd_warnx("unknown command '%s' (see plumb --help)", argv[1]);
		return CMD_EXIT_ERROR;
	}
	xmlInitParser();
	rc = c->run(argc - 1, argv + 1);
	oval_cmp_cleanup();
	xmlCleanupParser();
	return rc;
}
