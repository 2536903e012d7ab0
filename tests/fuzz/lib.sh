# lib.sh - sourced by build.sh and sanitizers.sh (tests/fuzz).
#
# fuzz_srcdir SRC COPY: print the source directory a second, out-of-tree
# configuration can use.  SRC itself when it is not configured in-tree;
# otherwise (autoconf refuses a second configuration of a configured
# source directory, and VPATH would pick up its objects) a copy of SRC
# in COPY, without .git, cleaned with "make distclean".  The copy keeps
# the files' times, so later builds from it stay incremental.
fuzz_srcdir() {
	if [ ! -f "$1/config.status" ]; then
		printf '%s\n' "$1"
		return 0
	fi
	mkdir -p "$2"
	tar -C "$1" --exclude=.git --exclude=./fuzz-build \
	    --exclude=./sanitizers-build -cf - . | tar -C "$2" -xf - ||
		return 1
	(cd "$2" && make distclean) >"$2.distclean.log" 2>&1 || true
	rm -f "$2/config.status"
	cd "$2" && pwd
}
