/*
 * fuzz_agent_config.c - TEST ONLY: libFuzzer harness for the agent's INI
 * configuration (agent/core/config.c config_load over config_defaults).
 */
#include "config.h"

#include <stdint.h>

#include "plumb/error.h"
#include "agent_config.h"
#include "fuzz_util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plumb_err err = { 0, "" };
	struct config cfg;
	const char *path;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	path = fuzz_write("agent.conf", data, size);
	if (config_defaults(&cfg, &err) != PLUMB_OK)
		abort();
	rc = config_load(&cfg, path, &err);
	/* A refusal must say why, naming the file. */
	if (rc != PLUMB_OK && strstr(err.msg, path) == NULL) {
		fprintf(stderr, "config_load: message without the file: %s\n",
		    err.msg);
		abort();
	}
	config_clear(&cfg);
	return 0;
}
