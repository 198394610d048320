#!/bin/bash
# Builds the kiosk's golden image with pi-gen, then adds the data partition.
#
#   sudo provisioning/pi-gen/build.sh [STEP] [PI_GEN_DIR]
#
# STEP, each one resumable, so that a build fits in CI-sized pieces:
#   base    Raspberry Pi OS Lite (pi-gen stages 0-2): the slow part (about 30-60 min),
#           the same for every version of the kiosk; kept in PI_GEN_DIR/work.
#   kiosk   the kiosk's stage on top of that base: packages, the app in its venv, the
#           units; then the image (PI_GEN_DIR/deploy).
#   finish  the data partition and the compressed image in dist/ of this repository.
#   all     the three in order (the default).
#
# Without Docker (the default): pi-gen's own build.sh, as root, on Debian bookworm.
# An arm64 machine (a Raspberry Pi 4/5 with 64-bit OS, an arm64 server) builds
# natively; on amd64 install qemu-user-static and binfmt-support first, and every
# step takes several times longer. pi-gen's dependencies: see docs/appliance.md.
# With BUILD_WITH=docker, pi-gen's build-docker.sh runs the same in a privileged
# container instead. Either way about 20 GB of free disk.
set -eu
step="${1:-all}"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
pigen="${2:-${repo}/build/pi-gen}"
# Raspberry Pi OS 12 (bookworm), 64-bit: runs on the Pi 3, 4 and 5.
branch="${PI_GEN_BRANCH:-bookworm-arm64}"
# The base is found again by its work folder, whose name holds this date.
export IMG_DATE="${IMG_DATE:-kiosk}"

case "${step}" in
base | kiosk | finish | all) ;;
*)
	echo "build.sh: unknown step '${step}' (base, kiosk, finish or all)" >&2
	exit 2
	;;
esac

prepare() {
	if [ ! -d "${pigen}/.git" ]; then
		git clone --depth 1 --branch "${branch}" https://github.com/RPi-Distro/pi-gen.git "${pigen}"
	fi
	rm -rf "${pigen}/stage-kiosk"
	cp -r "${here}/stage-kiosk" "${pigen}/stage-kiosk"
	cp "${here}/config" "${pigen}/config"
	# The app as committed (not the working tree), so an image is reproducible from a
	# commit. git keeps no empty folders, so files/ is made here.
	mkdir -p "${pigen}/stage-kiosk/01-app/files"
	git -C "${repo}" archive --format=tar.gz -o "${pigen}/stage-kiosk/01-app/files/kiosk-src.tar.gz" HEAD
	# Stages 3-5 (desktop) are never built; stage 2 (Lite) is not exported on its own.
	for stage in stage3 stage4 stage5; do
		touch "${pigen}/${stage}/SKIP" "${pigen}/${stage}/SKIP_IMAGES"
	done
	touch "${pigen}/stage2/SKIP_IMAGES"
}

pigen_run() {
	if [ "${BUILD_WITH:-native}" = docker ]; then
		(cd "${pigen}" && ./build-docker.sh)
	else
		if [ "$(id -u)" != 0 ]; then
			echo "build.sh: pi-gen builds as root: run with sudo (or BUILD_WITH=docker)" >&2
			exit 1
		fi
		(cd "${pigen}" && ./build.sh)
	fi
}

base() {
	prepare
	rm -f "${pigen}"/stage{0,1,2}/SKIP
	touch "${pigen}/stage-kiosk/SKIP" "${pigen}/stage-kiosk/SKIP_IMAGES"
	pigen_run
}

kiosk() {
	prepare
	# Continue from the base's root file system: only the kiosk's stage runs.
	touch "${pigen}"/stage{0,1,2}/SKIP
	CONTINUE=1 pigen_run
}

finish() {
	image=""
	for candidate in "${pigen}"/deploy/*raspios-kiosk*.img.xz; do
		if [ -z "${image}" ] || [ "${candidate}" -nt "${image}" ]; then
			image="${candidate}"
		fi
	done
	[ -f "${image}" ] || {
		echo "build.sh: no image in ${pigen}/deploy (run the kiosk step first)" >&2
		exit 1
	}
	mkdir -p "${repo}/dist"
	out="${repo}/dist/$(basename "${image}" .xz)"
	xz -dc "${image}" >"${out}"
	"${here}/add-data-partition.sh" "${out}"
	xz -T0 -f "${out}"
	echo "golden image: ${out}.xz"
}

case "${step}" in
base) base ;;
kiosk) kiosk ;;
finish) finish ;;
all)
	base
	kiosk
	finish
	;;
esac
