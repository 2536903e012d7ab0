/*
 * fuzz_bundle.c - TEST ONLY: libFuzzer harness for what the collector
 * does with an upload body before it stores anything:
 * bundle_verify_mem() (agent/delivery/bundle.c: DER shape, CMS
 * SignedData, chain to a fixed test CA, gunzip, ustar, manifest.json and
 * its digests), bundle_tar_member() and summary_parse()
 * (collector/summary.c) on the archive's summary.json, as
 * collector/ingest.c chains them.
 *
 * Byte 0 of the input picks what the rest is:
 *   0  a signed bundle as uploaded (DER); almost every mutation breaks
 *      the signature, so this reaches the CMS and DER checks only;
 *   1  the ustar archive a bundle encapsulates: the harness gzips it and
 *      signs it with the test agent key, so the archive and manifest
 *      parsers behind the signature check see fuzzed bytes;
 *   2  an inflated archive, given straight to bundle_tar_member().
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
static X509_STORE *trust;

/* The test agent certificate and key and the CA, loaded on first use. */
static void
load_pki(void)
{
	struct plumb_err err;
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
	if (bundle_trust_load(FUZZ_PKI "/ca.pem", &trust, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		abort();
	}
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

/* Sign gz as bundle_create() does and verify the DER as the collector
 * does; 0 with *v filled when it verifies. */
static int
sign_verify(const unsigned char *gz, size_t len, struct bundle_verified *v)
{
	struct plumb_err err = { 0, "" };
	CMS_ContentInfo *cms = NULL;
	BIO *in = NULL, *out = NULL;
	unsigned char *der;
	long derlen;
	int rc = -1;

	if ((in = BIO_new_mem_buf(gz, (int)len)) != NULL &&
	    (cms = CMS_sign(NULL, NULL, NULL, NULL,
	    CMS_BINARY | CMS_PARTIAL)) != NULL &&
	    CMS_add1_signer(cms, agent_cert, agent_key, EVP_sha256(),
	    CMS_BINARY) != NULL &&
	    CMS_final(cms, in, NULL, CMS_BINARY) &&
	    (out = BIO_new(BIO_s_mem())) != NULL &&
	    i2d_CMS_bio(out, cms) &&
	    (derlen = BIO_get_mem_data(out, (char **)&der)) > 0)
		rc = bundle_verify_mem(der, (size_t)derlen, trust, v, &err);
	ERR_clear_error();
	BIO_free(in);
	BIO_free(out);
	CMS_ContentInfo_free(cms);
	return rc;
}

/* The collector's next steps on a verified archive. */
static void
read_summary(const unsigned char *tar, size_t len)
{
	struct plumb_err err = { 0, "" };
	struct store_bundle b;
	struct store_rule *rules = NULL;
	const unsigned char *m;
	size_t mlen = 0, nrules = 0;

	if (bundle_tar_member(tar, len, "manifest.json", &m, &mlen,
	    &err) == PLUMB_OK && (m < tar || m + mlen > tar + len))
		abort();	/* promised inside the archive */
	if (bundle_tar_member(tar, len, "summary.json", &m, &mlen,
	    &err) != PLUMB_OK)
		return;
	memset(&b, 0, sizeof(b));
	if (summary_parse(m, mlen, &b, &rules, &nrules, &err) == PLUMB_OK)
		store_rules_free(rules, nrules);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plumb_err err = { 0, "" };
	struct bundle_verified v;
	unsigned char *gz;
	size_t gzlen;

	if (size < 1)
		return 0;
	load_pki();
	memset(&v, 0, sizeof(v));
	switch (data[0]) {
	case 0:
		if (bundle_verify_mem(data + 1, size - 1, trust, &v,
		    &err) == PLUMB_OK)
			read_summary(v.tar, v.tarlen);
		break;
	case 1:
		if ((gz = gzip_buf(data + 1, size - 1, &gzlen)) == NULL)
			break;
		if (sign_verify(gz, gzlen, &v) == PLUMB_OK) {
			if (v.info.uuid[BUNDLE_UUID_LEN] != '\0' ||
			    strlen(v.info.uuid) != BUNDLE_UUID_LEN ||
			    v.signer == NULL || X509_cmp(v.signer,
			    agent_cert) != 0)
				abort();
			read_summary(v.tar, v.tarlen);
		}
		free(gz);
		break;
	case 2:
		read_summary(data + 1, size - 1);
		break;
	default:
		break;
	}
	bundle_verified_free(&v);
	return 0;
}
