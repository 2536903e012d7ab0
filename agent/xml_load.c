/* xml_load.c - safe XML parsing for content, variables and results. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "plumb/error.h"
#include "xml_load.h"

/* Every external resource request is refused: nothing is fetched or
 * opened on behalf of a document. */
static xmlParserInputPtr
refuse_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

/* Copy libxml2's last error into err as "NAME:LINE: message". */
static int
parse_error(xmlParserCtxtPtr ctxt, const char *name, struct plumb_err *err)
{
	xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
	char msg[PLUMB_ERR_MSG_MAX];
	size_t n;

	snprintf(msg, sizeof(msg), "%s", e && e->message ? e->message :
	    "not well-formed");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	return plumb_err_set(err, PLUMB_EPARSE, "%s:%d: %s", name,
	    e ? e->line : 0, msg);
}

/* Refuse documents that declare entities: billion laughs and XXE need
 * them, and no SCAP content does. */
static int
has_entity_decls(xmlDocPtr doc)
{
	xmlDtdPtr dtd = doc->intSubset;
	xmlNodePtr n;

	if (dtd == NULL)
		return 0;
	for (n = dtd->children; n != NULL; n = n->next)
		if (n->type == XML_ENTITY_DECL)
			return 1;
	return 0;
}

static int
load(xmlParserCtxtPtr ctxt, const char *buf, size_t len, int fd,
    const char *name, xmlDocPtr *out, struct plumb_err *err)
{
	/* NOERROR/NOWARNING: libxml2 records the error, plumb reports it. */
	const int opts = XML_PARSE_NONET | XML_PARSE_NOCDATA |
	    XML_PARSE_NOWARNING | XML_PARSE_NOERROR;
	xmlExternalEntityLoader prev;
	xmlDocPtr doc;
	int rc = PLUMB_OK;

	prev = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(refuse_entity);
	if (buf != NULL)
		doc = xmlCtxtReadMemory(ctxt, buf, (int)len, name, NULL, opts);
	else
		doc = xmlCtxtReadFd(ctxt, fd, name, NULL, opts);
	xmlSetExternalEntityLoader(prev);
	if (doc == NULL || !ctxt->wellFormed) {
		rc = parse_error(ctxt, name, err);
		xmlFreeDoc(doc);
		return rc;
	}
	if (has_entity_decls(doc)) {
		xmlFreeDoc(doc);
		return plumb_err_set(err, PLUMB_ELIMIT, "%s: the document "
		    "declares entities; refused (entity expansion is not "
		    "allowed in content)", name);
	}
	*out = doc;
	return PLUMB_OK;
}

int
xml_load_memory(const char *buf, size_t len, const char *name,
    xmlDocPtr *out, struct plumb_err *err)
{
	xmlParserCtxtPtr ctxt;
	int rc;

	*out = NULL;
	if (len > XML_LOAD_MAX_BYTES)
		return plumb_err_set(err, PLUMB_ELIMIT,
		    "%s: larger than %zu bytes", name, XML_LOAD_MAX_BYTES);
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	rc = load(ctxt, buf, len, -1, name, out, err);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

int
xml_load_file(const char *path, xmlDocPtr *out, struct plumb_err *err)
{
	xmlParserCtxtPtr ctxt = NULL;
	struct stat st;
	int fd, rc;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: is a directory", path);
		goto out;
	}
	if (S_ISREG(st.st_mode) && (size_t)st.st_size > XML_LOAD_MAX_BYTES) {
		rc = plumb_err_set(err, PLUMB_ELIMIT,
		    "%s: larger than %zu bytes", path, XML_LOAD_MAX_BYTES);
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		rc = plumb_err_set(err, PLUMB_EPARSE, "%s:1: empty file", path);
		goto out;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	rc = load(ctxt, NULL, 0, fd, path, out, err);
out:
	xmlFreeParserCtxt(ctxt);
	close(fd);
	return rc;
}
