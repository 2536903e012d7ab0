/*
 * load-agents.c - TEST ONLY, never installed: many agents uploading
 * signed bundles to plumb-collector at once, for the collector
 * performance and load tests (tests/perf/collector-ingest.sh,
 * tests/load/load.sh).
 *
 * usage: load-agents [-d SECONDS] [-k] [-o ACKLOG] -b PER_AGENT
 *            URL CA AGENTS MEMBER...
 *
 * AGENTS is a file of "HOST CERT KEY" lines, one agent each.  First
 * PER_AGENT bundles per agent are made in memory with bundle_create()
 * (MEMBER... are the archive members, e.g. arf.xml and summary.json of
 * one real scan, re-signed for each host with its own certificate, so
 * every bundle has its own UUID and passes the collector's identity
 * checks); this is timed apart.  Then every agent uploads its bundles
 * one after the other over its own HTTPS connection (libcurl multi,
 * mutual TLS, keep-alive; -k forbids reuse: one TLS handshake per
 * upload), all agents at once, until each has sent all of its bundles
 * or -d SECONDS have passed (no new upload starts after that).
 *
 * Prints "key value" lines: bundles, gen_s, agents, uploads, stored
 * (201), duplicate (409), errors, elapsed_s, uploads_per_s, p50_ms,
 * p99_ms, max_ms, then one "error ..." line per failed upload (first
 * 20).  -o writes "UUID CODE" per finished upload (CODE 0: no HTTP
 * answer).  Exit 0 when every upload was answered 201 or 409, 1 when
 * any failed, 2 on a usage or setup error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "plumb/error.h"
#include "bundle.h"

#define LOAD_MAX_MEMBERS	8
#define LOAD_MAX_AGENTS		4096
#define LOAD_MAX_ERRORS		20

/* One pre-made bundle: its DER bytes and UUID. */
struct load_bundle {
	unsigned char *der;
	size_t len;
	char uuid[BUNDLE_UUID_LEN + 1];
};

/* One agent: its identity, bundles and the transfer in flight. */
struct load_agent {
	char host[256];
	char cert[1024];
	char key[1024];
	struct load_bundle *b;		/* per_agent entries */
	size_t next;			/* index of the next bundle to send */
	CURL *easy;
	struct curl_slist *hdr;
	double t0;			/* start of the upload in flight */
};

/* The whole run. */
struct load_run {
	struct load_agent *a;
	size_t na;
	size_t per_agent;
	double *lat;			/* each finished upload, ms */
	size_t nlat;
	size_t stored, dup, errors;
	FILE *acklog;
};

/* Monotonic seconds. */
static double
load_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read a whole file into memory (the caller frees); NULL on failure. */
static unsigned char *
load_slurp(const char *path, size_t *len)
{
	unsigned char *p = NULL, *np;
	size_t cap = 0;
	ssize_t r;
	int fd;

	*len = 0;
	if ((fd = open(path, O_RDONLY)) < 0)
		return NULL;
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((np = realloc(p, cap)) == NULL) {
				free(p);
				p = NULL;
				break;
			}
			p = np;
		}
		if ((r = read(fd, p + *len, cap - *len)) < 0) {
			free(p);
			p = NULL;
			break;
		}
		if (r == 0)
			break;
		*len += (size_t)r;
	}
	close(fd);
	/* Thousands of bundles stay in memory: no slack per buffer. */
	if (p != NULL && *len > 0 && (np = realloc(p, *len)) != NULL)
		p = np;
	return p;
}

/* Read the "HOST CERT KEY" lines of path into run->a. */
static int
load_read_agents(struct load_run *run, const char *path)
{
	char line[2600];
	FILE *f;
	int rc = -1;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "load-agents: %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	run->a = calloc(LOAD_MAX_AGENTS, sizeof(*run->a));
	if (run->a == NULL)
		goto out;
	while (fgets(line, sizeof(line), f) != NULL) {
		struct load_agent *ag;

		if (run->na == LOAD_MAX_AGENTS) {
			fprintf(stderr, "load-agents: %s: more than %d "
			    "agents\n", path, LOAD_MAX_AGENTS);
			goto out;
		}
		ag = &run->a[run->na];
		if (sscanf(line, "%255s %1023s %1023s", ag->host, ag->cert,
		    ag->key) != 3) {
			fprintf(stderr, "load-agents: %s: bad line: %s",
			    path, line);
			goto out;
		}
		run->na++;
	}
	rc = run->na > 0 ? 0 : -1;
	if (rc != 0)
		fprintf(stderr, "load-agents: %s: no agents\n", path);
out:
	fclose(f);
	return rc;
}

/* Make every agent's bundles: members re-signed with its certificate. */
static int
load_make_bundles(struct load_run *run, const struct bundle_member *m,
    size_t nm, const char *tmpfile)
{
	struct plumb_err err = { 0, "" };
	struct bundle_info info;
	size_t i, j;

	for (i = 0; i < run->na; i++) {
		struct load_agent *ag = &run->a[i];

		ag->b = calloc(run->per_agent, sizeof(*ag->b));
		if (ag->b == NULL)
			return -1;
		for (j = 0; j < run->per_agent; j++) {
			if (bundle_create(tmpfile, ag->host, NULL, m, nm,
			    ag->cert, ag->key, &info, &err) != PLUMB_OK) {
				fprintf(stderr, "load-agents: %s: %s\n",
				    ag->host, err.msg);
				return -1;
			}
			ag->b[j].der = load_slurp(tmpfile, &ag->b[j].len);
			if (ag->b[j].der == NULL) {
				fprintf(stderr, "load-agents: %s: cannot "
				    "read back\n", tmpfile);
				return -1;
			}
			memcpy(ag->b[j].uuid, info.uuid, sizeof(info.uuid));
		}
	}
	unlink(tmpfile);
	return 0;
}

/* Answers are not needed: drop them. */
static size_t
load_discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/* Point ag's handle at its next bundle. */
static int
load_prepare(struct load_agent *ag)
{
	struct load_bundle *b = &ag->b[ag->next];
	char h[64];

	curl_slist_free_all(ag->hdr);
	ag->hdr = curl_slist_append(NULL,
	    "Content-Type: application/pkcs7-mime");
	snprintf(h, sizeof(h), "X-Plumb-Bundle: %s", b->uuid);
	ag->hdr = curl_slist_append(ag->hdr, h);
	ag->hdr = curl_slist_append(ag->hdr, "Expect:");
	if (ag->hdr == NULL)
		return -1;
	curl_easy_setopt(ag->easy, CURLOPT_HTTPHEADER, ag->hdr);
	curl_easy_setopt(ag->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)b->len);
	curl_easy_setopt(ag->easy, CURLOPT_POSTFIELDS, b->der);
	ag->t0 = load_now();
	return 0;
}

/* A new handle for ag with its TLS identity. */
static int
load_easy(struct load_agent *ag, const char *url, const char *ca,
    int noreuse)
{
	if ((ag->easy = curl_easy_init()) == NULL)
		return -1;
	curl_easy_setopt(ag->easy, CURLOPT_URL, url);
	curl_easy_setopt(ag->easy, CURLOPT_CAINFO, ca);
	curl_easy_setopt(ag->easy, CURLOPT_SSLCERT, ag->cert);
	curl_easy_setopt(ag->easy, CURLOPT_SSLKEY, ag->key);
	curl_easy_setopt(ag->easy, CURLOPT_SSLVERSION,
	    (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(ag->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(ag->easy, CURLOPT_WRITEFUNCTION, load_discard);
	curl_easy_setopt(ag->easy, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(ag->easy, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(ag->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(ag->easy, CURLOPT_PRIVATE, ag);
	if (noreuse)
		curl_easy_setopt(ag->easy, CURLOPT_FORBID_REUSE, 1L);
	return 0;
}

static int
load_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of the sorted latencies, nearest rank. */
static double
load_quantile(const double *v, size_t n, double q)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(q * (double)n + 0.999999);
	if (i < 1)
		i = 1;
	if (i > n)
		i = n;
	return v[i - 1];
}

/* Account for one finished transfer; the next upload of that agent. */
static void
load_done(struct load_run *run, CURLM *multi, CURLMsg *msg, int more)
{
	struct load_agent *ag = NULL;
	long code = 0;
	double ms;

	curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&ag);
	ms = (load_now() - ag->t0) * 1000.0;
	if (msg->data.result == CURLE_OK)
		curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE,
		    &code);
	if (code == 201)
		run->stored++;
	else if (code == 409)
		run->dup++;
	else {
		if (run->errors < LOAD_MAX_ERRORS)
			printf("error %s %s: HTTP %ld, %s\n", ag->host,
			    ag->b[ag->next].uuid, code,
			    curl_easy_strerror(msg->data.result));
		run->errors++;
	}
	if (run->acklog != NULL)
		fprintf(run->acklog, "%s %ld\n", ag->b[ag->next].uuid, code);
	run->lat[run->nlat++] = ms;
	curl_multi_remove_handle(multi, ag->easy);
	ag->next++;
	if (more && ag->next < run->per_agent && load_prepare(ag) == 0)
		curl_multi_add_handle(multi, ag->easy);
}

int
main(int argc, char **argv)
{
	struct bundle_member m[LOAD_MAX_MEMBERS];
	unsigned char *data[LOAD_MAX_MEMBERS];
	struct load_run run;
	const char *acklog = NULL, *url, *ca;
	char tmpfile[64];
	double duration = 0, t0, t1, elapsed;
	size_t i, nm;
	int ch, noreuse = 0, running = 1, rc = 2;
	CURLM *multi = NULL;
	CURLMsg *msg;

	memset(&run, 0, sizeof(run));
	while ((ch = getopt(argc, argv, "b:d:ko:")) != -1) {
		switch (ch) {
		case 'b':
			run.per_agent = strtoul(optarg, NULL, 10);
			break;
		case 'd':
			duration = strtod(optarg, NULL);
			break;
		case 'k':
			noreuse = 1;
			break;
		case 'o':
			acklog = optarg;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 4 || run.per_agent == 0 ||
	    argc - 3 > LOAD_MAX_MEMBERS) {
usage:
		fprintf(stderr, "usage: load-agents [-d SECONDS] [-k] "
		    "[-o ACKLOG] -b PER_AGENT URL CA AGENTS MEMBER...\n");
		return 2;
	}
	url = argv[0];
	ca = argv[1];
	if (load_read_agents(&run, argv[2]) != 0)
		return 2;
	nm = (size_t)argc - 3;
	for (i = 0; i < nm; i++) {
		const char *s = strrchr(argv[3 + i], '/');

		data[i] = load_slurp(argv[3 + i], &m[i].len);
		if (data[i] == NULL) {
			fprintf(stderr, "load-agents: cannot read %s\n",
			    argv[3 + i]);
			return 2;
		}
		m[i].data = data[i];
		m[i].name = s != NULL ? s + 1 : argv[3 + i];
	}
	/* bundle_create() fsyncs: on tmpfs that costs nothing. */
	snprintf(tmpfile, sizeof(tmpfile), "%s/load-agents.%ld.p7m",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp",
	    (long)getpid());
	t0 = load_now();
	if (load_make_bundles(&run, m, nm, tmpfile) != 0) {
		unlink(tmpfile);
		return 2;
	}
	printf("bundles %zu\n", run.na * run.per_agent);
	printf("bundle_bytes %zu\n", run.a[0].b[0].len);
	printf("gen_s %.2f\n", load_now() - t0);
	printf("agents %zu\n", run.na);
	fflush(stdout);

	run.lat = calloc(run.na * run.per_agent, sizeof(*run.lat));
	if (run.lat == NULL)
		return 2;
	if (acklog != NULL && (run.acklog = fopen(acklog, "w")) == NULL) {
		fprintf(stderr, "load-agents: %s: %s\n", acklog,
		    strerror(errno));
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((multi = curl_multi_init()) == NULL)
		return 2;
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)run.na + 16);
	t0 = load_now();
	for (i = 0; i < run.na; i++) {
		if (load_easy(&run.a[i], url, ca, noreuse) != 0 ||
		    load_prepare(&run.a[i]) != 0)
			return 2;
		curl_multi_add_handle(multi, run.a[i].easy);
	}
	while (running > 0) {
		int left, more;

		curl_multi_perform(multi, &running);
		more = duration <= 0 || load_now() - t0 < duration;
		while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
			if (msg->msg == CURLMSG_DONE)
				load_done(&run, multi, msg, more);
		}
		curl_multi_perform(multi, &running);
		if (running > 0)
			curl_multi_poll(multi, NULL, 0, 100, NULL);
	}
	t1 = load_now();
	elapsed = t1 - t0;
	qsort(run.lat, run.nlat, sizeof(*run.lat), load_cmp);
	printf("uploads %zu\n", run.nlat);
	printf("stored %zu\n", run.stored);
	printf("duplicate %zu\n", run.dup);
	printf("errors %zu\n", run.errors);
	printf("elapsed_s %.2f\n", elapsed);
	printf("uploads_per_s %.1f\n", elapsed > 0 ?
	    (double)run.nlat / elapsed : 0);
	printf("p50_ms %.1f\n", load_quantile(run.lat, run.nlat, 0.50));
	printf("p99_ms %.1f\n", load_quantile(run.lat, run.nlat, 0.99));
	printf("max_ms %.1f\n", run.nlat ? run.lat[run.nlat - 1] : 0);
	rc = run.errors == 0 && run.nlat > 0 ? 0 : 1;
	for (i = 0; i < run.na; i++) {
		size_t j;

		curl_easy_cleanup(run.a[i].easy);
		curl_slist_free_all(run.a[i].hdr);
		for (j = 0; j < run.per_agent; j++)
			free(run.a[i].b[j].der);
		free(run.a[i].b);
	}
	for (i = 0; i < nm; i++)
		free(data[i]);
	free(run.a);
	free(run.lat);
	curl_multi_cleanup(multi);
	curl_global_cleanup();
	if (run.acklog != NULL && fclose(run.acklog) != 0)
		rc = 2;
	return rc;
}
