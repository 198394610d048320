#!/usr/bin/env bash
# The whole pytest suite as `make test` runs it: the browser tests (tests/browser:
# Chromium and a kiosk, two thirds of the suite's time in one process) beside all the
# others, each part in its usual order in a process of its own, so that a machine's
# second core shares the work (docs/testing.md has the figures). The browser part's
# output follows the other's, whole; the exit status is the first failing part's.
# With arguments (a file, -k, ...), it is plain pytest with them.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
pytest="${VENV:-.venv}/bin/pytest"
if [ "$#" -gt 0 ]; then
	exec "${pytest}" "$@"
fi
log=$(mktemp)
trap 'rm -f "${log}"' EXIT
"${pytest}" tests/browser >"${log}" 2>&1 &
browser=$!
"${pytest}" --ignore=tests/browser
others=$?
wait "${browser}"
browsers=$?
echo
echo "--- tests/browser, run beside the tests above ---"
cat "${log}"
if [ "${others}" -ne 0 ]; then exit "${others}"; fi
exit "${browsers}"
