#!/bin/sh
# Installs the Debian packages the test suite uses. Runs only as root on Debian
# (or Raspberry Pi OS); anywhere else it explains and leaves the system alone, and
# the tests that need a missing tool skip with a visible reason.
set -eu
PACKAGES="chromium mtools dosfstools fdisk e2fsprogs xz-utils shellcheck systemd zbar-tools strace espeak-ng alsa-utils sox"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "note: not root on Debian; not installing:$missing (tests needing them will skip)"
    exit 0
fi
echo "installing system packages:$missing"
apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
