#!/bin/sh
# bootstrap.sh - take a fresh Debian 12 machine to a built plumb.
#
# 1. installs the build and test dependencies with apt-get (as root, or
#    through sudo), only those dpkg says are missing;
# 2. runs autoreconf when configure is missing or older than its inputs;
# 3. runs ./configure $PLUMB_CONFIGURE_FLAGS when the tree is not
#    configured, or was configured with other flags;
# 4. runs make -j$(nproc).
# Every step is skipped when there is nothing to do, so a second run is
# fast.  Builds in the source tree; for a separate build directory run
# /path/to/configure there instead of step 3 and 4.
set -eu

cd "$(dirname "$0")"

say() {
	printf 'bootstrap: %s\n' "$*"
}

die() {
	printf 'bootstrap: error: %s\n' "$*" >&2
	exit 1
}

# Build and test dependencies, then the reference evaluator and the SCAP
# Security Guide content used by tests/conformance and the README.
# libpq-dev: the collector's PostgreSQL store; postgresql: the server
# tests/collector/pg.sh starts privately to test it (it skips without).
PACKAGES="build-essential autoconf automake libtool pkg-config
libxml2-dev libssl-dev libcurl4-openssl-dev libinih-dev check libpcre2-dev
libyaml-dev libsystemd-dev zlib1g-dev
libevent-dev libsqlite3-dev libjansson-dev sqlite3
libpq-dev postgresql
libxml2-utils xsltproc time jq
openscap-scanner openscap-common ssg-debian ssg-debderived
librpm-dev rpm ssg-nondebian"

# ------------------------------------------------------------ packages
if command -v dpkg-query >/dev/null 2>&1; then
	missing=
	for p in $PACKAGES; do
		s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) ||
		    s=
		[ "$s" = installed ] || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		say "installing:$missing"
		if [ "$(id -u)" -eq 0 ]; then
			SUDO=
		elif command -v sudo >/dev/null 2>&1; then
			SUDO=sudo
		else
			die "not root and no sudo; install as root:$missing"
		fi
		export DEBIAN_FRONTEND=noninteractive
		$SUDO apt-get update
		# shellcheck disable=SC2086
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y \
		    --no-install-recommends $missing
	else
		say "all packages present"
	fi
else
	say "dpkg-query not found: not a Debian system, skipping packages"
	# shellcheck disable=SC2086
	set -- $PACKAGES
	say "needed: $*"
fi

# ------------------------------------------------------------ autotools
if [ ! -x configure ] || [ configure.ac -nt configure ] ||
    [ Makefile.am -nt configure ]; then
	say "running autoreconf -fi"
	autoreconf -fi
else
	say "configure is up to date"
fi

# ------------------------------------------------------------ configure
# The flags as config.status --config prints them (simple words are
# not quoted; anything else just causes a fresh configure).
want=
for a in ${PLUMB_CONFIGURE_FLAGS:-}; do
	want="$want${want:+ }$a"
done
reconf=no
clean=no
if [ ! -f config.status ] || [ ! -f Makefile ]; then
	reconf=yes
elif [ configure -nt config.status ]; then
	reconf=yes
else
	have=$(./config.status --config 2>/dev/null) || have='?'
	if [ "$have" != "$want" ]; then
		say "configured with [$have], now [$want]: rebuilding"
		reconf=yes
		clean=yes
	fi
fi
if [ "$reconf" = yes ]; then
	say "running ./configure ${PLUMB_CONFIGURE_FLAGS:-}"
	# shellcheck disable=SC2086
	./configure ${PLUMB_CONFIGURE_FLAGS:-}
	# Objects built with other flags (e.g. without -Werror) must go.
	[ "$clean" = no ] || make clean
else
	say "already configured"
fi

# ------------------------------------------------------------ build
jobs=$(nproc 2>/dev/null || echo 1)
say "running make -j$jobs"
make -j"$jobs"
say "done: ./plumb is built"
