/*
 * check_xml.c - the safe XML loader on good and hostile documents:
 * truncated and malformed input, XXE, billion laughs, a huge attribute,
 * deep nesting, empty, missing and oversized files, and the
 * promise that libxml2 prints nothing and global state is restored.
 */
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "plumb/error.h"
#include "xml_load.h"

static char tmpdir[] = "/tmp/plumb-check-xml-XXXXXX";

/* Write len bytes of text to NAME in the test directory; returns path. */
static const char *
write_file(const char *name, const char *text, size_t len)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Serialise doc; the caller frees the text with xmlFree(). */
static char *
dump(xmlDocPtr doc)
{
	xmlChar *s = NULL;
	int n = 0;

	xmlDocDumpMemory(doc, &s, &n);
	ck_assert_ptr_nonnull(s);
	return (char *)s;
}

/* Assert err->msg starts with prefix and is a single line. */
static void
assert_msg(const struct plumb_err *err, const char *prefix)
{
	ck_assert_msg(strncmp(err->msg, prefix, strlen(prefix)) == 0,
	    "message '%s' does not start with '%s'", err->msg, prefix);
	ck_assert_msg(strlen(err->msg) > strlen(prefix),
	    "message '%s' gives no reason", err->msg);
	ck_assert_ptr_null(strchr(err->msg, '\n'));
	ck_assert_int_ne(err->msg[strlen(err->msg) - 1], ' ');
}

START_TEST(test_good_doc)
{
	static const char text[] = "<?xml version=\"1.0\"?>\n"
	    "<root xmlns=\"urn:t\" a=\"1\">\n  <child>hello</child>\n"
	    "  <![CDATA[x<y]]>\n</root>\n";
	struct plumb_err err = { 0, "" };
	xmlDocPtr doc = (xmlDocPtr)1;
	xmlNodePtr root, c;
	xmlChar *v;

	ck_assert_int_eq(xml_load_memory(text, strlen(text), "good.xml",
	    &doc, &err), PLUMB_OK);
	ck_assert_ptr_nonnull(doc);
	root = xmlDocGetRootElement(doc);
	ck_assert_str_eq((const char *)root->name, "root");
	ck_assert_str_eq((const char *)root->ns->href, "urn:t");
	v = xmlGetProp(root, BAD_CAST "a");
	ck_assert_str_eq((char *)v, "1");
	xmlFree(v);
	for (c = root->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			break;
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq((const char *)c->name, "child");
	v = xmlNodeGetContent(c);
	ck_assert_str_eq((char *)v, "hello");
	xmlFree(v);
	/* The indentation before <child> is dropped; text that is not
	 * only whitespace stays, and CDATA becomes text. */
	ck_assert_ptr_nonnull(root->children);
	ck_assert_int_eq(root->children->type, XML_ELEMENT_NODE);
	ck_assert_int_eq(root->last->type, XML_TEXT_NODE);
	v = xmlNodeGetContent(root);
	ck_assert_ptr_nonnull(strstr((char *)v, "x<y"));
	xmlFree(v);
	xmlFreeDoc(doc);

	/* The same document from a file. */
	doc = (xmlDocPtr)1;
	ck_assert_int_eq(xml_load_file(write_file("good.xml", text,
	    strlen(text)), &doc, &err), PLUMB_OK);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq((const char *)xmlDocGetRootElement(doc)->name,
	    "root");
	xmlFreeDoc(doc);
}
END_TEST

/* The content of the first child element of n named name. */
static char *
child_text(xmlNodePtr n, const char *name)
{
	xmlNodePtr k;

	for (k = n->children; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)k->name, name) == 0)
			return (char *)xmlNodeGetContent(k);
	ck_abort_msg("no <%s>", name);
	return NULL;
}

/* Count n's children of one node type. */
static int
count_type(xmlNodePtr n, xmlElementType type)
{
	xmlNodePtr k;
	int i = 0;

	for (k = n->children; k != NULL; k = k->next)
		if (k->type == type)
			i++;
	return i;
}

START_TEST(test_indentation)
{
	static const char text[] = "<r xmlns=\"urn:t\" "
	    "xmlns:h=\"http://www.w3.org/1999/xhtml\">\n"
	    "  <a>  </a>\n  <b>\n  </b>\n"
	    "  <description><h:code>x</h:code>\n<h:code>y</h:code>"
	    "</description>\n"
	    "  <keep xml:space=\"preserve\">\n    <c/>\n  </keep>\n"
	    "  <mixed>t<c/>\n<c/></mixed>\n"
	    "</r>\n";
	struct plumb_err err = { 0, "" };
	xmlDocPtr doc;
	xmlNodePtr root, k;
	char *v;

	ck_assert_int_eq(xml_load_memory(text, strlen(text), "ws.xml",
	    &doc, &err), PLUMB_OK);
	root = xmlDocGetRootElement(doc);
	/* Element content: the indentation between elements is gone. */
	ck_assert_int_eq(count_type(root, XML_TEXT_NODE), 0);
	ck_assert_int_eq(count_type(root, XML_ELEMENT_NODE), 5);
	/* An element without child elements keeps its whitespace. */
	v = child_text(root, "a");
	ck_assert_str_eq(v, "  ");
	xmlFree(v);
	v = child_text(root, "b");
	ck_assert_str_eq(v, "\n  ");
	xmlFree(v);
	/* Prose keeps the line break between its inline elements. */
	v = child_text(root, "description");
	ck_assert_str_eq(v, "x\ny");
	xmlFree(v);
	/* So does xml:space="preserve". */
	for (k = root->children; k != NULL; k = k->next)
		if (strcmp((const char *)k->name, "keep") == 0)
			break;
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(count_type(k, XML_TEXT_NODE), 2);
	/* Mixed content is trimmed only of whole indentation nodes: the
	 * "t" stays. */
	v = child_text(root, "mixed");
	ck_assert_str_eq(v, "t");
	xmlFree(v);
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(test_drop)
{
	static const char text[] = "<r xmlns=\"urn:x/1.2\" "
	    "xmlns:o=\"urn:y\">a<fix>a long fix text<i>!</i></fix>b"
	    "<keep>k</keep><o:fix>other</o:fix>"
	    "<warning>w</warning>c</r>";
	static const char *const names[] = { "fix", "warning", NULL };
	const struct xml_load_drop drop = { "urn:x/", names };
	struct plumb_err err = { 0, "" };
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	char *v;

	ck_assert_int_eq(xml_load_file_drop(write_file("drop.xml", text,
	    strlen(text)), &drop, &doc, &err), PLUMB_OK);
	root = xmlDocGetRootElement(doc);
	/* Dropped in urn:x/..., kept in another namespace; the text
	 * around a dropped element joins up. */
	v = (char *)xmlNodeGetContent(root);
	ck_assert_str_eq(v, "abkotherc");
	xmlFree(v);
	ck_assert_int_eq(root->children->type, XML_TEXT_NODE);
	ck_assert_str_eq((const char *)root->children->content, "ab");
	ck_assert_int_eq(count_type(root, XML_ELEMENT_NODE), 2);
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(test_too_many_elements)
{
	struct plumb_err err = { 0, "" };
	xmlDocPtr doc = (xmlDocPtr)1;
	size_t n = XML_LOAD_MAX_ELEMENTS, len = 0, i;
	double t0;
	char *text;

	/* "<r>" + n * "<x/>" + "</r>": with the root, one element past
	 * the cap. */
	text = malloc(4 * n + 16);
	ck_assert_ptr_nonnull(text);
	memcpy(text, "<r>", 3);
	len = 3;
	for (i = 0; i < n; i++, len += 4)
		memcpy(text + len, "<x/>", 4);
	memcpy(text + len, "</r>", 4);
	len += 4;
	t0 = now();
	ck_assert_int_eq(xml_load_memory(text, len, "wide.xml", &doc, &err),
	    PLUMB_ELIMIT);
	ck_assert_ptr_null(doc);
	ck_assert_msg(strstr(err.msg, "wide.xml:1: more than 4000000 "
	    "elements") != NULL, "%s", err.msg);
	ck_assert_double_lt(now() - t0, 30.0);
	/* One <x/> fewer is accepted: exactly the cap. */
	memcpy(text + len - 8, "</r>", 4);
	doc = NULL;
	ck_assert_int_eq(xml_load_memory(text, len - 4, "wide.xml", &doc,
	    &err), PLUMB_OK);
	xmlFreeDoc(doc);
	free(text);
}
END_TEST

START_TEST(test_truncated)
{
	/* Ends inside <b> on line 4: the parser hits the end there. */
	static const char text[] = "<?xml version=\"1.0\"?>\n<root>\n"
	    "  <a>text</a>\n  <b>";
	struct plumb_err err = { 0, "" };
	char want[600];
	const char *path;
	xmlDocPtr doc = (xmlDocPtr)1;

	ck_assert_int_eq(xml_load_memory(text, strlen(text), "trunc.xml",
	    &doc, &err), PLUMB_EPARSE);
	ck_assert_ptr_null(doc);
	ck_assert_int_eq(err.code, PLUMB_EPARSE);
	assert_msg(&err, "trunc.xml:4: ");

	path = write_file("trunc.xml", text, strlen(text));
	doc = (xmlDocPtr)1;
	ck_assert_int_eq(xml_load_file(path, &doc, &err), PLUMB_EPARSE);
	ck_assert_ptr_null(doc);
	snprintf(want, sizeof(want), "%s:4: ", path);
	assert_msg(&err, want);
}
END_TEST

/* The first line of /etc/passwd, which must never reach a tree. */
static void
passwd_line(char *buf, size_t len)
{
	FILE *f = fopen("/etc/passwd", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, (int)len, f));
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	ck_assert_uint_gt(strlen(buf), 4);
}

START_TEST(test_xxe)
{
	/* Decision: a document declaring an entity is an error. */
	static const char internal[] = "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE r [\n<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n"
	    "<r>&xxe;</r>\n";
	static const char param[] = "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE r [\n<!ELEMENT r ANY>\n"
	    "<!ENTITY % p SYSTEM \"file:///etc/passwd\">\n%p;\n]>\n"
	    "<r/>\n";
	/* An external subset is never loaded: the reference stays an
	 * unexpanded entity reference with no content. */
	static const char external[] = "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE r SYSTEM \"file:///etc/passwd\">\n<r>&xxe;</r>\n";
	struct plumb_err err = { 0, "" };
	xmlDocPtr doc = (xmlDocPtr)1;
	xmlNodePtr r;
	char line[512], *s;
	xmlChar *v;

	passwd_line(line, sizeof(line));
	ck_assert_int_eq(xml_load_memory(internal, strlen(internal),
	    "xxe.xml", &doc, &err), PLUMB_ELIMIT);
	ck_assert_ptr_null(doc);
	assert_msg(&err, "xxe.xml:3: ");
	ck_assert_ptr_nonnull(strstr(err.msg, "'xxe'"));
	ck_assert_ptr_null(strstr(err.msg, line));

	doc = (xmlDocPtr)1;
	ck_assert_int_eq(xml_load_memory(param, strlen(param), "pe.xml",
	    &doc, &err), PLUMB_ELIMIT);
	ck_assert_ptr_null(doc);
	assert_msg(&err, "pe.xml:4: ");

	doc = NULL;
	ck_assert_int_eq(xml_load_file(write_file("ext.xml", external,
	    strlen(external)), &doc, &err), PLUMB_OK);
	ck_assert_ptr_nonnull(doc);
	r = xmlDocGetRootElement(doc);
	ck_assert_ptr_nonnull(r->children);
	ck_assert_int_eq(r->children->type, XML_ENTITY_REF_NODE);
	ck_assert_ptr_null(r->children->children);
	ck_assert_ptr_null(r->children->next);
	v = xmlNodeGetContent(r);
	ck_assert_str_eq((char *)v, "");
	xmlFree(v);
	s = dump(doc);
	ck_assert_ptr_null(strstr(s, line));
	ck_assert_ptr_nonnull(strstr(s, "<r>&xxe;</r>"));
	xmlFree(s);
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(test_billion_laughs)
{
	char buf[4096];
	struct plumb_err err = { 0, "" };
	xmlDocPtr doc = (xmlDocPtr)1;
	size_t n;
	double t0;
	int i, j;

	n = (size_t)snprintf(buf, sizeof(buf), "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE lolz [\n<!ENTITY lol0 \"lol\">\n");
	for (i = 1; i <= 9; i++) {
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
		    "<!ENTITY lol%d \"", i);
		for (j = 0; j < 10; j++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			    "&lol%d;", i - 1);
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\">\n");
	}
	n += (size_t)snprintf(buf + n, sizeof(buf) - n,
	    "]>\n<lolz>&lol9;</lolz>\n");
	ck_assert_uint_lt(n, sizeof(buf));

	t0 = now();
	ck_assert_int_eq(xml_load_memory(buf, n, "lol.xml", &doc, &err),
	    PLUMB_ELIMIT);
	ck_assert_ptr_null(doc);
	ck_assert_double_lt(now() - t0, 2.0);
	/* Refused at the first declaration, line 3. */
	assert_msg(&err, "lol.xml:3: ");
	ck_assert_ptr_nonnull(strstr(err.msg, "lol0"));
}
END_TEST

/* "<a b='xxx...'/>" with n filler bytes. */
static char *
big_attr_doc(size_t n, size_t *lenp)
{
	static const char h[] = "<a b=\"", t[] = "\"/>";
	size_t hl = strlen(h), tl = strlen(t);
	char *buf;

	buf = malloc(hl + n + tl);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, h, hl);
	memset(buf + hl, 'x', n);
	memcpy(buf + hl + n, t, tl);
	*lenp = hl + n + tl;
	return buf;
}

START_TEST(test_huge_attribute)
{
	struct plumb_err err = { 0, "" };
	xmlDocPtr doc = (xmlDocPtr)1;
	size_t len;
	char *buf;
	double t0;

	buf = big_attr_doc((size_t)50 * 1000 * 1000, &len);
	t0 = now();
	ck_assert_int_eq(xml_load_memory(buf, len, "attr.xml", &doc, &err),
	    PLUMB_ELIMIT);
	ck_assert_ptr_null(doc);
	ck_assert_double_lt(now() - t0, 5.0);
	assert_msg(&err, "attr.xml:1: ");
	free(buf);

	/* A 1 MB attribute is within the limits. */
	buf = big_attr_doc((size_t)1000 * 1000, &len);
	ck_assert_int_eq(xml_load_memory(buf, len, "ok.xml", &doc, &err),
	    PLUMB_OK);
	ck_assert_ptr_nonnull(doc);
	xmlFreeDoc(doc);
	free(buf);
}
END_TEST

START_TEST(test_deep_nesting)
{
	const size_t depth = 10000;
	struct plumb_err err = { 0, "" };
	xmlDocPtr doc = (xmlDocPtr)1;
	char *buf;
	size_t i, len = depth * 3 + depth * 4;
	double t0;

	buf = malloc(len);
	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < depth; i++) {
		memcpy(buf + i * 3, "<a>", 3);
		memcpy(buf + depth * 3 + i * 4, "</a>", 4);
	}
	t0 = now();
	ck_assert_int_eq(xml_load_memory(buf, len, "deep.xml", &doc, &err),
	    PLUMB_ELIMIT);
	ck_assert_ptr_null(doc);
	ck_assert_double_lt(now() - t0, 2.0);
	assert_msg(&err, "deep.xml:1: ");

	/* 100 levels are fine. */
	memmove(buf + 100 * 3, buf + depth * 3, 100 * 4);
	ck_assert_int_eq(xml_load_memory(buf, 100 * 7, "d100.xml", &doc,
	    &err), PLUMB_OK);
	ck_assert_ptr_nonnull(doc);
	xmlFreeDoc(doc);
	free(buf);
}
END_TEST

START_TEST(test_not_well_formed)
{
	/* Line 2: an undeclared prefix (a namespace error libxml2 does
	 * not treat as fatal); line 3: a tag mismatch, the first fatal
	 * error, which is the one reported. */
	static const char text[] = "<r>\n<x:a/>\n<b></c>\n</r>\n";
	static const char junk[] = "this is not XML at all\n";
	static const char two_roots[] = "<a/>\n<b/>\n";
	struct plumb_err err = { 0, "" };
	xmlDocPtr doc = (xmlDocPtr)1;
	char bin[256];
	int i;

	ck_assert_int_eq(xml_load_memory(text, strlen(text), "nwf.xml",
	    &doc, &err), PLUMB_EPARSE);
	ck_assert_ptr_null(doc);
	assert_msg(&err, "nwf.xml:3: ");

	doc = (xmlDocPtr)1;
	ck_assert_int_eq(xml_load_memory(junk, strlen(junk), "junk.txt",
	    &doc, &err), PLUMB_EPARSE);
	ck_assert_ptr_null(doc);
	assert_msg(&err, "junk.txt:1: ");

	doc = (xmlDocPtr)1;
	ck_assert_int_eq(xml_load_memory(two_roots, strlen(two_roots),
	    "two.xml", &doc, &err), PLUMB_EPARSE);
	ck_assert_ptr_null(doc);
	assert_msg(&err, "two.xml:2: ");

	for (i = 0; i < (int)sizeof(bin); i++)
		bin[i] = (char)((i * 131 + 7) & 0xff);
	doc = (xmlDocPtr)1;
	ck_assert_int_eq(xml_load_memory(bin, sizeof(bin), "bin.dat", &doc,
	    &err), PLUMB_EPARSE);
	ck_assert_ptr_null(doc);
	assert_msg(&err, "bin.dat:");
}
END_TEST

START_TEST(test_files)
{
	struct plumb_err err = { 0, "" };
	xmlDocPtr doc = (xmlDocPtr)1;
	char path[600], want[700];
	int fd;

	snprintf(path, sizeof(path), "%s/missing.xml", tmpdir);
	ck_assert_int_eq(xml_load_file(path, &doc, &err), PLUMB_EIO);
	ck_assert_ptr_null(doc);
	snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOENT));
	ck_assert_str_eq(err.msg, want);

	doc = (xmlDocPtr)1;
	ck_assert_int_eq(xml_load_file(tmpdir, &doc, &err), PLUMB_EIO);
	ck_assert_ptr_null(doc);
	snprintf(want, sizeof(want), "%s: %s", tmpdir, strerror(EISDIR));
	ck_assert_str_eq(err.msg, want);

	snprintf(path, sizeof(path), "%s", write_file("empty.xml", "", 0));
	doc = (xmlDocPtr)1;
	ck_assert_int_eq(xml_load_file(path, &doc, &err), PLUMB_EPARSE);
	ck_assert_ptr_null(doc);
	snprintf(want, sizeof(want), "%s:1: ", path);
	assert_msg(&err, want);

	doc = (xmlDocPtr)1;
	ck_assert_int_eq(xml_load_memory("", 0, "empty", &doc, &err),
	    PLUMB_EPARSE);
	ck_assert_ptr_null(doc);
	assert_msg(&err, "empty:1: ");

	/* Over the cap: a sparse file, and a length nothing reads. */
	snprintf(path, sizeof(path), "%s/huge.xml", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)XML_LOAD_MAX_BYTES + 1), 0);
	close(fd);
	doc = (xmlDocPtr)1;
	ck_assert_int_eq(xml_load_file(path, &doc, &err), PLUMB_ELIMIT);
	ck_assert_ptr_null(doc);
	ck_assert_ptr_nonnull(strstr(err.msg, path));
	unlink(path);
	doc = (xmlDocPtr)1;
	ck_assert_int_eq(xml_load_memory("<a/>", XML_LOAD_MAX_BYTES + 1,
	    "big", &doc, &err), PLUMB_ELIMIT);
	ck_assert_ptr_null(doc);
}
END_TEST

static int stray_calls;

static void
stray_handler(void *data, xmlErrorPtr e)
{
	stray_calls++;
}

static xmlParserInputPtr
stray_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	return NULL;
}

START_TEST(test_quiet_and_restored)
{
	static const char bad[] = "<a><b></a>";
	static const char enc[] = "<?xml version=\"1.0\" "
	    "encoding=\"ISO-2022-JP\"?>\n<a>\x1b$Bxx\xff</a>";
	static const char bom[] = "\xfe\xff\x00<\x00" "a\xd8\x00";
	struct plumb_err err = { 0, "" };
	xmlExternalEntityLoader loader;
	xmlDocPtr doc;
	char path[600];
	struct stat st;
	int fd, saved;

	/* Nothing may reach stderr, whatever libxml2 thinks of the input. */
	snprintf(path, sizeof(path), "%s/stderr", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	close(fd);
	xml_load_memory(bad, strlen(bad), "bad", &doc, &err);
	xml_load_memory(enc, strlen(enc), "enc", &doc, &err);
	xml_load_memory(bom, sizeof(bom) - 1, "bom", &doc, &err);
	xml_load_file(write_file("enc.xml", enc, strlen(enc)), &doc, &err);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ck_assert_ptr_null(doc);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 0);

	/* A caller's handler and loader are left in place. */
	loader = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(stray_loader);
	xmlSetStructuredErrorFunc(NULL, stray_handler);
	stray_calls = 0;
	ck_assert_int_eq(xml_load_memory(bad, strlen(bad), "bad", &doc,
	    &err), PLUMB_EPARSE);
	ck_assert_int_eq(stray_calls, 0);
	ck_assert_ptr_eq((void *)xmlGetExternalEntityLoader(),
	    (void *)stray_loader);
	ck_assert_ptr_eq((void *)xmlStructuredError, (void *)stray_handler);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSetExternalEntityLoader(loader);
}
END_TEST

static Suite *
xml_suite(void)
{
	Suite *s = suite_create("xml_load");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_good_doc);
	tcase_add_test(tc, test_indentation);
	tcase_add_test(tc, test_drop);
	tcase_add_test(tc, test_too_many_elements);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_xxe);
	tcase_add_test(tc, test_billion_laughs);
	tcase_add_test(tc, test_huge_attribute);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_not_well_formed);
	tcase_add_test(tc, test_files);
	tcase_add_test(tc, test_quiet_and_restored);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;
	char cmd[600];

	if (mkdtemp(tmpdir) == NULL)
		return EXIT_FAILURE;
	sr = srunner_create(xml_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		failed++;
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
