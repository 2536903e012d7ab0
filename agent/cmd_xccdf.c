/* cmd_xccdf.c - "plumb xccdf eval": evaluate an XCCDF benchmark. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/error.h"
#include "cmd.h"
#include "oval_results.h"
#include "xccdf.h"
#include "xccdf_write.h"

#define CMD_EXIT_FAIL	2	/* evaluated, some rule failed */
#define XCCDF_MAX_RULE_OPTS	4096

static void
eval_usage(FILE *f)
{
	fprintf(f,
	    "usage: plumb xccdf eval [--profile ID] [--tailoring-file FILE] "
	    "[--tailoring-id ID]\n"
	    "                        [--datastream-id ID] [--xccdf-id ID] "
	    "[--benchmark-id ID]\n"
	    "                        [--rule ID]... [--skip-rule ID]... "
	    "[--root DIR] [--progress]\n"
	    "                        [--results FILE] [--results-arf FILE] "
	    "[--oval-results]\n"
	    "                        [--report FILE] [--json FILE] CONTENT\n"
	    "\n"
	    "Evaluate the rules of an XCCDF 1.1/1.2 benchmark, standalone or "
	    "in a SCAP 1.2/1.3\n"
	    "source data stream, and print a Title/Rule/Result block for each "
	    "rule that was\n"
	    "selected, as oscap xccdf eval does; a summary (results, score) "
	    "goes to\n"
	    "standard error.\n"
	    "\n"
	    "  --profile ID         the profile to apply (default: every "
	    "rule's own selection)\n"
	    "  --tailoring-file F   an XCCDF Tailoring file with more "
	    "profiles\n"
	    "  --tailoring-id ID    a tailoring component-ref of the data "
	    "stream\n"
	    "  --datastream-id ID   the data stream (default: the first)\n"
	    "  --xccdf-id ID        the checklist component-ref (default: "
	    "the first)\n"
	    "  --benchmark-id ID    the checklist whose Benchmark has this id\n"
	    "  --rule ID            evaluate only this rule (repeatable)\n"
	    "  --skip-rule ID       do not evaluate this rule (repeatable)\n"
	    "  --root DIR           read the system under DIR instead of /\n"
	    "  --progress           print 'RULE_ID:RESULT' lines only\n"
	    "  --results FILE       write XCCDF results (TestResult)\n"
	    "  --results-arf FILE   write an ARF report\n"
	    "  --oval-results       write NAME.result.xml for each OVAL "
	    "component used\n"
	    "  --report FILE        write an HTML report\n"
	    "  --json FILE          write a JSON summary\n"
	    "  -h, --help           show this help\n"
	    "\n"
	    "Exit status: 0 evaluated and no rule failed, 2 some rule failed, "
	    "1 error.\n");
}

struct eval_out {
	int progress;
	int failed_io;
};

/* Print one result as it arrives (notselected ones are not shown). */
static void
eval_progress(const struct xccdf_rule_res *rr, void *arg)
{
	struct eval_out *eo = arg;

	if (rr->r == XCCDF_R_NOTSELECTED)
		return;
	if (eo->progress)
		printf("%s:%s\n", rr->rule->id, xccdf_result_name(rr->r));
	else
		printf("Title\r\t%s\nRule\r\t%s\nResult\r\t%s\n\n",
		    rr->rule->title != NULL ? rr->rule->title : "",
		    rr->rule->id, xccdf_result_name(rr->r));
	if (fflush(stdout) != 0)
		eo->failed_io = 1;
}

/* Write "<base name of href>.result.xml" for every OVAL component that
 * was evaluated, in the current directory, as the reference does. */
static int
write_oval_results(struct xccdf_content *c, struct plumb_err *err)
{
	struct oval_results_opts ro = { 0 };
	struct xccdf_oval_comp *oc;
	const char *base;
	char path[4096];
	size_t i;
	int rc;

	for (i = 0; i < xccdf_content_oval_count(c); i++) {
		oc = xccdf_content_oval_nth(c, i);
		if (oc->session == NULL)
			continue;
		base = strrchr(oc->href, '/');
		base = base != NULL ? base + 1 : oc->href;
		if ((size_t)snprintf(path, sizeof(path), "%s.result.xml",
		    base) >= sizeof(path))
			return plumb_err_set(err, PLUMB_ELIMIT,
			    "%s: name too long", oc->href);
		if ((rc = oval_results_write(oc->session, path, &ro, err)) !=
		    PLUMB_OK)
			return rc;
	}
	return PLUMB_OK;
}

/* The result writers (TestResult, ARF, HTML, JSON) live elsewhere. */
static int
write_outputs(struct xccdf_run *run, const char *results, const char *arf,
    const char *report, const char *json, struct plumb_err *err)
{
	int rc;

	if (results != NULL &&
	    (rc = xccdf_write_results(run, results, err)) != PLUMB_OK)
		return rc;
	if (arf != NULL && (rc = xccdf_write_arf(run, arf, err)) != PLUMB_OK)
		return rc;
	if (report != NULL && (rc = xccdf_write_html(run, report, err)) !=
	    PLUMB_OK)
		return rc;
	if (json != NULL && (rc = xccdf_write_json(run, json, err)) !=
	    PLUMB_OK)
		return rc;
	return PLUMB_OK;
}

static int
xccdf_eval_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "tailoring-file", required_argument, NULL, 'T' },
		{ "tailoring-id", required_argument, NULL, 't' },
		{ "datastream-id", required_argument, NULL, 'd' },
		{ "xccdf-id", required_argument, NULL, 'x' },
		{ "benchmark-id", required_argument, NULL, 'b' },
		{ "rule", required_argument, NULL, 'r' },
		{ "skip-rule", required_argument, NULL, 's' },
		{ "root", required_argument, NULL, 'R' },
		{ "progress", no_argument, NULL, 'P' },
		{ "results", required_argument, NULL, 'o' },
		{ "results-arf", required_argument, NULL, 'a' },
		{ "oval-results", no_argument, NULL, 'v' },
		{ "report", required_argument, NULL, 'H' },
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct xccdf_load_opts lo;
	struct xccdf_eval_opts eo;
	struct eval_out out = { 0, 0 };
	struct xccdf_content *c = NULL;
	struct xccdf_run *run = NULL;
	struct plumb_err err = { 0, "" };
	const char *profile = NULL, *results = NULL, *arf = NULL;
	const char *report = NULL, *json = NULL;
	const char **rules = NULL, **skips = NULL;
	size_t nrules = 0, nskips = 0;
	int ch, oval_res = 0, rc = CMD_EXIT_ERROR;

	memset(&lo, 0, sizeof(lo));
	memset(&eo, 0, sizeof(eo));
	rules = calloc(XCCDF_MAX_RULE_OPTS, sizeof(*rules));
	skips = calloc(XCCDF_MAX_RULE_OPTS, sizeof(*skips));
	if (rules == NULL || skips == NULL) {
		cmd_warnx("out of memory");
		goto out;
	}
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			profile = optarg;
			break;
		case 'T':
			lo.tailoring_file = optarg;
			break;
		case 't':
			lo.tailoring_id = optarg;
			break;
		case 'd':
			lo.datastream_id = optarg;
			break;
		case 'x':
			lo.xccdf_id = optarg;
			break;
		case 'b':
			lo.benchmark_id = optarg;
			break;
		case 'r':
		case 's':
			if ((ch == 'r' ? nrules : nskips) >=
			    XCCDF_MAX_RULE_OPTS) {
				cmd_warnx("too many --rule/--skip-rule options");
				goto out;
			}
			if (ch == 'r')
				rules[nrules++] = optarg;
			else
				skips[nskips++] = optarg;
			break;
		case 'R':
			eo.root = optarg;
			break;
		case 'P':
			out.progress = 1;
			break;
		case 'o':
			results = optarg;
			break;
		case 'a':
			arf = optarg;
			break;
		case 'v':
			oval_res = 1;
			break;
		case 'H':
			report = optarg;
			break;
		case 'j':
			json = optarg;
			break;
		case 'h':
			eval_usage(stdout);
			rc = CMD_EXIT_OK;
			goto out;
		default:
			eval_usage(stderr);
			goto out;
		}
	}
	if (optind != argc - 1) {
		eval_usage(stderr);
		goto out;
	}
	if (lo.tailoring_file != NULL && lo.tailoring_id != NULL) {
		cmd_warnx("--tailoring-file and --tailoring-id exclude each "
		    "other");
		goto out;
	}
	eo.rules = rules;
	eo.nrules = nrules;
	eo.skip_rules = skips;
	eo.nskip_rules = nskips;
	eo.progress = eval_progress;
	eo.progress_arg = &out;
	lo.lean = results == NULL && arf == NULL && report == NULL;
	if (xccdf_content_load(argv[optind], &lo, &c, &err) != PLUMB_OK ||
	    xccdf_resolve(c, profile, &err) != PLUMB_OK)
		goto fail;
	if (!out.progress)
		printf("--- Starting Evaluation ---\n\n");
	if (xccdf_eval(c, &eo, &run, &err) != PLUMB_OK)
		goto fail;
	if (out.failed_io || fflush(stdout) != 0) {
		plumb_err_set(&err, PLUMB_EIO, "standard output: write error");
		goto fail;
	}
	if (oval_res && write_oval_results(c, &err) != PLUMB_OK)
		goto fail;
	if (write_outputs(run, results, arf, report, json, &err) != PLUMB_OK)
		goto fail;
	xccdf_print_summary(stderr, run, report);
	rc = xccdf_run_failed(run) ? CMD_EXIT_FAIL : CMD_EXIT_OK;
	goto out;
fail:
	cmd_warnx("%s", err.msg[0] ? err.msg : plumb_strerror(err.code));
out:
	xccdf_run_free(run);
	xccdf_content_free(c);
	free(rules);
	free(skips);
	return rc;
}

int
cmd_xccdf(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "eval") == 0)
		return xccdf_eval_main(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		eval_usage(stdout);
		return CMD_EXIT_OK;
	}
	cmd_warnx("usage: plumb xccdf eval [OPTIONS] CONTENT "
	    "(see plumb xccdf eval --help)");
	return CMD_EXIT_ERROR;
}
