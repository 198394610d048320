#!/bin/bash -e
# Runs inside the image: a venv under /opt/kiosk with the app and its dependencies.
# --system-site-packages lets gpiozero use Debian's lgpio (no compiler needed).
python3 -m venv --system-site-packages /opt/kiosk/venv
/opt/kiosk/venv/bin/pip install --no-cache-dir --upgrade pip
/opt/kiosk/venv/bin/pip install --no-cache-dir -e /opt/kiosk/app
# Compiled message catalogues, when the source has a builder for them.
if [ -f /opt/kiosk/app/kiosk/i18n_build.py ]; then
	(cd /opt/kiosk/app && /opt/kiosk/venv/bin/python -m kiosk.i18n_build)
fi
/opt/kiosk/venv/bin/kiosk --help >/dev/null
