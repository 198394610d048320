"""Apply a parsed import to the catalogue: all or nothing, in one transaction.

A source (a file name or a feed address) owns its activities: re-importing it
upserts what it still lists and removes what it no longer lists; other sources are
left alone, except the demo catalogue, which the first real import replaces. An
id already owned by another (non-demo) source is an error rather than a takeover.
``last_date`` is filled for the screens, which hide activities past it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from kiosk.catalog.importers.common import ParseResult, Problem, last_date
from kiosk.catalog.importers.settle import has_place
from kiosk.catalog.model import Activity
from kiosk.store.db import Store

DEMO_SOURCE = "demo"


@dataclass
class Preview:
    added: list[Activity] = field(default_factory=list)
    changed: list[Activity] = field(default_factory=list)
    removed: list[Activity] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unchanged: int = 0
    without_place: int = 0  # of the activities imported: shown as "ask the staff"
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.removed)} removed, {self.unchanged} unchanged, "
            f"{len(self.errors)} errors"
        )


def _existing(db: object) -> dict[str, tuple[str, str]]:
    rows = db.execute("SELECT id, source, data FROM activities").fetchall()  # type: ignore[attr-defined]
    return {r[0]: (r[1], r[2]) for r in rows}


def _compare(existing: dict[str, tuple[str, str]], source: str, result: ParseResult) -> Preview:
    preview = Preview(
        errors=list(result.problems),
        skipped=list(result.skipped),
        warnings=list(result.warnings),
        without_place=sum(1 for a in result.activities if not has_place(a)),
    )
    if result.problems:
        # Rows with problems are missing from result.activities: counting the rest as
        # added or removed would preview an import that cannot happen.
        return preview
    if source == DEMO_SOURCE:
        preview.errors.append(Problem(source, "'demo' is reserved for the demo catalogue"))
    incoming = {a.id: a for a in result.activities}
    for a in result.activities:
        if a.source != source:
            preview.errors.append(Problem(source, f"activity {a.id} is of source '{a.source}'"))
            continue
        old = existing.get(a.id)
        if old is None or old[0] == DEMO_SOURCE:
            preview.added.append(a)
        elif old[0] != source:
            preview.errors.append(
                Problem(source, f"id '{a.id}' already belongs to source '{old[0]}'", field="id")
            )
        elif old[1] != a.to_json():
            preview.changed.append(a)
        else:
            preview.unchanged += 1
    for activity_id, (owner, data) in sorted(existing.items()):
        if (owner == source and activity_id not in incoming) or owner == DEMO_SOURCE:
            preview.removed.append(Activity.from_json(data))
    return preview


def preview(store: Store, source_name: str, result: ParseResult) -> Preview:
    """What :func:`apply` would do, without writing."""
    return _compare(_existing(store.db()), source_name, result)


def apply(store: Store, source_name: str, result: ParseResult) -> Preview:
    """Write the import, or nothing at all when there is any error."""
    if result.problems:
        return preview(store, source_name, result)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with store.write() as db:
        # Compared inside the transaction, so the preview is exactly what is written.
        plan = _compare(_existing(db), source_name, result)
        if plan.errors:
            return plan
        for a in plan.removed:
            db.execute("DELETE FROM activities WHERE id = ?", [a.id])
        for a in plan.added + plan.changed:
            db.execute(
                "INSERT OR REPLACE INTO activities (id, data, source, last_date, updated_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [a.id, a.to_json(), source_name, last_date(a), now],
            )
        for key, value in (("catalog_source", source_name), ("catalog_last_import", now)):
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, value])
    plan.applied = True
    return plan
