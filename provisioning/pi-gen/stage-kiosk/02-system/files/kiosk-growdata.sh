#!/bin/sh
# Grows the kiosk data partition (the card's last partition) to the end of the card.
# The image ships it small; the first boot on a card gives it all the free space.
# Later boots find nothing to grow (growpart exits 1) and do nothing.
set -eu
dev="$(findmnt -n -o SOURCE /var/lib/kiosk)" || exit 0
name="$(basename "${dev}")"
disk="/dev/$(lsblk -no pkname "${dev}")"
part="$(cat "/sys/class/block/${name}/partition")"
rc=0
growpart "${disk}" "${part}" || rc=$?
if [ "${rc}" -eq 0 ]; then
	resize2fs "${dev}"
elif [ "${rc}" -ne 1 ]; then
	echo "kiosk-growdata: growpart ${disk} ${part} failed (${rc})" >&2
	exit 1
fi
