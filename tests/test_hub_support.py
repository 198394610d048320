"""The test suite's own PostgreSQL rule: skip only when no server is configured."""

from __future__ import annotations

import pytest

from tests import hub_support
from tests.serve_support import free_port


def test_a_configured_server_that_cannot_be_reached_fails_the_test() -> None:
    url = f"postgresql://root@127.0.0.1:{free_port()}/test"
    with pytest.raises(pytest.fail.Exception, match=r"DATABASE_URL.*cannot be used"):
        hub_support.postgres_or_skip({"DATABASE_URL": url})


def test_without_a_configured_server_nor_a_local_one_the_tests_skip(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hub_support, "_listening", lambda host, port: False)
    with pytest.raises(pytest.skip.Exception, match="DATABASE_URL is not set"):
        hub_support.postgres_or_skip({})
