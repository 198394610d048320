#!/bin/bash -e
# Inside the image: the kiosk user, enabled units, and the overlay in the initramfs.
if ! id kiosk >/dev/null 2>&1; then
	useradd --system --create-home --home-dir /home/kiosk --shell /usr/sbin/nologin kiosk
fi
for group in dialout gpio lp video render input; do
	if getent group "${group}" >/dev/null; then
		usermod -aG "${group}" kiosk
	fi
done
chown kiosk:kiosk /var/lib/kiosk

systemctl enable kiosk-growdata.service kiosk-config.service kiosk-web.service \
	kiosk-browser.service kiosk-browser-watch.timer kiosk-upload.timer kiosk-upload-retry.timer
systemctl set-default graphical.target
systemctl mask getty@tty1.service

# overlayroot lives in the initramfs; build one for every installed kernel flavour
# (a Pi 5 boots initramfs_2712, older Pis initramfs8 / initramfs7).
sed -i 's/^auto_initramfs=.*/auto_initramfs=1/' /boot/firmware/config.txt
update-initramfs -u -k all || update-initramfs -c -k all
