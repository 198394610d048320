#!/bin/sh
# Refresh the kiosk's core message catalogues from the sources (babel.cfg says
# which files). New strings arrive untranslated; translate them in
# kiosk/translations/*/LC_MESSAGES/messages.po. tests/test_translations.py fails
# while a string is missing or untranslated.
set -eu
cd "$(dirname "$0")/.."
pot=$(mktemp)
.venv/bin/pybabel extract -F babel.cfg -k lazy_gettext --no-location -o "$pot" . >/dev/null 2>&1
.venv/bin/pybabel update -i "$pot" -d kiosk/translations --no-fuzzy-matching >/dev/null 2>&1
rm -f "$pot"
