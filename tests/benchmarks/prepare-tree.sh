#!/bin/sh
# prepare-tree.sh - copy a fixture tree and give it what git cannot keep.
#
# usage: prepare-tree.sh SRC DEST SETUP
#
# Copies SRC to DEST (which must not exist), then applies SETUP, a
# line-oriented file next to the tree (ROLE/good.setup, ROLE/bad.setup):
#   mode OCTAL PATH     chmod OCTAL DEST/PATH
#   age DAYS PATH       set the mtime of DEST/PATH to DAYS days ago (0: now)
#   link TARGET PATH    create the symbolic link DEST/PATH -> TARGET
# PATH is relative to the tree.  '#' starts a comment.  Git keeps neither
# file modes other than 644/755, nor useful mtimes, and symlinks are not
# committed, so the scripts that evaluate the trees set them here, on a
# copy, never in the source tree.
set -eu

if [ $# -ne 3 ]; then
	echo "usage: $0 SRC DEST SETUP" >&2
	exit 2
fi
src=$1
dest=$2
setup=$3

[ -d "$src" ] || { echo "$0: no tree $src" >&2; exit 1; }
[ ! -e "$dest" ] || { echo "$0: $dest exists" >&2; exit 1; }
mkdir -p "$dest"
cp -R "$src/." "$dest/"
chmod -R u+w "$dest"

[ -f "$setup" ] || exit 0
lineno=0
while read -r op a b rest; do
	lineno=$((lineno + 1))
	case $op in
	''|'#'*) continue ;;
	esac
	if [ -z "$a" ] || [ -z "$b" ] || [ -n "${rest:-}" ]; then
		echo "$setup:$lineno: want: OP ARG PATH" >&2
		exit 1
	fi
	case $b in
	/*|*..*) echo "$setup:$lineno: path must stay inside the tree" >&2
		exit 1 ;;
	esac
	case $op in
	mode)	chmod "$a" "$dest/$b" ;;
	age)	if [ "$a" -eq 0 ]; then
			touch "$dest/$b"
		else
			touch -d "$a days ago" "$dest/$b"
		fi ;;
	link)	mkdir -p "$(dirname "$dest/$b")"
		ln -s "$a" "$dest/$b" ;;
	*)	echo "$setup:$lineno: unknown operation '$op'" >&2
		exit 1 ;;
	esac
done <"$setup"
