/*
 * fuzz_bundle.c - TEST ONLY: libFuzzer harness for what the collector
 * does with an upload body before it stores anything: bundle_verify()
 * (agent/bundle.c: DER shape, CMS SignedData, chain to a fixed test CA,
 * gunzip, ustar, manifest.json and its digests), bundle_archive_member()
 * and summary_parse() (collector/summary.c) on the archive's
 * summary.json, as collector/ingest.c chains them.
 *
 * Byte 0 of the input picks what the rest is:
 *   0  a signed bundle as uploaded (DER); almost every mutation breaks
 *      the signature, so this reaches the CMS and DER checks only;
 *   1  the ustar archive a bundle encapsulates: the harness gzips it and
 *      signs it with the test agent key, so the archive and manifest
 *      parsers behind the signature check see fuzzed bytes;
 *   2  the gzip'ed archive, given straight to bundle_archive_member().
 * The test PKI (tests/pki/make-pki.sh) is made once by build.sh in
 * FUZZ_PKI.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <zlib.h>

#include "plumb/error.h"
#include "bundle.h"
#include "store.h"
#include "summary.h"
#include "fuzz_util.h"

#ifndef FUZZ_PKI
#error "build with -DFUZZ_PKI=\"DIR\" (tests/fuzz/build.sh)"
#endif

static X509 *agent_cert;
static EVP_PKEY *agent_key;

/* The test agent certificate and key, loaded on first use. */
static void
load_signer(void)
{
	FILE *f;

	if (agent_cert != NULL)
		return;
	if ((f = fopen(FUZZ_PKI "/agent.pem", "r")) == NULL ||
	    (agent_cert = PEM_read_X509(f, NULL, NULL, NULL)) == NULL) {
		perror(FUZZ_PKI "/agent.pem");
		abort();
	}
	fclose(f);
	if ((f = fopen(FUZZ_PKI "/agent.key", "r")) == NULL ||
	    (agent_key = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL) {
		perror(FUZZ_PKI "/agent.key");
		abort();
	}
	fclose(f);
}

/* gzip in (len bytes) into a new buffer; NULL on failure. */
static unsigned char *
gzip_buf(const unsigned char *in, size_t len, size_t *outlen)
{
	z_stream z;
	unsigned char *out;
	size_t cap = len + len / 100 + 1024;

	memset(&z, 0, sizeof(z));
	if ((out = malloc(cap)) == NULL)
		return NULL;
	if (deflateInit2(&z, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK) {
		free(out);
		return NULL;
	}
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*outlen = z.total_out;
	deflateEnd(&z);
	return out;
}

/* Sign gz as bundle_create() does and write the DER to a file; NULL on
 * failure. */
static const char *
sign_to_file(const unsigned char *gz, size_t len)
{
	CMS_ContentInfo *cms = NULL;
	BIO *in = NULL, *out = NULL;
	const char *path = NULL;
	unsigned char *der;
	long derlen;

	load_signer();
	if ((in = BIO_new_mem_buf(gz, (int)len)) != NULL &&
	    (cms = CMS_sign(NULL, NULL, NULL, NULL,
	    CMS_BINARY | CMS_PARTIAL)) != NULL &&
	    CMS_add1_signer(cms, agent_cert, agent_key, EVP_sha256(),
	    CMS_BINARY) != NULL &&
	    CMS_final(cms, in, NULL, CMS_BINARY) &&
	    (out = BIO_new(BIO_s_mem())) != NULL &&
	    i2d_CMS_bio(out, cms) &&
	    (derlen = BIO_get_mem_data(out, (char **)&der)) > 0)
		path = fuzz_write("signed.p7m", der, (size_t)derlen);
	ERR_clear_error();
	BIO_free(in);
	BIO_free(out);
	CMS_ContentInfo_free(cms);
	return path;
}

/* The collector's next steps on a verified archive. */
static void
read_summary(const unsigned char *gz, size_t len)
{
	struct plumb_err err = { 0, "" };
	struct store_bundle b;
	struct store_rule *rules = NULL;
	unsigned char *m = NULL;
	size_t mlen = 0, nrules = 0;

	if (bundle_archive_member(gz, len, "manifest.json", &m, &mlen,
	    &err) == PLUMB_OK && m[mlen] != '\0')
		abort();	/* promised NUL-terminated */
	free(m);
	m = NULL;
	if (bundle_archive_member(gz, len, "summary.json", &m, &mlen,
	    &err) != PLUMB_OK)
		return;
	if (m[mlen] != '\0')
		abort();
	memset(&b, 0, sizeof(b));
	if (summary_parse(m, mlen, &b, &rules, &nrules, &err) == PLUMB_OK)
		store_rules_free(rules, nrules);
	free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plumb_err err = { 0, "" };
	struct bundle_info info;
	unsigned char *gz;
	const char *path;
	size_t gzlen;

	if (size < 1)
		return 0;
	switch (data[0]) {
	case 0:
		path = fuzz_write("bundle.p7m", data + 1, size - 1);
		(void)bundle_verify(path, FUZZ_PKI "/ca.pem", &info, &err);
		break;
	case 1:
		if ((gz = gzip_buf(data + 1, size - 1, &gzlen)) == NULL)
			break;
		if ((path = sign_to_file(gz, gzlen)) != NULL &&
		    bundle_verify(path, FUZZ_PKI "/ca.pem", &info,
		    &err) == PLUMB_OK) {
			if (info.uuid[BUNDLE_UUID_LEN] != '\0' ||
			    strlen(info.uuid) != BUNDLE_UUID_LEN)
				abort();
			read_summary(gz, gzlen);
		}
		free(gz);
		break;
	case 2:
		read_summary(data + 1, size - 1);
		break;
	default:
		break;
	}
	return 0;
}
