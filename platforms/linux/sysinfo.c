/* sysinfo.c - host facts on Linux: uname(2) and getifaddrs(3). */
#include <sys/socket.h>
#include <sys/utsname.h>

#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>

#include "plumb/sysinfo.h"

/* The MAC address of AF_PACKET entry ia, in upper or lower case
 * hexadecimal; 0, or -1 when it has none of 6 bytes. */
static int
link_mac(const struct ifaddrs *ia, int upper, char *mac, size_t len)
{
	const struct sockaddr_ll *ll;
	const unsigned char *a;

	if (ia->ifa_addr == NULL || ia->ifa_addr->sa_family != AF_PACKET)
		return -1;
	ll = (const struct sockaddr_ll *)(const void *)ia->ifa_addr;
	if (ll->sll_halen != 6)
		return -1;
	a = ll->sll_addr;
	if (upper)
		snprintf(mac, len, "%02X:%02X:%02X:%02X:%02X:%02X",
		    a[0], a[1], a[2], a[3], a[4], a[5]);
	else
		snprintf(mac, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		    a[0], a[1], a[2], a[3], a[4], a[5]);
	return 0;
}

/* The MAC address of interface name from the AF_PACKET entries. */
static void
iface_mac(struct ifaddrs *all, const char *name, char *mac, size_t len)
{
	struct ifaddrs *ia;

	for (ia = all; ia != NULL; ia = ia->ifa_next)
		if (strcmp(ia->ifa_name, name) == 0 &&
		    link_mac(ia, 0, mac, len) == 0)
			return;
}

/* Every interface with a link-layer address, in the kernel's order
 * (the reference lists them all in ARF assets, address or not). */
static void
links_get(struct ifaddrs *all, struct sysinfo *si)
{
	struct sysinfo_link *l;
	struct ifaddrs *ia;

	for (ia = all; ia != NULL && si->nlinks < SYSINFO_IFACE_MAX;
	    ia = ia->ifa_next) {
		l = &si->links[si->nlinks];
		if (link_mac(ia, 1, l->mac, sizeof(l->mac)) != 0)
			continue;
		snprintf(l->name, sizeof(l->name), "%s", ia->ifa_name);
		si->nlinks++;
	}
}

/* Entry ia as an interface address (numeric, with its interface's
 * MAC address); 0, or -1 when it is not an IP address. */
static int
addr_get(struct ifaddrs *all, const struct ifaddrs *ia,
    struct sysinfo_iface *f)
{
	socklen_t sl;

	memset(f, 0, sizeof(*f));
	if (ia->ifa_addr == NULL)
		return -1;
	if (ia->ifa_addr->sa_family == AF_INET)
		sl = sizeof(struct sockaddr_in);
	else if (ia->ifa_addr->sa_family == AF_INET6)
		sl = sizeof(struct sockaddr_in6);
	else
		return -1;
	if (getnameinfo(ia->ifa_addr, sl, f->addr, sizeof(f->addr),
	    NULL, 0, NI_NUMERICHOST) != 0)
		return -1;
	snprintf(f->name, sizeof(f->name), "%s", ia->ifa_name);
	iface_mac(all, ia->ifa_name, f->mac, sizeof(f->mac));
	return 0;
}

int
sysinfo_get(struct sysinfo *si)
{
	struct ifaddrs *all = NULL, *ia;
	struct sysinfo_iface f;
	struct utsname u;

	memset(si, 0, sizeof(*si));
	if (uname(&u) == 0) {
		snprintf(si->os_name, sizeof(si->os_name), "%s", u.sysname);
		snprintf(si->os_version, sizeof(si->os_version), "%s",
		    u.version);
		snprintf(si->arch, sizeof(si->arch), "%s", u.machine);
		snprintf(si->hostname, sizeof(si->hostname), "%s",
		    u.nodename);
	}
	if (getifaddrs(&all) != 0)
		return 0;
	for (ia = all; ia != NULL; ia = ia->ifa_next) {
		if (addr_get(all, ia, &f) != 0)
			continue;
		if (si->naddrs < SYSINFO_IFACE_MAX)
			si->addrs[si->naddrs++] = f;
		if (!(ia->ifa_flags & IFF_LOOPBACK) &&
		    si->nifaces < SYSINFO_IFACE_MAX)
			si->ifaces[si->nifaces++] = f;
	}
	links_get(all, si);
	freeifaddrs(all);
	return 0;
}
