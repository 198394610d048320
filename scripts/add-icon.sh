#!/bin/sh
# Vendor pictograms from the @tabler/icons npm package into kiosk/static/icons/.
# Usage: scripts/add-icon.sh NAME [NAME...]   (names as on the set's site, outline style)
# Only the icons the screens use are kept; the version is the one in the README.
set -eu
VERSION=3.51.0
HERE=$(cd "$(dirname "$0")/.." && pwd)
DEST="$HERE/kiosk/static/icons"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "@tabler/icons@$VERSION" >/dev/null && tar xzf tabler-icons-$VERSION.tgz)
cp "$WORK/package/LICENSE" "$DEST/LICENSE"
for name in "$@"; do
    src="$WORK/package/icons/outline/$name.svg"
    if [ ! -f "$src" ]; then echo "no icon named $name in @tabler/icons $VERSION" >&2; exit 1; fi
    cp "$src" "$DEST/$name.svg"
    echo "added $name"
done
