"""The nightly upload of aggregate counts to the coordinators' hub.

A finished local day is *closed* into a signed batch in the outbox, in one
transaction with the roll of the pending score window (:mod:`kiosk.upload.outbox`);
``kiosk upload`` sends what waits, in batch-number order (:mod:`kiosk.upload.client`).
The batch's shape is the JSON Schema in ``schema.json``, which the hub uses too.
"""
