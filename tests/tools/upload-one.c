/*
 * upload-one.c - TEST ONLY: send one file with upload_bundle() and
 * print the outcome, so the delivery tests can exercise the TLS client
 * with credentials plumb scan would refuse to sign with (none at all,
 * another CA's, an expired one).
 *
 * usage: upload-one URL CA CERT|- KEY|- FILE UUID
 * ("-" leaves the client certificate out).  Prints "ok", "retry: MSG"
 * or "rejected: MSG"; exit 0, 3 or 4 accordingly.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "upload.h"

int
main(int argc, char **argv)
{
	struct plumb_err err = { 0, "" };
	struct upload_opts o;
	enum upload_status st;

	if (argc != 7) {
		fprintf(stderr, "usage: upload-one URL CA CERT|- KEY|- FILE "
		    "UUID\n");
		return 2;
	}
	memset(&o, 0, sizeof(o));
	o.url = argv[1];
	o.ca_file = argv[2];
	/* NULL certificate and key: none is offered. */
	o.cert_file = strcmp(argv[3], "-") == 0 ? NULL : argv[3];
	o.key_file = strcmp(argv[4], "-") == 0 ? NULL : argv[4];
	o.connect_timeout_s = 5;
	o.timeout_s = 20;
	st = upload_bundle(&o, argv[5], argv[6], &err);
	switch (st) {
	case UPLOAD_OK:
		printf("ok\n");
		return 0;
	case UPLOAD_RETRY:
		printf("retry: %s\n", err.msg);
		return 3;
	default:
		printf("rejected: %s\n", err.msg);
		return 4;
	}
}
