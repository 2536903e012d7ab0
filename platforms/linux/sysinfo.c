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

/* The MAC address of interface name from the AF_PACKET entries. */
static void
iface_mac(struct ifaddrs *all, const char *name, char *mac, size_t len)
{
	struct sockaddr_ll *ll;
	struct ifaddrs *ia;

	for (ia = all; ia != NULL; ia = ia->ifa_next) {
		if (ia->ifa_addr == NULL || ia->ifa_addr->sa_family !=
		    AF_PACKET || strcmp(ia->ifa_name, name) != 0)
			continue;
		ll = (struct sockaddr_ll *)(void *)ia->ifa_addr;
		if (ll->sll_halen != 6)
			return;
		snprintf(mac, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		    ll->sll_addr[0], ll->sll_addr[1], ll->sll_addr[2],
		    ll->sll_addr[3], ll->sll_addr[4], ll->sll_addr[5]);
		return;
	}
}

int
sysinfo_get(struct sysinfo *si)
{
	struct ifaddrs *all = NULL, *ia;
	struct sysinfo_iface *f;
	struct utsname u;
	socklen_t sl;

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
	for (ia = all; ia != NULL && si->nifaces < SYSINFO_IFACE_MAX;
	    ia = ia->ifa_next) {
		if (ia->ifa_addr == NULL || (ia->ifa_flags & IFF_LOOPBACK))
			continue;
		if (ia->ifa_addr->sa_family == AF_INET)
			sl = sizeof(struct sockaddr_in);
		else if (ia->ifa_addr->sa_family == AF_INET6)
			sl = sizeof(struct sockaddr_in6);
		else
			continue;
		f = &si->ifaces[si->nifaces];
		if (getnameinfo(ia->ifa_addr, sl, f->addr, sizeof(f->addr),
		    NULL, 0, NI_NUMERICHOST) != 0)
			continue;
		snprintf(f->name, sizeof(f->name), "%s", ia->ifa_name);
		iface_mac(all, ia->ifa_name, f->mac, sizeof(f->mac));
		si->nifaces++;
	}
	freeifaddrs(all);
	return 0;
}
