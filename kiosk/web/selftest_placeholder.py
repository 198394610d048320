"""Placeholder for the self-test until the instrument packs are installed."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("selftest", __name__)


@bp.get("/selftest")
def start() -> str:
    return render_template("selftest_placeholder.html")
