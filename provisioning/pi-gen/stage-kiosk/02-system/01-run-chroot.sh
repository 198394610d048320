#!/bin/bash -e
# Inside the image: the kiosk user, enabled units, the splash, and the overlay in the
# initramfs.
if ! id kiosk >/dev/null 2>&1; then
	useradd --system --create-home --home-dir /home/kiosk --shell /usr/sbin/nologin kiosk
fi
for group in dialout gpio lp video render input audio; do
	if getent group "${group}" >/dev/null; then
		usermod -aG "${group}" kiosk
	fi
done
chown kiosk:kiosk /var/lib/kiosk

# The list is shared with the test suite, which enables it in a stand-in root.
# shellcheck disable=SC2046
systemctl enable $(cat /usr/local/share/kiosk/units-enabled)
systemctl enable fake-hwclock.service systemd-resolved.service systemd-timesyncd.service
systemctl set-default graphical.target
systemctl mask getty@tty1.service

# A quiet boot: a plain spinner until the kiosk's first page.
plymouth-set-default-theme spinner

# overlayroot lives in the initramfs; build one for every installed kernel flavour
# (a Pi 5 boots initramfs_2712, older Pis initramfs8 / initramfs7).
sed -i 's/^auto_initramfs=.*/auto_initramfs=1/' /boot/firmware/config.txt
update-initramfs -u -k all || update-initramfs -c -k all
