/* cmd_xccdf.c - "plumb xccdf eval": evaluate an XCCDF benchmark. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/error.h"
#include "agent_config.h"
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
	    "                        [--without-syschar] [--thin-results] "
	    "[--export-variables]\n"
	    "                        [--stig-viewer FILE] [--skip-validation] "
	    "[--report FILE]\n"
	    "                        [--json FILE] [--config FILE] CONTENT\n"
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
	    "rule's own selection);\n"
	    "                       a suffix of one profile id is enough\n"
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
	    "  --root DIR           read the system under DIR instead of / "
	    "(default:\n"
	    "                       $OSCAP_PROBE_ROOT when set)\n"
	    "  --progress           print 'RULE_ID:RESULT' lines only\n"
	    "  --results FILE       write XCCDF results (TestResult)\n"
	    "  --results-arf FILE   write an ARF report\n"
	    "  --oval-results       write NAME.result.xml for each OVAL "
	    "component used\n"
	    "  --without-syschar    OVAL results (files and ARF) without the "
	    "collected\n"
	    "                       objects and items\n"
	    "  --thin-results       OVAL results with definition results "
	    "only\n"
	    "  --export-variables   write NAME-0.variables-0.xml: the values "
	    "bound to each\n"
	    "                       OVAL component's external variables\n"
	    "  --stig-viewer FILE   write a TestResult whose rule-results "
	    "carry the\n"
	    "                       Rules' DISA STIG rule ids\n"
	    "  --skip-validation    accepted for oscap scripts (the content is "
	    "never\n"
	    "                       schema-validated); also --skip-valid\n"
	    "  --report FILE        write an HTML report\n"
	    "  --json FILE          write a JSON summary\n"
	    "  --config FILE        take the [limits] of this agent "
	    "configuration (default:\n"
	    "                       " CONFIG_DEFAULT_PATH " when it exists)\n"
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

/*
 * The file name the reference gives what it writes for an OVAL
 * component: the check-content-ref href as the checklist wrote it,
 * URL-escaped (every byte but letters, digits and "-._~" as %XX, so
 * "defs/a.xml" gives "defs%2Fa.xml"), then suffix, in the current
 * directory.
 */
static int
eval_comp_file(const char *href, const char *suffix, char *buf, size_t len,
    struct plumb_err *err)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t n = 0;

	for (p = (const unsigned char *)href; *p != '\0'; p++) {
		if (n + 4 >= len)
			goto toolong;
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL) {
			buf[n++] = (char)*p;
			continue;
		}
		buf[n++] = '%';
		buf[n++] = hex[*p >> 4];
		buf[n++] = hex[*p & 15];
	}
	if ((size_t)snprintf(buf + n, len - n, "%s", suffix) < len - n)
		return PLUMB_OK;
toolong:
	return plumb_err_set(err, PLUMB_ELIMIT, "%s: name too long", href);
}

/* NAME.result.xml for every OVAL component that was evaluated, and
 * with export_vars NAME-0.variables-0.xml for those that had external
 * variables bound (the reference's names: session 0, binding set 0;
 * plumb binds each variable once per component). */
static int
write_oval_files(struct xccdf_run *run, struct xccdf_content *c,
    int results, int export_vars, const struct oval_results_opts *ro,
    struct plumb_err *err)
{
	struct xccdf_oval_comp *oc;
	char path[4096];
	size_t i;
	int rc, written;

	for (i = 0; i < xccdf_content_oval_count(c); i++) {
		oc = xccdf_content_oval_nth(c, i);
		if (oc->session == NULL)
			continue;
		if (results && ((rc = eval_comp_file(oc->href, ".result.xml",
		    path, sizeof(path), err)) != PLUMB_OK ||
		    (rc = oval_results_write(oc->session, path, ro, err)) !=
		    PLUMB_OK))
			return rc;
		if (export_vars && ((rc = eval_comp_file(oc->href,
		    "-0.variables-0.xml", path, sizeof(path), err)) !=
		    PLUMB_OK || (rc = xccdf_write_variables(run, oc, path,
		    &written, err)) != PLUMB_OK))
			return rc;
	}
	return PLUMB_OK;
}

/* Does profile i's id end with suffix (and is it the first profile
 * with that id: a tailoring profile may shadow its base's)? */
static int
eval_suffix_match(const struct xccdf_benchmark *bm, size_t i,
    const char *suffix)
{
	const char *id = bm->profiles[i].id;
	size_t k, slen = strlen(suffix), ilen;

	if (id == NULL || (ilen = strlen(id)) <= slen ||
	    strcmp(id + ilen - slen, suffix) != 0)
		return 0;
	for (k = 0; k < i; k++)
		if (bm->profiles[k].id != NULL &&
		    strcmp(bm->profiles[k].id, id) == 0)
			return 0;
	return 1;
}

/*
 * The profile --profile names: a profile with that id, or else the one
 * profile whose id ends with it (as oscap 1.3.6 and later take
 * "cis_level2_server" for
 * "xccdf_org.ssgproject.content_profile_cis_level2_server").  No match:
 * the argument as given, for xccdf_resolve() to report.  More than one:
 * PLUMB_EINVAL, the candidates printed.
 */
static int
eval_profile_id(struct xccdf_content *c, const char *arg, const char **out,
    struct plumb_err *err)
{
	const struct xccdf_benchmark *bm = xccdf_content_benchmark(c);
	size_t i, n = 0;

	*out = arg;
	if (bm == NULL || xccdf_find_profile(c, arg) != NULL)
		return PLUMB_OK;
	for (i = 0; i < bm->nprofiles; i++)
		if (eval_suffix_match(bm, i, arg) && n++ == 0)
			*out = bm->profiles[i].id;
	if (n <= 1)
		return PLUMB_OK;
	*out = arg;
	cmd_warnx("--profile %s: %zu profiles end with it; give more of the "
	    "id:", arg, n);
	for (i = 0; i < bm->nprofiles; i++)
		if (eval_suffix_match(bm, i, arg))
			fprintf(stderr, "  %s\n", bm->profiles[i].id);
	return plumb_err_set(err, PLUMB_EINVAL, "%s: profile suffix '%s' "
	    "is ambiguous", xccdf_content_path(c), arg);
}

/* Where the documents go (NULL: not written). */
struct eval_files {
	const char *results, *arf, *report, *json, *stig;
};

/* The result writers (TestResult, ARF, HTML, JSON) live elsewhere. */
static int
write_outputs(struct xccdf_run *run, const struct eval_files *f,
    const struct oval_results_opts *ro, struct plumb_err *err)
{
	int rc;

	if (f->results != NULL &&
	    (rc = xccdf_write_results(run, f->results, err)) != PLUMB_OK)
		return rc;
	if (f->stig != NULL &&
	    (rc = xccdf_write_stig_viewer(run, f->stig, err)) != PLUMB_OK)
		return rc;
	if (f->arf != NULL &&
	    (rc = xccdf_write_arf_opts(run, f->arf, ro, err)) != PLUMB_OK)
		return rc;
	if (f->report != NULL &&
	    (rc = xccdf_write_html(run, f->report, err)) != PLUMB_OK)
		return rc;
	if (f->json != NULL && (rc = xccdf_write_json(run, f->json, err)) !=
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
		{ "without-syschar", no_argument, NULL, 'W' },
		{ "thin-results", no_argument, NULL, 'N' },
		{ "export-variables", no_argument, NULL, 'E' },
		{ "stig-viewer", required_argument, NULL, 'S' },
		{ "skip-validation", no_argument, NULL, 'K' },
		{ "skip-valid", no_argument, NULL, 'K' },
		{ "config", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct xccdf_load_opts lo;
	struct xccdf_eval_opts eo;
	struct oval_results_opts ro;
	struct eval_files f;
	struct eval_out out = { 0, 0 };
	struct xccdf_content *c = NULL;
	struct xccdf_run *run = NULL;
	struct plumb_err err = { 0, "" };
	const char *profile = NULL, *cfg_path = NULL;
	const char **rules = NULL, **skips = NULL;
	size_t nrules = 0, nskips = 0;
	int ch, oval_res = 0, export_vars = 0, rc = CMD_EXIT_ERROR;

	memset(&lo, 0, sizeof(lo));
	memset(&eo, 0, sizeof(eo));
	memset(&ro, 0, sizeof(ro));
	memset(&f, 0, sizeof(f));
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
			f.results = optarg;
			break;
		case 'a':
			f.arf = optarg;
			break;
		case 'v':
			oval_res = 1;
			break;
		case 'H':
			f.report = optarg;
			break;
		case 'j':
			f.json = optarg;
			break;
		case 'W':
			ro.without_syschar = 1;
			break;
		case 'N':
			ro.thin = 1;
			break;
		case 'E':
			export_vars = 1;
			break;
		case 'S':
			f.stig = optarg;
			break;
		case 'K':	/* plumb never validates against the schemas */
			break;
		case 'C':
			cfg_path = optarg;
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
	eo.root = cmd_eval_root(eo.root);
	eo.rules = rules;
	eo.nrules = nrules;
	eo.skip_rules = skips;
	eo.nskip_rules = nskips;
	eo.progress = eval_progress;
	eo.progress_arg = &out;
	lo.lean = f.results == NULL && f.arf == NULL && f.report == NULL &&
	    f.stig == NULL;
	if (config_limits_load(cfg_path, &err) != PLUMB_OK ||
	    xccdf_content_load(argv[optind], &lo, &c, &err) != PLUMB_OK ||
	    (profile != NULL &&
	    eval_profile_id(c, profile, &profile, &err) != PLUMB_OK) ||
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
	if ((oval_res || export_vars) && write_oval_files(run, c, oval_res,
	    export_vars, &ro, &err) != PLUMB_OK)
		goto fail;
	if (write_outputs(run, &f, &ro, &err) != PLUMB_OK)
		goto fail;
	xccdf_print_summary(stderr, run, f.report);
	rc = xccdf_run_failed(run) ? CMD_EXIT_FAIL : CMD_EXIT_OK;
	goto out;
fail:
	cmd_warn_err(&err);
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
	return cmd_eval_only(argc, argv, xccdf_eval_main, eval_usage,
	    "plumb xccdf eval [OPTIONS] CONTENT");
}
