#!/bin/sh
# Refresh the kiosk's core message catalogues from the sources. New strings
# arrive untranslated; translate them in kiosk/translations/*/LC_MESSAGES/messages.po
# (tests/test_web.py fails while any string is untranslated).
# Parts with their own catalogue (e.g. kiosk/selftest/translations) keep theirs.
set -eu
cd "$(dirname "$0")/.."
pot=$(mktemp)
.venv/bin/pybabel extract -F babel.cfg -k lazy_gettext --no-location -o "$pot" \
    kiosk/*.py kiosk/web kiosk/catalog templates/*.html >/dev/null 2>&1
.venv/bin/pybabel update -i "$pot" -d kiosk/translations --no-fuzzy-matching --ignore-obsolete >/dev/null 2>&1
rm -f "$pot"
