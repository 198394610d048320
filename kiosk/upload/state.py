"""The upload's state for the staff Health screen and /healthz (read only)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from kiosk.store.db import Store
from kiosk.upload import outbox


@dataclass(frozen=True)
class UploadState:
    enabled: bool
    last_upload: str | None  # when the hub last acknowledged a batch
    waiting: int  # batches not acknowledged yet
    alarm: str | None  # a refusal only people can fix, until a batch goes through


class UploadPart:
    def __init__(self, store: Store, hub_url: str) -> None:
        self.store = store
        self.enabled = bool(hub_url)

    def state(self) -> UploadState:
        return UploadState(
            enabled=self.enabled,
            last_upload=outbox.last_acknowledged(self.store),
            waiting=len(outbox.waiting(self.store)),
            alarm=outbox.alarm(self.store),
        )

    def health(self) -> dict[str, Any]:
        return asdict(self.state())
