#!/bin/sh
# Shows the demo kiosk (make demo) in Chromium with the appliance's own flags, read
# from systemd/kiosk-browser.service, in a profile made for this run and removed when
# the browser closes, so the demo keeps exactly as little as a kiosk does. Only the
# display flags differ: a window instead of cage's full screen (KIOSK_FULLSCREEN=1
# adds --kiosk). --print-flags prints the flags and exits.
set -eu
cd "$(dirname "$0")/.."
url="${1:-http://127.0.0.1:8080/}"
# The ExecStart lines after /usr/bin/chromium, without cage's display flags.
flags=$(sed -n '/^ExecStart=/,/^$/p' systemd/kiosk-browser.service |
	sed -n '/\/usr\/bin\/chromium/,$p' | tr -d '\134' | tr ' ' '\n' |
	grep -e '^--' | grep -v -e '^--kiosk$' -e '^--ozone-platform=' -e '^--user-data-dir=')
if [ "${url}" = "--print-flags" ]; then
	echo "${flags}"
	exit 0
fi
if [ "${KIOSK_FULLSCREEN:-0}" = 1 ]; then flags="${flags} --kiosk"; fi
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "${browser}" ]; then
	echo "demo-browser: Chromium is not installed (apt-get install chromium)" >&2
	exit 1
fi
profile=$(mktemp -d "${XDG_RUNTIME_DIR:-/tmp}/kiosk-demo-browser.XXXXXX")
trap 'rm -rf "${profile}"' EXIT INT TERM
# shellcheck disable=SC2086 # the flags are words, one per flag
"${browser}" ${flags} --user-data-dir="${profile}" "${url}"
