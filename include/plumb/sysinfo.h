/*
 * sysinfo.h - facts about the host being scanned, for result
 * documents (OVAL system_info, XCCDF target facts).  Implemented per
 * platform under platforms/.
 */
#ifndef PLUMB_SYSINFO_H
#define PLUMB_SYSINFO_H

#include <stddef.h>

#define SYSINFO_IFACE_MAX 64

struct sysinfo_iface {
	char name[64];
	char addr[64];		/* numeric IPv4 or IPv6 address */
	char mac[32];		/* aa:bb:cc:dd:ee:ff, or "" */
};

/* A network interface with a 6-byte link-layer (MAC) address: every
 * one, loopback and those without an IP address included. */
struct sysinfo_link {
	char name[64];
	char mac[32];		/* AA:BB:CC:DD:EE:FF, as the reference
				 * writes asset MAC addresses */
};

struct sysinfo {
	char os_name[128];
	char os_version[256];
	char arch[128];
	char hostname[256];
	struct sysinfo_iface ifaces[SYSINFO_IFACE_MAX];	/* one per non-loopback
							 * IP address */
	size_t nifaces;
	struct sysinfo_iface addrs[SYSINFO_IFACE_MAX];	/* every IP address,
							 * loopback included,
							 * as the reference
							 * lists them */
	size_t naddrs;
	struct sysinfo_link links[SYSINFO_IFACE_MAX];	/* interface order */
	size_t nlinks;
};

/* Fill si; fields that cannot be read stay "". Returns 0. */
int sysinfo_get(struct sysinfo *si);

#endif /* PLUMB_SYSINFO_H */
