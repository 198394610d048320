#!/bin/sh
# Runs inside cage (WAYLAND_DISPLAY is set): turns every output by KIOSK_ROTATION
# degrees ([display] rotation, from kiosk-browser.service), then becomes the browser.
# A screen that cannot be turned still shows the kiosk: failures are only logged.
rotation="${KIOSK_ROTATION:-0}"
case "${rotation}" in
0 | "") ;;
90 | 180 | 270)
	if command -v wlr-randr >/dev/null 2>&1; then
		for output in $(wlr-randr | awk '/^[^ \t]/ { print $1 }'); do
			wlr-randr --output "${output}" --transform "${rotation}" ||
				echo "kiosk-browser-session: could not turn ${output} by ${rotation}" >&2
		done
	else
		echo "kiosk-browser-session: wlr-randr is missing; the screen is not turned" >&2
	fi
	;;
*) echo "kiosk-browser-session: KIOSK_ROTATION=${rotation}: expected 0, 90, 180 or 270" >&2 ;;
esac
exec "$@"
