/* probe_table.c - the one table of probes this build carries. */
#include <string.h>

#include "plumb/probe.h"

extern const struct probe_ops probe_variable_ops;
extern const struct probe_ops probe_family_ops;
extern const struct probe_ops probe_environmentvariable58_ops;
extern const struct probe_ops probe_file_ops;
extern const struct probe_ops probe_textfilecontent54_ops;
extern const struct probe_ops probe_textfilecontent_ops;
extern const struct probe_ops probe_filehash58_ops;
extern const struct probe_ops probe_symlink_ops;
extern const struct probe_ops probe_dpkginfo_ops;
extern const struct probe_ops probe_rpminfo_ops;
extern const struct probe_ops probe_sysctl_ops;
extern const struct probe_ops probe_uname_ops;
extern const struct probe_ops probe_password_ops;
extern const struct probe_ops probe_shadow_ops;
extern const struct probe_ops probe_partition_ops;
extern const struct probe_ops probe_interface_ops;
extern const struct probe_ops probe_process58_ops;
extern const struct probe_ops probe_xmlfilecontent_ops;
extern const struct probe_ops probe_yamlfilecontent_ops;
extern const struct probe_ops probe_systemdunitproperty_ops;
extern const struct probe_ops probe_systemdunitdependency_ops;
extern const struct probe_ops probe_selinuxboolean_ops;
extern const struct probe_ops probe_selinuxsecuritycontext_ops;
extern const struct probe_ops probe_rpmverifyfile_ops;
extern const struct probe_ops probe_environmentvariable_ops;
extern const struct probe_ops probe_filehash_ops;
extern const struct probe_ops probe_rpmverifypackage_ops;

const struct probe_ops *const probe_table[] = {
	&probe_variable_ops,
	&probe_family_ops,
	&probe_environmentvariable58_ops,
	&probe_file_ops,
	&probe_textfilecontent54_ops,
	&probe_textfilecontent_ops,
	&probe_filehash58_ops,
	&probe_symlink_ops,
	&probe_dpkginfo_ops,
	&probe_rpminfo_ops,
	&probe_sysctl_ops,
	&probe_uname_ops,
	&probe_password_ops,
	&probe_shadow_ops,
	&probe_partition_ops,
	&probe_interface_ops,
	&probe_process58_ops,
	&probe_xmlfilecontent_ops,
	&probe_yamlfilecontent_ops,
	&probe_systemdunitproperty_ops,
	&probe_systemdunitdependency_ops,
	&probe_selinuxboolean_ops,
	&probe_selinuxsecuritycontext_ops,
	&probe_rpmverifyfile_ops,
	&probe_environmentvariable_ops,
	&probe_filehash_ops,
	&probe_rpmverifypackage_ops,
	NULL
};

const struct probe_ops *
probe_lookup(const char *type)
{
	size_t i;

	for (i = 0; probe_table[i] != NULL; i++)
		if (strcmp(probe_table[i]->type, type) == 0)
			return probe_table[i];
	return NULL;
}
