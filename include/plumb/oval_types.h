/*
 * oval_types.h - OVAL 5.11 enumerations used by the engine, the probes
 * and the result writers, with their schema spellings.
 */
#ifndef PLUMB_OVAL_TYPES_H
#define PLUMB_OVAL_TYPES_H

/* oval:ResultEnumeration.  The order is used as an array index. */
enum oval_result {
	OVAL_R_TRUE = 0,
	OVAL_R_FALSE,
	OVAL_R_UNKNOWN,
	OVAL_R_ERROR,
	OVAL_R_NOT_EVALUATED,
	OVAL_R_NOT_APPLICABLE,
	OVAL_R__COUNT
};

/* oval:SimpleDatatypeEnumeration plus record (ComplexDatatypeEnumeration). */
enum oval_datatype {
	OVAL_DT_STRING = 0,	/* the default when no datatype attribute */
	OVAL_DT_INT,
	OVAL_DT_FLOAT,
	OVAL_DT_BOOLEAN,
	OVAL_DT_BINARY,
	OVAL_DT_EVR_STRING,
	OVAL_DT_DEBIAN_EVR_STRING,
	OVAL_DT_FILESET_REVISION,
	OVAL_DT_IOS_VERSION,
	OVAL_DT_VERSION,
	OVAL_DT_IPV4_ADDRESS,
	OVAL_DT_IPV6_ADDRESS,
	OVAL_DT_RECORD,
	OVAL_DT__COUNT
};

/* oval:OperationEnumeration. */
enum oval_operation {
	OVAL_OP_EQUALS = 0,	/* the default */
	OVAL_OP_NOT_EQUAL,
	OVAL_OP_CI_EQUALS,
	OVAL_OP_CI_NOT_EQUAL,
	OVAL_OP_GREATER,
	OVAL_OP_LESS,
	OVAL_OP_GREATER_EQUAL,
	OVAL_OP_LESS_EQUAL,
	OVAL_OP_BITWISE_AND,
	OVAL_OP_BITWISE_OR,
	OVAL_OP_PATTERN_MATCH,
	OVAL_OP_SUBSET_OF,
	OVAL_OP_SUPERSET_OF,
	OVAL_OP__COUNT
};

/* oval:OperatorEnumeration (criteria, state_operator, sets of entities). */
enum oval_operator {
	OVAL_OPR_AND = 0,	/* the default */
	OVAL_OPR_ONE,
	OVAL_OPR_OR,
	OVAL_OPR_XOR,
	OVAL_OPR__COUNT
};

/* oval:CheckEnumeration (test check, var_check, entity_check). */
enum oval_check {
	OVAL_CHECK_ALL = 0,	/* the default */
	OVAL_CHECK_AT_LEAST_ONE,
	OVAL_CHECK_NONE_EXIST,	/* deprecated spelling, same as none satisfy */
	OVAL_CHECK_NONE_SATISFY,
	OVAL_CHECK_ONLY_ONE,
	OVAL_CHECK__COUNT
};

/* oval:ExistenceEnumeration (test check_existence). */
enum oval_existence {
	OVAL_EXIST_AT_LEAST_ONE = 0,	/* the default */
	OVAL_EXIST_ALL,
	OVAL_EXIST_ANY,
	OVAL_EXIST_NONE,
	OVAL_EXIST_ONLY_ONE,
	OVAL_EXIST__COUNT
};

/* oval-sc:FlagEnumeration: how completely an object was collected. */
enum oval_flag {
	OVAL_FLAG_ERROR = 0,
	OVAL_FLAG_COMPLETE,
	OVAL_FLAG_INCOMPLETE,
	OVAL_FLAG_DOES_NOT_EXIST,
	OVAL_FLAG_NOT_COLLECTED,
	OVAL_FLAG_NOT_APPLICABLE,
	OVAL_FLAG__COUNT
};

/* oval-sc:StatusEnumeration: status of an item or an item entity. */
enum oval_status {
	OVAL_ST_EXISTS = 0,
	OVAL_ST_DOES_NOT_EXIST,
	OVAL_ST_ERROR,
	OVAL_ST_NOT_COLLECTED,
	OVAL_ST__COUNT
};

/* oval:SetOperatorEnumeration. */
enum oval_set_op {
	OVAL_SETOP_UNION = 0,	/* the default */
	OVAL_SETOP_INTERSECTION,
	OVAL_SETOP_COMPLEMENT
};

/*
 * String <-> enum.  The *_name() functions return the schema spelling
 * (static, never NULL).  The *_parse() functions return 0 and set *out,
 * or -1 when s is not a valid spelling; s == NULL yields the default.
 */
const char *oval_result_name(enum oval_result);
const char *oval_datatype_name(enum oval_datatype);
const char *oval_operation_name(enum oval_operation);
const char *oval_operator_name(enum oval_operator);
const char *oval_check_name(enum oval_check);
const char *oval_existence_name(enum oval_existence);
const char *oval_flag_name(enum oval_flag);
const char *oval_status_name(enum oval_status);

int oval_result_parse(const char *s, enum oval_result *out);
int oval_datatype_parse(const char *s, enum oval_datatype *out);
int oval_operation_parse(const char *s, enum oval_operation *out);
int oval_operator_parse(const char *s, enum oval_operator *out);
int oval_check_parse(const char *s, enum oval_check *out);
int oval_existence_parse(const char *s, enum oval_existence *out);
int oval_flag_parse(const char *s, enum oval_flag *out);
int oval_status_parse(const char *s, enum oval_status *out);
int oval_set_op_parse(const char *s, enum oval_set_op *out);

#endif /* PLUMB_OVAL_TYPES_H */
