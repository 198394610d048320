"""The nightly upload of aggregate counts to the coordinators' hub: close days, then send them.
Core: imports kiosk.store, kiosk.tally, kiosk.settings and kiosk.shared, never Flask or the web.

``kiosk upload`` (:mod:`kiosk.upload.nightly`) asks the hub where this kiosk stands,
closes each finished local day into a signed batch in the outbox, in one transaction
with the roll of the pending score window (:mod:`kiosk.upload.outbox`), and sends
what waits in batch-number order (:mod:`kiosk.upload.client`); a batch the hub did not
store for a reason it explains is taken back (:mod:`kiosk.upload.reconcile`). The
batch's shape (:mod:`kiosk.shared.batch`, its JSON Schema) is shared with the hub.
"""
