/* main.c - plumb command-line entry: dispatch to a subcommand. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

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

int
main(int argc, char **argv)
{
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
	xmlInitParser();
	if (strcmp(argv[1], "oval") == 0) {
		rc = cmd_oval(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "xccdf") == 0) {
		rc = cmd_xccdf(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "info") == 0) {
		rc = cmd_info(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "scan") == 0) {
		rc = cmd_scan(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "agent") == 0) {
		rc = cmd_agent(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "verify") == 0) {
		rc = cmd_verify(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "spool") == 0) {
		rc = cmd_spool(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "sign-content") == 0) {
		rc = cmd_sign_content(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "enroll") == 0) {
		rc = cmd_enroll(argc - 1, argv + 1);
	} else {
		cmd_warnx("unknown command '%s' (see plumb --help)", argv[1]);
		rc = CMD_EXIT_ERROR;
	}
	oval_cmp_cleanup();
	xmlCleanupParser();
	return rc;
}
