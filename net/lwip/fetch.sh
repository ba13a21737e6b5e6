#!/bin/sh
# Fetches lwIP's Debian source package without touching the system's apt
# state, checks the orig tarball's sha256, unpacks it and applies our
# patches in order.  Usage: net/lwip/fetch.sh DESTDIR
# The apt sources are the system's own, copied with Types: deb-src.
set -eu

VERSION=2.1.3+dfsg1
DEBREV=2
SHA256=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24
ORIG=lwip_${VERSION}.orig.tar.xz

dest=${1:?usage: fetch.sh DESTDIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
dl=$top/third_party/dl
apt=$top/third_party/.apt
mkdir -p "$dl"

if [ ! -f "$dl/$ORIG" ] || ! echo "$SHA256  $dl/$ORIG" | sha256sum -c --quiet - 2>/dev/null; then
	echo "lwip: fetching lwip=$VERSION-$DEBREV with apt-get source"
	rm -rf "$apt"
	mkdir -p "$apt/parts" "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/src"
	found=0
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		sed 's/^Types:.*/Types: deb-src/' "$f" > "$apt/parts/$(basename "$f")"
		found=1
	done
	if [ -f /etc/apt/sources.list ]; then
		sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list > "$apt/parts/system.list"
		[ -s "$apt/parts/system.list" ] && found=1
	fi
	if [ "$found" = 0 ]; then
		echo "lwip: no apt sources found in /etc/apt to copy" >&2
		exit 1
	fi
	opts="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$apt/parts \
	      -o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache -o APT::Sandbox::User=root"
	# A third-party source without deb-src makes update complain; the
	# download below is what decides.
	apt-get -q $opts update >"$apt/update.log" 2>&1 || echo "lwip: apt-get update reported errors (see $apt/update.log)"
	(cd "$apt/src" && apt-get -q $opts source --download-only "lwip=$VERSION-$DEBREV") >"$apt/source.log" 2>&1 || {
		cat "$apt/source.log" >&2
		echo "lwip: apt-get source failed" >&2
		exit 1
	}
	cp "$apt/src/$ORIG" "$dl/$ORIG"
fi
if ! echo "$SHA256  $dl/$ORIG" | sha256sum -c --quiet -; then
	echo "lwip: $ORIG does not have the pinned sha256 $SHA256: refusing to build" >&2
	exit 1
fi

rm -rf "$dest" "$dest.tmp"
mkdir -p "$dest.tmp"
tar -xf "$dl/$ORIG" -C "$dest.tmp" --strip-components=1
for p in "$top"/net/lwip/patches/*.patch; do
	[ -f "$p" ] || continue
	echo "lwip: applying $(basename "$p")"
	patch -d "$dest.tmp" -p1 --quiet --forward < "$p"
done
mv "$dest.tmp" "$dest"
echo "lwip: $VERSION ready in $dest"
