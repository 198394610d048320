#!/bin/bash -e
# Host side: units, drop-ins, fstab, boot files. Works on any ROOTFS_DIR, which is
# how tests check it without building an image.
SRC="${ROOTFS_DIR}/opt/kiosk/app/systemd"
UNITS="${ROOTFS_DIR}/etc/systemd/system"
BOOT="${ROOTFS_DIR}/boot/firmware"

install -d "${UNITS}"
for unit in "${SRC}"/*.service "${SRC}"/*.timer; do
	install -m 644 "${unit}" "${UNITS}/"
done
install -D -m 644 "${SRC}/system.conf.d/kiosk-watchdog.conf" \
	"${ROOTFS_DIR}/etc/systemd/system.conf.d/kiosk-watchdog.conf"
install -D -m 644 "${SRC}/journald.conf.d/kiosk.conf" \
	"${ROOTFS_DIR}/etc/systemd/journald.conf.d/kiosk.conf"
install -D -m 644 "${SRC}/tmpfiles.d/kiosk.conf" "${ROOTFS_DIR}/etc/tmpfiles.d/kiosk.conf"
install -D -m 755 files/kiosk-growdata.sh "${ROOTFS_DIR}/usr/local/sbin/kiosk-growdata"
install -D -m 755 files/kiosk-browser-session.sh "${ROOTFS_DIR}/usr/local/bin/kiosk-browser-session"
install -D -m 644 files/units-enabled "${ROOTFS_DIR}/usr/local/share/kiosk/units-enabled"
install -D -m 644 files/90-kiosk-backlight.rules \
	"${ROOTFS_DIR}/etc/udev/rules.d/90-kiosk-backlight.rules"
# The clock survives a power cut: fake-hwclock saves it hourly (cron) and at shutdown,
# and restores it at boot, through this link onto the data partition (the root is an
# overlay in RAM, where /etc/fake-hwclock.data would be lost).
ln -sfn /var/lib/kiosk/fake-hwclock.data "${ROOTFS_DIR}/etc/fake-hwclock.data"
install -D -m 644 files/fake-hwclock-kiosk.conf \
	"${ROOTFS_DIR}/etc/systemd/system/fake-hwclock.service.d/kiosk.conf"
# "sudo kiosk set-pin" for staff: sudo's secure_path has no virtual environment.
ln -sf /opt/kiosk/venv/bin/kiosk "${ROOTFS_DIR}/usr/local/bin/kiosk"

# The data partition (p3, made by add-data-partition.sh after the build).
install -d -m 700 "${ROOTFS_DIR}/var/lib/kiosk"
if ! grep -q 'LABEL=kioskdata' "${ROOTFS_DIR}/etc/fstab"; then
	echo 'LABEL=kioskdata /var/lib/kiosk ext4 defaults,noatime,nofail,x-systemd.device-timeout=30s 0 2' \
		>>"${ROOTFS_DIR}/etc/fstab"
fi

# Hardware watchdog on; systemd pets it (system.conf.d/kiosk-watchdog.conf).
if ! grep -q '^dtparam=watchdog=on' "${BOOT}/config.txt"; then
	printf '\n[all]\ndtparam=watchdog=on\n' >>"${BOOT}/config.txt"
fi
# No rainbow square at power-on.
if ! grep -q '^disable_splash=1' "${BOOT}/config.txt"; then
	printf '\n[all]\ndisable_splash=1\n' >>"${BOOT}/config.txt"
fi

# cmdline.txt is one line. The root stays read-only under a tmpfs overlay; recurse=0
# leaves /boot/firmware and the data partition as real mounts. The first-boot
# resize is dropped: root must not grow, the data partition grows instead.
CMDLINE="${BOOT}/cmdline.txt"
line="$(tr -d '\n' <"${CMDLINE}")"
line="$(printf '%s' "${line}" | sed -E 's# ?init=/usr/lib/raspberrypi-sys-mods/firstboot##; s# ?overlayroot=[^ ]*##')"
# A quiet boot with the splash: no kernel messages, no logo, no blinking cursor.
for word in quiet splash loglevel=3 logo.nologo vt.global_cursor_default=0 \
	plymouth.ignore-serial-consoles; do
	case " ${line} " in
	*" ${word} "*) ;;
	*) line="${line} ${word}" ;;
	esac
done
printf 'overlayroot=tmpfs:recurse=0 %s\n' "${line}" >"${CMDLINE}"
