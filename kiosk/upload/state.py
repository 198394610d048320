"""The upload's state for the staff Health screen and /healthz (read only)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from kiosk import tally
from kiosk.store.db import Store
from kiosk.upload import outbox

NOTE_DAYS = 7  # a count not kept as it came is shown this long after its day


@dataclass(frozen=True)
class UploadState:
    enabled: bool
    last_upload: str | None  # when the hub last acknowledged a batch
    waiting: int  # batches not acknowledged yet
    alarm: str | None  # a refusal about this kiosk, in the hub's words, until a batch goes through
    alarm_code: str = ""  # the hub's code for it (kiosk.shared.answers)
    set_aside: int = 0  # batches the hub refused and days no batch could carry
    set_aside_reason: str | None = None  # the newest one's
    count_note: tuple[str, str, str] | None = None  # (day, "full" or "refused", which counter)


class UploadPart:
    def __init__(self, store: Store, hub_url: str) -> None:
        self.store = store
        self.enabled = bool(hub_url)

    def state(self, today: date | None = None) -> UploadState:
        aside = outbox.set_aside_items(self.store)
        newest = max(aside, key=lambda item: item.at) if aside else None
        note = tally.note(self.store)
        today = today or date.today()
        recent = note is not None and note[0] >= today - timedelta(days=NOTE_DAYS)
        return UploadState(
            enabled=self.enabled,
            last_upload=outbox.last_acknowledged(self.store),
            waiting=len(outbox.waiting(self.store)),
            alarm=outbox.alarm(self.store),
            alarm_code=outbox.alarm_code(self.store),
            set_aside=len(aside),
            set_aside_reason=f"{newest.what}: {newest.reason}" if newest else None,
            count_note=(note[0].isoformat(), note[1], note[2]) if note and recent else None,
        )

    def health(self) -> dict[str, Any]:
        return asdict(self.state())
