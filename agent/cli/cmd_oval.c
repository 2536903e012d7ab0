/* cmd_oval.c - "plumb oval eval": evaluate an OVAL definitions file. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/error.h"
#include "agent_config.h"
#include "cmd.h"
#include "oval_doc.h"
#include "oval_eval.h"
#include "oval_results.h"

static void
eval_usage(FILE *f)
{
	fprintf(f,
	    "usage: plumb oval eval [--results FILE] [--variables FILE] "
	    "[--id DEFINITION_ID]\n"
	    "                       [--directives FILE] [--without-syschar] "
	    "[--thin]\n"
	    "                       [--skip-validation] [--root DIR] "
	    "[--config FILE] OVAL_FILE\n"
	    "\n"
	    "Evaluate the definitions of an OVAL 5.3-5.11 definitions file "
	    "and print\n"
	    "'Definition ID: RESULT' for each and 'Evaluation done.', as "
	    "oscap oval eval\n"
	    "does; a summary goes to standard error.\n"
	    "\n"
	    "  --results FILE    write an OVAL results document to FILE\n"
	    "  --variables FILE  take external variable values from an "
	    "OVAL variables file\n"
	    "  --id ID           evaluate only this definition "
	    "(and what it needs)\n"
	    "  --directives FILE which definition results to write, and with "
	    "which\n"
	    "                    content (an OVAL directives document)\n"
	    "  --without-syschar results without the collected objects and "
	    "items\n"
	    "  --thin            results with definition results only\n"
	    "  --skip-validation accepted for oscap scripts (no schema "
	    "validation is done)\n"
	    "  --root DIR        read the system under DIR instead of / "
	    "(default:\n"
	    "                    $OSCAP_PROBE_ROOT when set)\n"
	    "  --config FILE     take the [limits] of this agent "
	    "configuration (default:\n"
	    "                    " CONFIG_DEFAULT_PATH " when it exists)\n"
	    "  -h, --help        show this help\n"
	    "\n"
	    "Exit status: 0 when the evaluation completed, 1 on error.\n");
}

/* Print one definition line and count its result. */
static void
report(const struct oval_def_res *dr, unsigned *counts)
{
	printf("Definition %s: %s\n", dr->n->id, oval_result_name(dr->r));
	counts[dr->r]++;
}

static int
oval_eval_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "results", required_argument, NULL, 'r' },
		{ "variables", required_argument, NULL, 'v' },
		{ "id", required_argument, NULL, 'i' },
		{ "root", required_argument, NULL, 'R' },
		{ "thin", no_argument, NULL, 't' },
		{ "directives", required_argument, NULL, 'D' },
		{ "without-syschar", no_argument, NULL, 'W' },
		{ "skip-validation", no_argument, NULL, 'K' },
		{ "skip-valid", no_argument, NULL, 'K' },
		{ "config", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct oval_session_opts sopts = { NULL, 0 };
	struct oval_results_opts ropts = { 0 };
	const char *results = NULL, *variables = NULL, *id = NULL;
	const char *directives = NULL, *cfg_path = NULL;
	const struct oval_def_res *dr;
	struct oval_session *s = NULL;
	struct oval_doc *doc = NULL;
	struct plumb_err err = { 0, "" };
	unsigned counts[OVAL_R__COUNT] = { 0 }, k;
	size_t i, n;
	int ch, rc = CMD_EXIT_ERROR;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			results = optarg;
			break;
		case 'v':
			variables = optarg;
			break;
		case 'i':
			id = optarg;
			break;
		case 'R':
			sopts.root = optarg;
			break;
		case 't':
			ropts.thin = 1;
			break;
		case 'D':
			directives = optarg;
			break;
		case 'W':
			ropts.without_syschar = 1;
			break;
		case 'K':	/* plumb never validates against the schemas */
			break;
		case 'C':
			cfg_path = optarg;
			break;
		case 'h':
			eval_usage(stdout);
			return CMD_EXIT_OK;
		default:
			eval_usage(stderr);
			return CMD_EXIT_ERROR;
		}
	}
	if (optind != argc - 1) {
		eval_usage(stderr);
		return CMD_EXIT_ERROR;
	}
	sopts.root = cmd_eval_root(sopts.root);
	if (config_limits_load(cfg_path, &err) != 0 ||
	    (directives != NULL && oval_results_load_directives(directives,
	    &ropts, &err) != 0) ||
	    oval_doc_load(argv[optind], &doc, &err) != 0 ||
	    oval_session_new(doc, &sopts, &s, &err) != 0 ||
	    (variables != NULL &&
	    oval_session_load_variables(s, variables, &err) != 0))
		goto fail;
	if (id != NULL) {
		if (oval_session_eval(s, id, &dr, &err) != 0)
			goto fail;
		report(dr, counts);
	} else {
		n = oval_doc_count(doc, OVAL_K_DEF);
		for (i = 0; i < n; i++) {
			if (oval_session_eval(s, oval_doc_nth(doc, OVAL_K_DEF,
			    i)->id, &dr, &err) != 0)
				goto fail;
			report(dr, counts);
		}
	}
	/* The reference evaluator's closing line, for scripts that wait
	 * for it. */
	printf("Evaluation done.\n");
	if (fflush(stdout) != 0) {
		plumb_err_set(&err, PLUMB_EIO, "standard output: write error");
		goto fail;
	}
	if (results != NULL && oval_results_write(s, results, &ropts,
	    &err) != 0)
		goto fail;
	fprintf(stderr, "plumb: %s:", argv[optind]);
	for (k = 0; k < OVAL_R__COUNT; k++)
		fprintf(stderr, "%s %u %s", k ? "," : "", counts[k],
		    oval_result_name(k));
	fputc('\n', stderr);
	rc = CMD_EXIT_OK;
	goto out;
fail:
	cmd_warn_err(&err);
out:
	oval_session_free(s);
	oval_doc_free(doc);
	return rc;
}

int
cmd_oval(int argc, char **argv)
{
	return cmd_eval_only(argc, argv, oval_eval_main, eval_usage,
	    "plumb oval eval [OPTIONS] OVAL_FILE");
}
