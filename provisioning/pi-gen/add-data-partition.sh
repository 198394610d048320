#!/bin/sh
# Appends the kiosk data partition (ext4, label kioskdata) to a built image, without
# root: sfdisk on the image file and mke2fs at a byte offset. It starts small and
# kiosk-growdata.service gives it the whole rest of the card at the first boot.
#
#   add-data-partition.sh IMAGE [SIZE_MIB]
set -eu
img="${1:?usage: add-data-partition.sh IMAGE [SIZE_MIB]}"
size_mib="${2:-64}"
sfdisk_bin="$(command -v sfdisk || echo /sbin/sfdisk)"
mke2fs_bin="$(command -v mke2fs || echo /sbin/mke2fs)"

if "${sfdisk_bin}" -d "${img}" | grep -q '^label: gpt'; then
	echo "add-data-partition: ${img}: expected an MBR image" >&2
	exit 1
fi
count="$("${sfdisk_bin}" -d "${img}" | grep -c '^[^:]*: *start=' || true)"
if [ "${count}" -ne 2 ]; then
	echo "add-data-partition: ${img}: expected 2 partitions (boot, root), found ${count}" >&2
	exit 1
fi

# First sector after the last partition, rounded up to 4 MiB (8192 sectors).
end="$("${sfdisk_bin}" -d "${img}" | sed -n 's/.*start= *\([0-9]*\), size= *\([0-9]*\).*/\1 \2/p' |
	awk '{ e = $1 + $2; if (e > m) m = e } END { print m }')"
start=$(((end + 8191) / 8192 * 8192))
sectors=$((size_mib * 2048))
truncate -s $(((start + sectors) * 512)) "${img}"
echo "start=${start}, size=${sectors}, type=83" | "${sfdisk_bin}" -q --append "${img}"
"${mke2fs_bin}" -q -F -t ext4 -L kioskdata -E "offset=$((start * 512))" "${img}" "$((size_mib * 1024))k"
echo "data partition: start sector ${start}, ${size_mib} MiB, label kioskdata"
