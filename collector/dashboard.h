/*
 * dashboard.h - the dashboard's static files (collector/dashboard/),
 * compiled into plumb-collector so it needs no files on disk and no
 * network: served by the api listener under /dashboard/.
 */
#ifndef PLUMB_COLLECTOR_DASHBOARD_H
#define PLUMB_COLLECTOR_DASHBOARD_H

#include "api.h"

#define DASHBOARD_PREFIX	"/dashboard/"

/*
 * GET of name, the path after DASHBOARD_PREFIX ("" means index.html):
 * fills rep with the file (text, text_len, content_type; status 200)
 * or a 404.  The text is allocated (api_reply_clear() frees it).
 */
int dashboard_serve(const char *name, struct api_reply *rep,
    struct plumb_err *err);

#endif /* PLUMB_COLLECTOR_DASHBOARD_H */
