/*
 * dashboard.c - serves the dashboard's static files (collector/dashboard/)
 * from the tables collector/dashboard/embed.sh generates at build time
 * (dashboard_data.c in the build directory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"

/* The generated tables (dashboard_data.c); see embed.sh. */
extern const size_t dashboard_nfiles;
extern const char *const dashboard_file_name[];
extern const char *const dashboard_file_type[];
extern const unsigned char *const dashboard_file_data[];
extern const size_t dashboard_file_len[];

/* Longest name looked up: anything longer is no file of ours. */
#define DASHBOARD_NAME_MAX	64

/*
 * Only exact names from the table are served, so "..", "/", encoded
 * or empty segments can never reach anything else: they are 404.
 */
int
dashboard_serve(const char *name, struct api_reply *rep,
    struct plumb_err *err)
{
	size_t i;
	char *copy;

	rep->status = 200;
	rep->json = NULL;
	rep->text = NULL;
	rep->text_len = 0;
	rep->content_type = NULL;
	rep->msg[0] = '\0';

	if (name == NULL || name[0] == '\0')
		name = "index.html";
	if (strlen(name) <= DASHBOARD_NAME_MAX) {
		for (i = 0; i < dashboard_nfiles; i++) {
			if (strcmp(name, dashboard_file_name[i]) == 0)
				break;
		}
	} else
		i = dashboard_nfiles;
	if (i == dashboard_nfiles) {
		rep->status = 404;
		snprintf(rep->msg, sizeof(rep->msg),
		    "no dashboard file named \"%.*s\"", DASHBOARD_NAME_MAX,
		    name);
		return PLUMB_OK;
	}

	/* The table holds a NUL after the bytes; copy it too. */
	if ((copy = malloc(dashboard_file_len[i] + 1)) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM,
		    "dashboard: out of memory for %s (%zu bytes)",
		    dashboard_file_name[i], dashboard_file_len[i]);
	memcpy(copy, dashboard_file_data[i], dashboard_file_len[i] + 1);
	rep->text = copy;
	rep->text_len = dashboard_file_len[i];
	rep->content_type = dashboard_file_type[i];
	return PLUMB_OK;
}
