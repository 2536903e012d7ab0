/*
 * cmd_verify.c - "plumb verify BUNDLE --ca CA": check a results bundle
 * as an auditor would; and "plumb sign-content": sign SCAP content for
 * agents that require signed content.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "plumb/error.h"
#include "bundle.h"
#include "cmd.h"
#include "content_sig.h"

static void
verify_usage(FILE *f)
{
	fprintf(f,
	    "usage: plumb verify --ca CA_FILE BUNDLE\n"
	    "\n"
	    "Verify a results bundle: the CMS signature, the signer's chain to\n"
	    "CA_FILE (the only trust anchor) and every member's digest in the\n"
	    "manifest.  Prints the signer, host, bundle UUID, creation and\n"
	    "signing time and the content digest.\n"
	    "\n"
	    "  --ca FILE   CA certificates (PEM) that may sign agent certificates\n"
	    "  -h, --help  show this help\n"
	    "\n"
	    "Exit status: 0 when everything verifies, 1 otherwise.\n");
}

static void
verify_time(const char *label, time_t t)
{
	char buf[32];
	struct tm tm;

	if (t == 0) {
		printf("%s: (none)\n", label);
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%s: %s\n", label, buf);
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ca", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct plumb_err err = { 0, "" };
	struct bundle_info info;
	const char *ca = NULL;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			ca = optarg;
			break;
		case 'h':
			verify_usage(stdout);
			return CMD_EXIT_OK;
		default:
			verify_usage(stderr);
			return CMD_EXIT_ERROR;
		}
	}
	if (ca == NULL || optind != argc - 1) {
		verify_usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (bundle_verify(argv[optind], ca, &info, &err) != PLUMB_OK) {
		cmd_warnx("verify: %s", err.msg);
		printf("Verification FAILED: %s\n", err.msg);
		return CMD_EXIT_ERROR;
	}
	printf("signer: %s\n", info.signer);
	printf("host: %s\n", info.host);
	printf("uuid: %s\n", info.uuid);
	verify_time("created", info.created);
	verify_time("signing_time", info.signing_time);
	printf("content_sha256: %s\n", info.content_sha256);
	printf("Verification OK\n");
	return CMD_EXIT_OK;
}

static void
sign_usage(FILE *f)
{
	fprintf(f,
	    "usage: plumb sign-content --cert CERT --key KEY [--out SIG] FILE\n"
	    "\n"
	    "Write a detached CMS signature (DER, SHA-256) of FILE to FILE.p7s,\n"
	    "which agents with require_signed_content = yes check against\n"
	    "content_ca.  CERT needs the codeSigning extended key usage; KEY\n"
	    "must not be readable by group or others.\n"
	    "\n"
	    "  --cert FILE  signing certificate (PEM; further certificates in\n"
	    "               the file are included as intermediates)\n"
	    "  --key FILE   its private key (PEM)\n"
	    "  --out FILE   write the signature here instead of FILE.p7s\n"
	    "  -h, --help   show this help\n"
	    "\n"
	    "Exit status: 0 when the signature was written, 1 otherwise.\n");
}

int
cmd_sign_content(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct plumb_err err = { 0, "" };
	const char *cert = NULL, *key = NULL, *out = NULL;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cert = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			sign_usage(stdout);
			return CMD_EXIT_OK;
		default:
			sign_usage(stderr);
			return CMD_EXIT_ERROR;
		}
	}
	if (cert == NULL || key == NULL || optind != argc - 1) {
		sign_usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (content_sig_sign(argv[optind], cert, key, out, &err) != PLUMB_OK) {
		cmd_warnx("sign-content: %s", err.msg);
		return CMD_EXIT_ERROR;
	}
	return CMD_EXIT_OK;
}
