/*
 * probe_interface.c - interface_object (unix): one item per IPv4 or
 * IPv6 address of each network interface (getifaddrs(3)); interfaces
 * without an address give no item.  An IPv6 inet_addr is written
 * ADDRESS/PREFIX with empty broadcast_addr and netmask, as the schema
 * asks.  Under an offline root the host's interfaces say nothing about
 * the tree, so the object is not applicable there.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "plumb/probe.h"

static const struct {
	unsigned flag;
	const char *name;
} iface_flags[] = {
	{ IFF_UP, "UP" },
	{ IFF_BROADCAST, "BROADCAST" },
	{ IFF_DEBUG, "DEBUG" },
	{ IFF_LOOPBACK, "LOOPBACK" },
	{ IFF_POINTOPOINT, "POINTOPOINT" },
	{ IFF_NOTRAILERS, "NOTRAILERS" },
	{ IFF_RUNNING, "RUNNING" },
	{ IFF_NOARP, "NOARP" },
	{ IFF_PROMISC, "PROMISC" },
	{ IFF_ALLMULTI, "ALLMULTI" },
	{ IFF_MASTER, "MASTER" },
	{ IFF_SLAVE, "SLAVE" },
	{ IFF_MULTICAST, "MULTICAST" },
	{ IFF_PORTSEL, "PORTSEL" },
	{ IFF_AUTOMEDIA, "AUTOMEDIA" },
	{ IFF_DYNAMIC, "DYNAMIC" },
};

/* The schema's name for an ARPHRD_* hardware type ("" for others). */
static const char *
iface_type(int hw)
{
	switch (hw) {
	case ARPHRD_ETHER:
		return "ARPHRD_ETHER";
	case ARPHRD_FDDI:
		return "ARPHRD_FDDI";
	case ARPHRD_LOOPBACK:
		return "ARPHRD_LOOPBACK";
	case ARPHRD_VOID:
		return "ARPHRD_VOID";
	case ARPHRD_PPP:
		return "ARPHRD_PPP";
	case ARPHRD_SLIP:
		return "ARPHRD_SLIP";
	case ARPHRD_PRONET:
		return "ARPHRD_PRONET";
	default:
		return "";
	}
}

/* Number of leading one bits of an IPv6 netmask. */
static int
iface_prefix6(const struct sockaddr_in6 *m)
{
	int i, b, n = 0;

	if (m == NULL)
		return 128;
	for (i = 0; i < 16; i++)
		for (b = 7; b >= 0; b--) {
			if (!(m->sin6_addr.s6_addr[i] & (1 << b)))
				return n;
			n++;
		}
	return n;
}

/* Text of an IPv4 address, or "" for none. */
static void
iface_ntop4(const struct sockaddr *sa, char *buf, size_t len)
{
	buf[0] = '\0';
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, buf, (socklen_t)len);
}

/* One interface_item for address entry ifa. */
static int
iface_item(int sock, const struct ifaddrs *ifa, struct probe_result *res)
{
	const struct sockaddr_in6 *a6, *m6;
	struct oval_item *it = NULL;
	struct ifreq ifr;
	const unsigned char *hw;
	char addr[INET6_ADDRSTRLEN + 8], bcast[INET6_ADDRSTRLEN],
	    mask[INET6_ADDRSTRLEN], mac[3 * 6];
	const char *type = "";
	enum oval_datatype dt;
	size_t i;
	int rc = PLUMB_ENOMEM;

	mac[0] = '\0';
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifa->ifa_name);
	if (sock >= 0 && ioctl(sock, SIOCGIFHWADDR, &ifr) == 0) {
		type = iface_type(ifr.ifr_hwaddr.sa_family);
		hw = (const unsigned char *)ifr.ifr_hwaddr.sa_data;
		snprintf(mac, sizeof(mac), "%02X:%02X:%02X:%02X:%02X:%02X",
		    hw[0], hw[1], hw[2], hw[3], hw[4], hw[5]);
	}
	if (ifa->ifa_addr->sa_family == AF_INET) {
		dt = OVAL_DT_IPV4_ADDRESS;
		iface_ntop4(ifa->ifa_addr, addr, sizeof(addr));
		iface_ntop4((ifa->ifa_flags & IFF_BROADCAST) ?
		    ifa->ifa_broadaddr : NULL, bcast, sizeof(bcast));
		iface_ntop4(ifa->ifa_netmask, mask, sizeof(mask));
	} else {
		dt = OVAL_DT_IPV6_ADDRESS;
		a6 = (const struct sockaddr_in6 *)(const void *)ifa->ifa_addr;
		m6 = (const struct sockaddr_in6 *)(const void *)
		    ifa->ifa_netmask;
		if (inet_ntop(AF_INET6, &a6->sin6_addr, addr,
		    sizeof(addr)) == NULL)
			addr[0] = '\0';
		else
			snprintf(addr + strlen(addr),
			    sizeof(addr) - strlen(addr), "/%d",
			    iface_prefix6(m6));
		bcast[0] = mask[0] = '\0';
	}
	if ((it = oval_item_new(OVAL_NS_SC_UNIX, "interface_item")) == NULL ||
	    oval_item_add(it, "name", OVAL_DT_STRING, ifa->ifa_name) != 0 ||
	    oval_item_add(it, "type", OVAL_DT_STRING, type) != 0 ||
	    oval_item_add(it, "hardware_addr", OVAL_DT_STRING, mac) != 0 ||
	    oval_item_add(it, "inet_addr", dt, addr) != 0 ||
	    oval_item_add(it, "broadcast_addr", dt, bcast) != 0 ||
	    oval_item_add(it, "netmask", dt, mask) != 0)
		goto out;
	for (i = 0; i < sizeof(iface_flags) / sizeof(iface_flags[0]); i++)
		if ((ifa->ifa_flags & iface_flags[i].flag) &&
		    oval_item_add(it, "flag", OVAL_DT_STRING,
		    iface_flags[i].name) != 0)
			goto out;
	rc = probe_emit(res, it);
	it = NULL;
out:
	oval_item_unref(it);
	return rc;
}

static int
iface_collect(const struct probe_req *req, struct probe_result *res)
{
	const struct probe_ent *ent = probe_req_ent(req, "name");
	struct ifaddrs *ifs = NULL, *ifa;
	struct plumb_err err;
	int m, sock, rc = PLUMB_OK;

	if (strcmp(req->env->root, "/") != 0)
		return probe_flag(res, OVAL_FLAG_NOT_APPLICABLE,
		    "interfaces of the running host say nothing about %s",
		    req->env->root);
	if (getifaddrs(&ifs) != 0)
		return probe_flag(res, OVAL_FLAG_ERROR, "getifaddrs: %s",
		    strerror(errno));
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	for (ifa = ifs; ifa != NULL; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL ||
		    (ifa->ifa_addr->sa_family != AF_INET &&
		    ifa->ifa_addr->sa_family != AF_INET6))
			continue;
		if ((m = probe_ent_match(ent, ifa->ifa_name, &err)) < 0) {
			rc = probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
			break;
		}
		if (m && (rc = iface_item(sock, ifa, res)) != 0)
			break;
	}
	if (sock >= 0)
		close(sock);
	freeifaddrs(ifs);
	return rc;
}

const struct probe_ops probe_interface_ops = {
	.type = "interface_object",
	.family = "unix",
	.collect = iface_collect,
};
