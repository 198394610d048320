"""systemd readiness and watchdog pings for ``kiosk-web.service``.

The unit is ``Type=notify`` with ``WatchdogSec=``: systemd counts the service as
started only after ``READY=1`` and restarts it when ``WATCHDOG=1`` stops arriving.
The pings are sent only while every health check passes (the web loop answers,
the print worker thread is alive), so a hung app is restarted instead of being
kept alive by a free-running timer.

Quirks:

* Nothing happens at import; :meth:`Watchdog.start` starts the thread.
* Without ``NOTIFY_SOCKET`` (a developer's shell, the tests) everything is a
  no-op. Without ``WATCHDOG_USEC`` only ``READY=1`` is sent.
* systemd recommends pinging at half the timeout (``sd_watchdog_enabled(3)``).
* A check that raises counts as failing; the exception is not propagated, the
  next ping is simply skipped and systemd decides.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import Protocol

Check = Callable[[], bool]


class Notifier(Protocol):
    def notify(self, state: str) -> object: ...


def _systemd_notifier() -> Notifier:
    import sdnotify

    notifier: Notifier = sdnotify.SystemdNotifier()
    return notifier


class Watchdog:
    """Tell systemd when the app is ready and, while healthy, that it is alive."""

    def __init__(
        self,
        checks: list[Check],
        notifier: Notifier | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        self.checks = list(checks)
        self.enabled = bool(env.get("NOTIFY_SOCKET"))
        usec = env.get("WATCHDOG_USEC", "")
        self.interval: float | None = (
            int(usec) / 2_000_000 if usec.isdigit() and int(usec) else None
        )
        self._notifier = notifier
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ready_sent = False
        self._owns_notifier = False

    def _notify(self, state: str) -> None:
        if self._notifier is None:
            self._notifier = _systemd_notifier()
            self._owns_notifier = True
        self._notifier.notify(state)

    def healthy(self) -> bool:
        """True when every check passes; a check that raises fails."""
        for check in self.checks:
            try:
                if not check():
                    return False
            except Exception:
                return False
        return True

    def tick(self) -> bool:
        """Send one ``WATCHDOG=1`` if healthy; returns whether it was sent."""
        if not self.enabled or not self.healthy():
            return False
        self._notify("WATCHDOG=1")
        return True

    def start(self) -> None:
        """Send ``READY=1`` once, then ping from a daemon thread while healthy."""
        if not self.enabled or self._thread is not None:
            return
        if not self._ready_sent:
            self._notify("READY=1")
            self._ready_sent = True
        if self.interval is None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="systemd-watchdog", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self.interval is not None
        while True:
            self.tick()
            if self._stop.wait(self.interval):
                return

    def stop(self) -> None:
        """Stop pinging (at shutdown); tells systemd the service is stopping."""
        thread, self._thread = self._thread, None
        self._stop.set()
        if thread is not None:
            thread.join()
        if self.enabled and self._ready_sent:
            self._notify("STOPPING=1")
        if self._owns_notifier:
            # sdnotify keeps its datagram socket open; close the one we made.
            sock = getattr(self._notifier, "socket", None)
            if sock is not None:
                sock.close()
            self._notifier = None
            self._owns_notifier = False
