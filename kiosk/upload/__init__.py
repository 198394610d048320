"""The nightly upload of aggregate counts to the coordinators' hub: close days, then send them.
Core: imports kiosk.store, kiosk.tally, kiosk.settings and kiosk.shared, never Flask or the web.

A finished local day is *closed* into a signed batch in the outbox, in one
transaction with the roll of the pending score window (:mod:`kiosk.upload.outbox`);
``kiosk upload`` sends what waits, in batch-number order (:mod:`kiosk.upload.client`).
The batch's shape (:mod:`kiosk.shared.batch`, its JSON Schema) is shared with the hub.
"""
