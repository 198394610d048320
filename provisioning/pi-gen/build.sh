#!/bin/bash
# Builds the kiosk's golden image with pi-gen (Docker), then adds the data partition.
#
#   provisioning/pi-gen/build.sh [PI_GEN_DIR]
#
# Needs git, Docker (pi-gen's build-docker.sh runs privileged) and about 20 GB.
# The result is deploy/raspios-kiosk-*.img.xz under the pi-gen checkout and a
# copy with the data partition in dist/ of this repository.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
pigen="${1:-${repo}/build/pi-gen}"
# The bookworm branch builds Raspberry Pi OS 12 (Debian bookworm), what DESIGN.md fixes.
branch="bookworm"

if [ ! -d "${pigen}/.git" ]; then
	git clone --depth 1 --branch "${branch}" https://github.com/RPi-Distro/pi-gen.git "${pigen}"
fi
rm -rf "${pigen}/stage-kiosk"
cp -r "${here}/stage-kiosk" "${pigen}/stage-kiosk"
cp "${here}/config" "${pigen}/config"
# The app as committed (not the working tree), so an image is reproducible from a commit.
# git keeps no empty folders, so files/ is made here.
mkdir -p "${pigen}/stage-kiosk/01-app/files"
git -C "${repo}" archive --format=tar.gz -o "${pigen}/stage-kiosk/01-app/files/kiosk-src.tar.gz" HEAD
# Stages 3-5 (desktop) are not built.
for stage in stage3 stage4 stage5; do
	touch "${pigen}/${stage}/SKIP" "${pigen}/${stage}/SKIP_IMAGES"
done
touch "${pigen}/stage2/SKIP_IMAGES"

(cd "${pigen}" && ./build-docker.sh)

image=""
for candidate in "${pigen}"/deploy/*raspios-kiosk*.img.xz; do
	if [ -z "${image}" ] || [ "${candidate}" -nt "${image}" ]; then
		image="${candidate}"
	fi
done
[ -f "${image}" ] || { echo "build.sh: no image in ${pigen}/deploy" >&2; exit 1; }
mkdir -p "${repo}/dist"
out="${repo}/dist/$(basename "${image}" .xz)"
xz -dc "${image}" >"${out}"
"${here}/add-data-partition.sh" "${out}"
xz -T0 -f "${out}"
echo "golden image: ${out}.xz"
