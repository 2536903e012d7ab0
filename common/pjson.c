/*
 * pjson.c - the agent's small JSON reader and writer (pjson.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "plumb/error.h"
#include "common/pjson.h"

void
pjson_rd_init(struct pjson_rd *j, const void *data, size_t len,
    size_t skip_max)
{
	j->p = data;
	j->end = j->p + len;
	j->depth = 0;
	j->skip_max = skip_max;
}

void
pjson_ws(struct pjson_rd *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

int
pjson_lit(struct pjson_rd *j, char c)
{
	pjson_ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return 1;
	}
	return 0;
}

/* A string into buf (ASCII escapes only), or only measured against len
 * when buf is NULL; -1 on error or overflow. */
static int
pjson_string_to(struct pjson_rd *j, char *buf, size_t len)
{
	size_t o = 0;
	unsigned v;
	char c;
	int k;

	if (!pjson_lit(j, '"'))
		return -1;
	while (j->p < j->end && *j->p != '"') {
		c = *j->p++;
		if ((unsigned char)c < 0x20)
			return -1;
		if (c == '\\') {
			if (j->p >= j->end)
				return -1;
			switch ((c = *j->p++)) {
			case '"': case '\\': case '/':
				break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u':
				if (j->end - j->p < 4)
					return -1;
				for (v = 0, k = 0; k < 4; k++) {
					c = *j->p++;
					v <<= 4;
					if (c >= '0' && c <= '9')
						v |= (unsigned)(c - '0');
					else if (c >= 'a' && c <= 'f')
						v |= (unsigned)(c - 'a' + 10);
					else if (c >= 'A' && c <= 'F')
						v |= (unsigned)(c - 'A' + 10);
					else
						return -1;
				}
				if (v == 0 || v > 0x7f)
					return -1;
				c = (char)v;
				break;
			default:
				return -1;
			}
		}
		if (o + 1 >= len)
			return -1;
		if (buf != NULL)
			buf[o] = c;
		o++;
	}
	if (j->p >= j->end)
		return -1;
	j->p++;
	if (buf != NULL)
		buf[o] = '\0';
	return 0;
}

int
pjson_string(struct pjson_rd *j, char *buf, size_t len)
{
	return pjson_string_to(j, buf, len);
}

int
pjson_uint(struct pjson_rd *j, uint64_t *v)
{
	pjson_ws(j);
	*v = 0;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return -1;
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
		if (*v > (UINT64_MAX - 9) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(*j->p++ - '0');
	}
	return 0;
}

int
pjson_skip(struct pjson_rd *j)
{
	uint64_t v;
	int first;

	pjson_ws(j);
	if (j->p >= j->end || ++j->depth > PJSON_DEPTH_MAX)
		return -1;
	if (*j->p == '"') {
		if (pjson_string_to(j, NULL, j->skip_max) != 0)
			return -1;
	} else if (*j->p == '{' || *j->p == '[') {
		char close = *j->p == '{' ? '}' : ']';
		int obj = *j->p == '{';

		j->p++;
		for (first = 1; !pjson_lit(j, close); first = 0) {
			if ((!first && !pjson_lit(j, ',')) ||
			    (obj && (pjson_string_to(j, NULL, j->skip_max) != 0
			    || !pjson_lit(j, ':'))) ||
			    pjson_skip(j) != 0)
				return -1;
		}
	} else if (j->end - j->p >= 4 && (memcmp(j->p, "true", 4) == 0 ||
	    memcmp(j->p, "null", 4) == 0)) {
		j->p += 4;
	} else if (j->end - j->p >= 5 && memcmp(j->p, "false", 5) == 0) {
		j->p += 5;
	} else if (pjson_uint(j, &v) != 0)
		return -1;
	j->depth--;
	return 0;
}

int
pjson_object_string(const void *data, size_t len, const char *key,
    char *buf, size_t size)
{
	struct pjson_rd j;
	char *name = NULL;
	int first, found = 0, rc = -1;

	/* A member name is never longer than the document. */
	if ((name = malloc(len + 1)) == NULL)
		return -1;
	pjson_rd_init(&j, data, len, len + 1);
	if (!pjson_lit(&j, '{'))
		goto out;
	for (first = 1; !pjson_lit(&j, '}'); first = 0) {
		if ((!first && !pjson_lit(&j, ',')) ||
		    pjson_string(&j, name, len + 1) != 0 ||
		    !pjson_lit(&j, ':'))
			goto out;
		if (!found && strcmp(name, key) == 0) {
			pjson_ws(&j);
			if (j.p >= j.end || *j.p != '"' ||
			    pjson_string(&j, buf, size) != 0)
				goto out;
			found = 1;
		} else if (pjson_skip(&j) != 0)
			goto out;
	}
	pjson_ws(&j);
	if (j.p == j.end && found)
		rc = 0;
out:
	free(name);
	return rc;
}

int
pjson_put_string(struct dynbuf *b, const char *s)
{
	int rc;

	if ((rc = dynbuf_add(b, "\"", 1)) != PLUMB_OK)
		return rc;
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			rc = dynbuf_printf(b, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			rc = dynbuf_printf(b, "\\u%04x", (unsigned)*s);
		else
			rc = dynbuf_add(b, s, 1);
		if (rc != PLUMB_OK)
			return rc;
	}
	return dynbuf_add(b, "\"", 1);
}
