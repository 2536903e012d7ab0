/* cmd_info.c - "plumb info FILE": what a SCAP content file holds. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "plumb/error.h"
#include "agent_config.h"
#include "cmd.h"
#include "oval_doc.h"
#include "xccdf.h"
#include "xccdf_load.h"

static void
info_usage(FILE *f)
{
	fprintf(f,
	    "usage: plumb info FILE\n"
	    "\n"
	    "Describe a source data stream (streams, checklists with their "
	    "profiles,\n"
	    "tailorings, OVAL and CPE components), an XCCDF benchmark or "
	    "tailoring,\n"
	    "or an OVAL definitions file.  Component-refs to other files\n"
	    "(file:OTHER.xml#id) are followed as xccdf eval follows them, "
	    "under the\n"
	    "[limits] caps of " CONFIG_DEFAULT_PATH " when it exists.\n");
}

/* Text of the first child element called name (any namespace). */
static void
print_kid_text(const char *label, xmlNodePtr n, const char *name,
    const char *indent)
{
	xmlNodePtr k;
	xmlChar *t;

	for (k = n->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)k->name, name) != 0)
			continue;
		if ((t = xmlNodeGetContent(k)) != NULL) {
			printf("%s%s: %s\n", indent, label, (char *)t);
			xmlFree(t);
		}
		return;
	}
}

/* The profiles of a Benchmark or a Tailoring element. */
static void
print_profiles(xmlNodePtr n, const char *indent)
{
	xmlNodePtr k;
	const char *id;
	char sub[64];
	int any = 0;

	for (k = n->children; k != NULL; k = k->next) {
		if (!xccdf_is(k, NULL, "Profile"))
			continue;
		if (!any)
			printf("%sProfiles:\n", indent);
		any = 1;
		id = xccdf_attr(k, "id");
		snprintf(sub, sizeof(sub), "%s\t", indent);
		print_kid_text("Title", k, "title", sub);
		printf("%s\tId: %s\n", indent, id != NULL ? id : "");
	}
	if (!any)
		printf("%sProfiles: none\n", indent);
}

static void
print_benchmark(xmlNodePtr b, const char *indent)
{
	const char *id = xccdf_attr(b, "id");

	printf("%sBenchmark: %s\n", indent, id != NULL ? id : "");
	print_kid_text("Title", b, "title", indent);
	print_kid_text("Version", b, "version", indent);
	print_kid_text("Status", b, "status", indent);
	print_profiles(b, indent);
}

static const char *
comp_kind(xmlNodePtr t)
{
	if (t == NULL)
		return "missing";
	if (xccdf_is(t, NULL, "Benchmark"))
		return "XCCDF Benchmark";
	if (xccdf_is(t, NULL, "Tailoring"))
		return "XCCDF Tailoring";
	if (xccdf_is(t, OVAL_NS_DEF, "oval_definitions"))
		return "OVAL definitions";
	if (xccdf_is(t, XCCDF_NS_CPE_DICT, "cpe-list"))
		return "CPE dictionary";
	if (t->ns != NULL && strstr((const char *)t->ns->href, "ocil") != NULL)
		return "OCIL questionnaires";
	return (const char *)t->name;
}

/*
 * One stream's component-refs by section, each with what it leads to,
 * resolved as xccdf eval resolves them (external files included, under
 * the same caps and refusals); one that cannot be followed says why.
 */
static void
print_stream(struct xccdf_content *c, xmlNodePtr ds)
{
	static const char *const secs[] = { "checklists", "checks",
	    "dictionaries", "extended-components" };
	struct plumb_err err;
	xmlNodePtr sec, k, t;
	const char *id;
	size_t i;

	id = xccdf_attr(ds, "id");
	printf("Stream: %s\n", id != NULL ? id : "");
	if ((id = xccdf_attr(ds, "scap-version")) != NULL)
		printf("SCAP version: %s\n", id);
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		for (sec = ds->children; sec != NULL; sec = sec->next)
			if (xccdf_is(sec, XCCDF_NS_DS, secs[i]))
				break;
		if (sec == NULL)
			continue;
		printf("%c%s:\n", secs[i][0] - 'a' + 'A', secs[i] + 1);
		for (k = sec->children; k != NULL; k = k->next) {
			if (!xccdf_is(k, XCCDF_NS_DS, "component-ref"))
				continue;
			id = xccdf_attr(k, "id");
			memset(&err, 0, sizeof(err));
			if (xccdf_content_cref(c, k, &t, &err) != PLUMB_OK) {
				printf("\tRef-Id: %s (not loaded: %s)\n",
				    id != NULL ? id : "", err.msg[0] ?
				    err.msg : plumb_strerror(err.code));
				continue;
			}
			printf("\tRef-Id: %s (%s)\n", id != NULL ? id : "",
			    comp_kind(t));
			if (t != NULL && xccdf_is(t, NULL, "Benchmark"))
				print_benchmark(t, "\t\t");
			else if (t != NULL && xccdf_is(t, NULL, "Tailoring"))
				print_profiles(t, "\t\t");
		}
	}
}

int
cmd_info(int argc, char **argv)
{
	struct plumb_err err = { 0, "" };
	struct xccdf_content *c = NULL;
	xmlNodePtr root, k;
	int any = 0;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		info_usage(stdout);
		return CMD_EXIT_OK;
	}
	if (argc != 2 || argv[1][0] == '-') {
		info_usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (config_limits_load(NULL, &err) != PLUMB_OK ||
	    xccdf_content_open(argv[1], &c, &err) != PLUMB_OK) {
		cmd_warnx("%s", err.msg);
		return CMD_EXIT_ERROR;
	}
	root = xmlDocGetRootElement(xccdf_content_xml(c));
	if (xccdf_is(root, XCCDF_NS_DS, "data-stream-collection")) {
		printf("Document type: Source Data Stream\n");
		for (k = root->children; k != NULL; k = k->next) {
			if (!xccdf_is(k, XCCDF_NS_DS, "data-stream"))
				continue;
			printf("\n");
			print_stream(c, k);
			any = 1;
		}
		if (!any)
			printf("Streams: none\n");
	} else if (xccdf_is(root, NULL, "Benchmark")) {
		printf("Document type: XCCDF Checklist (%s)\n",
		    (const char *)root->ns->href);
		print_benchmark(root, "");
	} else if (xccdf_is(root, NULL, "Tailoring")) {
		printf("Document type: XCCDF Tailoring\n");
		print_profiles(root, "");
	} else if (xccdf_is(root, OVAL_NS_DEF, "oval_definitions")) {
		printf("Document type: OVAL Definitions\n");
	} else if (xccdf_is(root, XCCDF_NS_CPE_DICT, "cpe-list")) {
		printf("Document type: CPE Dictionary\n");
	} else {
		cmd_warnx("%s:%ld: unknown document type '%s'", argv[1],
		    root != NULL ? xmlGetLineNo(root) : 0L,
		    root != NULL ? (const char *)root->name : "");
		xccdf_content_free(c);
		return CMD_EXIT_ERROR;
	}
	xccdf_content_free(c);
	if (fflush(stdout) != 0) {
		cmd_warnx("standard output: write error");
		return CMD_EXIT_ERROR;
	}
	return CMD_EXIT_OK;
}
