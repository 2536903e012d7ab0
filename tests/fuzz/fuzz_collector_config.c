/*
 * fuzz_collector_config.c - TEST ONLY: libFuzzer harness for
 * plumb-collector's INI configuration (collector/config.c
 * collector_config_load over collector_config_defaults).
 */
#include "config.h"

#include <stdint.h>

#include "plumb/error.h"
#include "collector_config.h"
#include "fuzz_util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plumb_err err = { 0, "" };
	struct collector_config cfg;
	const char *path;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	path = fuzz_write("plumb-collector.conf", data, size);
	if (collector_config_defaults(&cfg, &err) != PLUMB_OK)
		abort();
	rc = collector_config_load(&cfg, path, &err);
	if (rc != PLUMB_OK && strstr(err.msg, path) == NULL) {
		fprintf(stderr, "collector_config_load: message without "
		    "the file: %s\n", err.msg);
		abort();
	}
	collector_config_clear(&cfg);
	return 0;
}
