#!/bin/bash
# Runs the kiosk stage's install steps in a Debian bookworm chroot made by debootstrap
# (the build machine's architecture, not arm64), then starts the app and asks
# /healthz. A quicker check than a full pi-gen build; cage and Chromium are not
# installed (set FULL=1 to include every package of 00-packages that exists here).
# Needs root, debootstrap and network; takes a few minutes.
#
#   sudo provisioning/pi-gen/chroot-check.sh [WORKDIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
work="${1:-$(mktemp -d /tmp/kiosk-chroot.XXXXXX)}"
root="${work}/rootfs"
stage="${work}/stage-kiosk"

# Called by the EXIT trap.
# shellcheck disable=SC2317
cleanup() {
	for m in dev/pts dev proc sys; do
		if mountpoint -q "${root}/${m}"; then umount -l "${root}/${m}"; fi
	done
	if [ -n "${app_pid:-}" ]; then kill "${app_pid}" 2>/dev/null || true; fi
}
trap cleanup EXIT

if [ ! -x "${root}/usr/bin/python3" ]; then
	debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates,curl \
		bookworm "${root}" http://deb.debian.org/debian
fi
mount -t proc proc "${root}/proc"
mount -t sysfs sys "${root}/sys"
mount --bind /dev "${root}/dev"
mount --bind /dev/pts "${root}/dev/pts"
cp /etc/resolv.conf "${root}/etc/resolv.conf"
# The build machine's CA bundle, for pip behind a TLS-inspecting proxy.
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
	cp /etc/ssl/certs/ca-certificates.crt "${root}/etc/ssl/certs/build-host-ca.crt"
	export PIP_CERT=/etc/ssl/certs/build-host-ca.crt
	export SSL_CERT_FILE="${PIP_CERT}" REQUESTS_CA_BUNDLE="${PIP_CERT}"
fi

if [ "${FULL:-0}" = 1 ]; then
	chroot "${root}" apt-get update -qq
	# Only the packages this architecture has (python3-lgpio is Raspberry Pi only).
	while read -r pkg; do
		if chroot "${root}" apt-cache show "${pkg}" >/dev/null 2>&1; then
			DEBIAN_FRONTEND=noninteractive chroot "${root}" apt-get install -y -qq "${pkg}"
		fi
	done <"${here}/stage-kiosk/00-packages/00-packages"
fi

rm -rf "${stage}"
cp -r "${here}/stage-kiosk" "${stage}"
mkdir -p "${stage}/01-app/files"
# SRC_TARBALL: check another source tree (as build.sh would pack it) instead of HEAD.
if [ -n "${SRC_TARBALL:-}" ]; then
	cp "${SRC_TARBALL}" "${stage}/01-app/files/kiosk-src.tar.gz"
else
	git -C "${repo}" archive --format=tar.gz -o "${stage}/01-app/files/kiosk-src.tar.gz" HEAD
fi

# Stand-ins for what pi-gen's earlier stages provide.
install -d "${root}/boot/firmware"
[ -f "${root}/boot/firmware/cmdline.txt" ] ||
	echo "console=tty1 root=PARTUUID=00000000-02 rootfstype=ext4 fsck.repair=yes rootwait" \
		>"${root}/boot/firmware/cmdline.txt"
touch "${root}/boot/firmware/config.txt"

export ROOTFS_DIR="${root}"
(cd "${stage}/01-app" && bash -e 00-run.sh)
chroot "${root}" bash -e <"${stage}/01-app/01-run-chroot.sh"
(cd "${stage}/02-system" && bash -e 00-run.sh)

# The app on its defaults, with a scratch data directory, as the service would run it.
cat >"${root}/tmp/kiosk.toml" <<'TOML'
[kiosk]
id = "k-000001"
data_dir = "/tmp/kiosk-data"
TOML
chroot "${root}" /opt/kiosk/venv/bin/kiosk check-config /tmp/kiosk.toml
chroot "${root}" /opt/kiosk/venv/bin/kiosk serve --config /tmp/kiosk.toml &
app_pid=$!
for _ in $(seq 1 60); do
	if chroot "${root}" curl -fsS http://127.0.0.1:8080/healthz; then
		echo
		echo "chroot check passed: the app installed by stage-kiosk answers /healthz"
		exit 0
	fi
	sleep 1
done
echo "chroot check failed: no answer from /healthz" >&2
exit 1
