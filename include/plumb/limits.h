/*
 * limits.h - the caps on what content and the files probes read may
 * make the agent do: agent.conf [limits] (plumb.conf(5)), with safe
 * defaults.  One set per process: config_load() installs a
 * configuration's values, the commands that evaluate content without
 * the agent's configuration read them with config_limits_load().
 */
#ifndef PLUMB_LIMITS_H
#define PLUMB_LIMITS_H

#include <stdint.h>

struct plumb_limits {
	unsigned content_files;		/* external component files one
					 * data stream may load; 16 */
	unsigned content_depth;		/* chain of external references; 4 */
	uint64_t content_bytes;		/* one XML document; 512 MiB */
	unsigned content_elements;	/* elements in one document; 4M */
	unsigned rpm_files;		/* filepath entities in one rpminfo
					 * item; 200000 */
	unsigned yaml_union;		/* keys or indexes in one [...] of
					 * a YAML path; 64 */
};

#define PLUMB_LIMITS_DEFAULTS { 16, 4, (uint64_t)512 * 1024 * 1024, \
	4000000, 200000, 64 }

/* The caps in force (defaults until a configuration is installed). */
extern struct plumb_limits plumb_limits;

#endif /* PLUMB_LIMITS_H */
