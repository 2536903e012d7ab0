/*
 * oval_func.h - evaluation of a local_variable's component tree: the
 * object, variable and literal components and the twelve functions of
 * OVAL 5.11 (arithmetic, begin, concat, count, end, escape_regex,
 * glob_to_regex, regex_capture, split, substring, time_difference,
 * unique).
 *
 * Every component yields a list of values (possibly empty); functions
 * with several arguments combine every value of each argument with
 * every value of the others (the schema's cartesian-product rule).
 */
#ifndef PLUMB_OVAL_FUNC_H
#define PLUMB_OVAL_FUNC_H

#include <time.h>
#include <libxml/tree.h>

#include "plumb/error.h"
#include "plumb/values.h"

/* What the component evaluator needs from the engine. */
struct oval_func_env {
	void *eng;
	/* Values of another variable (memoised by the engine); out is
	 * initialised by the callee.  Returns 0 or a PLUMB_E* code. */
	int (*variable)(void *eng, const char *var_id, struct oval_values *out,
	    struct plumb_err *err);
	/* Values of item_field (and record_field when not NULL) across the
	 * items of object obj_id; out is initialised by the callee. */
	int (*object)(void *eng, const char *obj_id, const char *item_field,
	    const char *record_field, struct oval_values *out,
	    struct plumb_err *err);
	time_t now;	/* the evaluation's "current time" for time_difference */
};

/*
 * Evaluate the component element comp (a child of local_variable, or of
 * a function) into out, converting results to datatype dt where the
 * function defines it.  out is initialised here and owned by the caller.
 * Returns 0, or a PLUMB_E* code with err set (an error makes the
 * variable's value "error" for everything that uses it).
 */
int oval_func_eval(const struct oval_func_env *env, xmlNodePtr comp,
    enum oval_datatype dt, struct oval_values *out, struct plumb_err *err);

#endif /* PLUMB_OVAL_FUNC_H */
