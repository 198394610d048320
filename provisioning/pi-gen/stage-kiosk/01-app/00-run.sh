#!/bin/bash -e
# Unpack the kiosk's source (made by build.sh with git archive) into /opt/kiosk/app.
# templates/ sits next to kiosk/ at the top of the source and is needed at run time,
# so the whole tree is unpacked and installed editable, not as a wheel.
APP_DIR="${ROOTFS_DIR}/opt/kiosk/app"
rm -rf "${APP_DIR}"
install -d -m 755 "${APP_DIR}"
tar -xzf files/kiosk-src.tar.gz -C "${APP_DIR}"
test -d "${APP_DIR}/kiosk" && test -d "${APP_DIR}/templates" && test -d "${APP_DIR}/systemd"
