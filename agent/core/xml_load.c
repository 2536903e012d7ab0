/*
 * xml_load.c - safe XML parsing for content, variables and results.
 *
 * Every document plumb reads may come from an untrusted source, so the
 * parser runs with: no network (XML_PARSE_NONET); no DTD loading, no
 * external subset, no entity substitution (XML_PARSE_DTDLOAD and
 * XML_PARSE_NOENT are never passed); an external entity loader that
 * refuses everything; documents that declare entities in an internal
 * subset are refused as soon as the declaration is seen (billion laughs,
 * XXE: SCAP content never declares entities); XML_PARSE_HUGE is never
 * passed, so libxml2's limits on text and attribute size, name length
 * and nesting depth stay on; and input is capped at XML_LOAD_MAX_BYTES.
 * libxml2 prints nothing: its structured errors are caught and the
 * first one becomes the "NAME:LINE: reason" message.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>

#include "plumb/error.h"
#include "xml_load.h"

/* What went wrong during one parse; reached through ctxt->_private. */
struct xml_load_state {
	xmlParserCtxtPtr	 ctxt;
	const char		*name;
	int			 have;		/* an error is recorded */
	int			 fatal;		/* ... and it is fatal */
	int			 code;		/* PLUMB_E* for the record */
	int			 line;
	char			 msg[PLUMB_ERR_MSG_MAX];
	const struct xml_load_drop *drop;	/* or NULL */
	size_t			 elements;	/* closed so far */
	int			 data;		/* a data file: keep all text */
};

/* Reader state for files: counts bytes so any file type is capped. */
struct xml_load_io {
	int	 fd;
	size_t	 total;
	int	 err;		/* errno of a failed read */
	int	 over;		/* more than XML_LOAD_MAX_BYTES */
};

/* Every external resource request is refused: nothing is fetched or
 * opened on behalf of a document. */
static xmlParserInputPtr
xml_load_refuse_entity(const char *url, const char *id,
    xmlParserCtxtPtr ctxt)
{
	return NULL;
}

/* Copy s into st->msg as one trimmed line (libxml2 messages end in a
 * newline and some contain one). */
static void
xml_load_set_msg(struct xml_load_state *st, const char *s)
{
	size_t i, n = 0;

	for (i = 0; s[i] != '\0' && n + 1 < sizeof(st->msg); i++) {
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
			if (n > 0 && st->msg[n - 1] != ' ')
				st->msg[n++] = ' ';
		} else
			st->msg[n++] = s[i];
	}
	while (n > 0 && st->msg[n - 1] == ' ')
		n--;
	st->msg[n] = '\0';
	if (n == 0)
		snprintf(st->msg, sizeof(st->msg), "not well-formed");
}

/* Which plumb code a libxml2 error maps to: its resource limits are
 * PLUMB_ELIMIT, everything else is a malformed document. */
static int
xml_load_classify(const xmlError *e)
{
	const char *m = e->message != NULL ? e->message : "";

	if (e->code == XML_ERR_ENTITY_LOOP ||
	    strstr(m, "XML_PARSE_HUGE") != NULL ||
	    strstr(m, "Excessive depth") != NULL ||
	    strstr(m, "too long") != NULL ||
	    strstr(m, "too big") != NULL ||
	    strstr(m, "amplification") != NULL)
		return PLUMB_ELIMIT;
	return PLUMB_EPARSE;
}

/* Record e if it is the first error, or the first fatal one after
 * non-fatal errors (namespace errors) were seen. */
static void
xml_load_record(struct xml_load_state *st, const xmlError *e)
{
	int fatal;

	if (e == NULL || e->level < XML_ERR_ERROR)
		return;
	fatal = e->level == XML_ERR_FATAL;
	if (st->have && (st->fatal || !fatal))
		return;
	st->have = 1;
	st->fatal = fatal;
	st->code = xml_load_classify(e);
	st->line = e->line;
	if (st->line <= 0 && st->ctxt != NULL && st->ctxt->input != NULL)
		st->line = st->ctxt->input->line;
	xml_load_set_msg(st, e->message != NULL ? e->message :
	    "not well-formed");
}

/* Structured error handler set on the parser context: data is the
 * context's userData, which SAX2 requires to be the context itself. */
static void
xml_load_ctxt_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = data;

	if (ctxt != NULL && ctxt->_private != NULL)
		xml_load_record(ctxt->_private, e);
}

/* Structured error handler installed for the duration of a parse only,
 * for errors libxml2 raises without a context (I/O, encoding). */
static void
xml_load_global_error(void *data, xmlErrorPtr e)
{
	if (data != NULL)
		xml_load_record(data, e);
}

/* Refuse the document at its first entity declaration, before any
 * entity can be referenced or expanded. */
static void
xml_load_refuse_decl(struct xml_load_state *st, const xmlChar *name)
{
	if (!st->have || !st->fatal) {
		st->have = st->fatal = 1;
		st->code = PLUMB_ELIMIT;
		st->line = st->ctxt->input != NULL ?
		    st->ctxt->input->line : 0;
		snprintf(st->msg, sizeof(st->msg), "the document declares "
		    "entity '%.64s'; entity declarations are refused",
		    name != NULL ? (const char *)name : "?");
	}
	xmlStopParser(st->ctxt);
}

/* SAX hooks for <!ENTITY ...> (general, parameter, unparsed). */
static void
xml_load_entity_decl(void *ctx, const xmlChar *name, int type,
    const xmlChar *publicId, const xmlChar *systemId, xmlChar *content)
{
	xmlParserCtxtPtr ctxt = ctx;

	xml_load_refuse_decl(ctxt->_private, name);
}

static void
xml_load_unparsed_decl(void *ctx, const xmlChar *name,
    const xmlChar *publicId, const xmlChar *systemId,
    const xmlChar *notationName)
{
	xmlParserCtxtPtr ctxt = ctx;

	xml_load_refuse_decl(ctxt->_private, name);
}

/* read() callback for xmlCtxtReadIO: stops with an error past the cap. */
static int
xml_load_read(void *ctx, char *buf, int len)
{
	struct xml_load_io *io = ctx;
	ssize_t n;

	if (io->over || io->err != 0)
		return -1;
	if (len <= 0)
		return 0;
	do {
		n = read(io->fd, buf, (size_t)len);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		io->err = errno;
		return -1;
	}
	io->total += (size_t)n;
	if (io->total > XML_LOAD_MAX_BYTES) {
		io->over = 1;
		return -1;
	}
	return (int)n;
}

/*
 * Elements whose text is prose (XCCDF descriptions, fixes, titles and
 * the XHTML inside them): their whitespace is content and is kept.
 */
static int
xml_load_prose(xmlNodePtr el)
{
	static const char *const names[] = { "description", "rationale",
	    "fixtext", "fix", "warning", "title", "front-matter",
	    "rear-matter", "notice", "question_text", "check-content" };
	size_t i;

	if (el->ns != NULL && xmlStrcmp(el->ns->href,
	    BAD_CAST "http://www.w3.org/1999/xhtml") == 0)
		return 1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (xmlStrcmp(el->name, BAD_CAST names[i]) == 0)
			return 1;
	return 0;
}

/* Whitespace only, with a line break: indentation. */
static int
xml_load_indent(xmlNodePtr n)
{
	const xmlChar *p;
	int nl = 0;

	if (n->type != XML_TEXT_NODE || n->content == NULL)
		return 0;
	for (p = n->content; *p != '\0'; p++) {
		if (*p == '\n')
			nl = 1;
		else if (*p != ' ' && *p != '\t' && *p != '\r')
			return 0;
	}
	return nl;
}

/* Is el one of the elements the caller does not want? */
static int
xml_load_dropped(const struct xml_load_drop *d, xmlNodePtr el)
{
	size_t i;

	if (el->ns == NULL || xmlStrncmp(el->ns->href, BAD_CAST d->ns,
	    (int)strlen(d->ns)) != 0)
		return 0;
	for (i = 0; d->names[i] != NULL; i++)
		if (xmlStrcmp(el->name, BAD_CAST d->names[i]) == 0)
			return 1;
	return 0;
}

/*
 * End of an element: drop the indentation between its child elements
 * before the parser goes on, so a large data stream never holds its
 * whitespace nodes (about a sixth of its tree).  Only element content
 * is trimmed: not prose, not xml:space="preserve", and an element with
 * no child element keeps its text whatever it is.
 */
static void
xml_load_end_element(void *ctx, const xmlChar *localname,
    const xmlChar *prefix, const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xml_load_state *st = ctxt->_private;
	xmlNodePtr el = ctxt->node, k, next;
	int elems = 0, indents = 0;

	if (el != NULL && el->type == XML_ELEMENT_NODE) {
		for (k = el->children; k != NULL; k = k->next) {
			if (k->type == XML_ELEMENT_NODE)
				elems = 1;
			else if (xml_load_indent(k))
				indents = 1;
		}
	}
	if (elems && indents && !st->data && !xml_load_prose(el) &&
	    xmlNodeGetSpacePreserve(el) != 1) {
		for (k = el->children; k != NULL; k = next) {
			next = k->next;
			if (xml_load_indent(k)) {
				xmlUnlinkNode(k);
				xmlFreeNode(k);
			}
		}
	}
	xmlSAX2EndElementNs(ctx, localname, prefix, uri);
	if (++st->elements > XML_LOAD_MAX_ELEMENTS && !st->fatal) {
		/* A tree costs about 30 times its text: bound it before a
		 * file of tiny elements takes gigabytes. */
		st->have = st->fatal = 1;
		st->code = PLUMB_ELIMIT;
		st->line = ctxt->input != NULL ? ctxt->input->line : 0;
		snprintf(st->msg, sizeof(st->msg), "more than %zu elements "
		    "([limits] max_content_elements)",
		    (size_t)XML_LOAD_MAX_ELEMENTS);
		xmlStopParser(ctxt);
	}
	if (st->drop != NULL && el != NULL && xml_load_dropped(st->drop, el)) {
		xmlUnlinkNode(el);
		xmlFreeNode(el);
		/* The parser grows the text node it made last in place;
		 * that may have been inside el, so make it append anew. */
		ctxt->nodelen = ctxt->nodemem = 0;
	}
}

/*
 * Parse from buf/len (buf != NULL) or from io with every defence on;
 * on success *out holds the document.  The global entity loader and
 * structured error handler are swapped in for the parse and restored
 * afterwards, so other users of libxml2 see them unchanged.
 */
static int
xml_load_parse(const char *buf, size_t len, struct xml_load_io *io,
    const char *name, const struct xml_load_drop *drop, int data,
    xmlDocPtr *out, struct plumb_err *err)
{
	/* NOERROR/NOWARNING: nothing goes to libxml2's default printer.
	 * COMPACT: short texts live inside their nodes (the tree is only
	 * read), a few MiB less for a large content file. */
	const int opts = XML_PARSE_NONET | XML_PARSE_NOCDATA |
	    XML_PARSE_NOWARNING | XML_PARSE_NOERROR | XML_PARSE_COMPACT;
	struct xml_load_state st;
	xmlExternalEntityLoader prev_loader;
	xmlStructuredErrorFunc prev_serror;
	void *prev_sctx;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc = NULL;
	int rc = PLUMB_OK;

	memset(&st, 0, sizeof(st));
	st.name = name;
	st.drop = drop;
	st.data = data;
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	st.ctxt = ctxt;
	ctxt->_private = &st;
	ctxt->sax->serror = xml_load_ctxt_error;
	ctxt->sax->entityDecl = xml_load_entity_decl;
	ctxt->sax->unparsedEntityDecl = xml_load_unparsed_decl;
	ctxt->sax->endElementNs = xml_load_end_element;
	if (data) {
		/* Comments and processing instructions are not in the tree,
		 * so the text around them is one node. */
		ctxt->sax->comment = NULL;
		ctxt->sax->processingInstruction = NULL;
	}

	prev_loader = xmlGetExternalEntityLoader();
	prev_serror = xmlStructuredError;
	prev_sctx = xmlStructuredErrorContext;
	xmlSetExternalEntityLoader(xml_load_refuse_entity);
	xmlSetStructuredErrorFunc(&st, xml_load_global_error);
	if (buf != NULL)
		doc = xmlCtxtReadMemory(ctxt, buf, (int)len, name, NULL, opts);
	else
		doc = xmlCtxtReadIO(ctxt, xml_load_read, NULL, io, name, NULL,
		    opts);
	xmlSetStructuredErrorFunc(prev_sctx, prev_serror);
	xmlSetExternalEntityLoader(prev_loader);

	if (io != NULL && io->over) {
		rc = plumb_err_set(err, PLUMB_ELIMIT, "%s: larger than %zu "
		    "bytes ([limits] max_content_bytes)", name,
		    XML_LOAD_MAX_BYTES);
		goto out;
	}
	if (io != NULL && io->err != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", name,
		    strerror(io->err));
		goto out;
	}
	if (st.have && st.code == PLUMB_ELIMIT) {
		/* Refused declaration or a libxml2 limit. */
		rc = plumb_err_set(err, PLUMB_ELIMIT, "%s:%d: %s", name,
		    st.line, st.msg);
		goto out;
	}
	if (doc == NULL || !ctxt->wellFormed) {
		if (!st.have)
			xml_load_set_msg(&st, "not well-formed");
		rc = plumb_err_set(err, PLUMB_EPARSE, "%s:%d: %s", name,
		    st.line > 0 ? st.line : 1, st.msg);
		goto out;
	}
	*out = doc;
	doc = NULL;
out:
	xmlFreeDoc(doc);
	ctxt->_private = NULL;
	xmlFreeParserCtxt(ctxt);
	return rc;
}

/* xml_load_memory() and xml_load_memory_data(). */
static int
xml_load_memory_mode(const char *buf, size_t len, const char *name,
    int data, xmlDocPtr *out, struct plumb_err *err)
{
	*out = NULL;
	if (name == NULL)
		name = "(memory)";
	if (len > XML_LOAD_MAX_BYTES)
		return plumb_err_set(err, PLUMB_ELIMIT, "%s: larger than %zu "
		    "bytes ([limits] max_content_bytes)", name,
		    XML_LOAD_MAX_BYTES);
	if (buf == NULL || len == 0)
		return plumb_err_set(err, PLUMB_EPARSE, "%s:1: empty document",
		    name);
	return xml_load_parse(buf, len, NULL, name, NULL, data, out, err);
}

int
xml_load_memory(const char *buf, size_t len, const char *name,
    xmlDocPtr *out, struct plumb_err *err)
{
	return xml_load_memory_mode(buf, len, name, 0, out, err);
}

int
xml_load_memory_data(const char *buf, size_t len, const char *name,
    xmlDocPtr *out, struct plumb_err *err)
{
	return xml_load_memory_mode(buf, len, name, 1, out, err);
}

int
xml_load_file(const char *path, xmlDocPtr *out, struct plumb_err *err)
{
	return xml_load_file_drop(path, NULL, out, err);
}

int
xml_load_file_drop(const char *path, const struct xml_load_drop *drop,
    xmlDocPtr *out, struct plumb_err *err)
{
	struct xml_load_io io;
	struct stat st;
	int fd, rc;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
		    strerror(EISDIR));
		goto out;
	}
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > XML_LOAD_MAX_BYTES) {
		rc = plumb_err_set(err, PLUMB_ELIMIT, "%s: larger than %zu "
		    "bytes ([limits] max_content_bytes)", path,
		    XML_LOAD_MAX_BYTES);
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		rc = plumb_err_set(err, PLUMB_EPARSE, "%s:1: empty document",
		    path);
		goto out;
	}
	memset(&io, 0, sizeof(io));
	io.fd = fd;
	rc = xml_load_parse(NULL, 0, &io, path, drop, 0, out, err);
out:
	close(fd);
	return rc;
}
