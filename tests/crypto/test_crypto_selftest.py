"""Known-answer self-test: passes here, and fails when a known answer is wrong."""

from __future__ import annotations

import pytest

from tkapp.crypto import selftest
from tkapp.errors import SelfTestFailed


def test_selftest_passes() -> None:
    report = selftest.run_selftest()
    assert report.ok
    assert {r.name for r in report.results} >= {
        "sha256",
        "blake2b512",
        "ed25519_rfc8032",
        "minisign_known_signature",
        "age_known_file",
        "age_round_trip",
    }


def test_selftest_fails_on_a_wrong_known_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest, "_ED_SIG", "00" * 64)
    with pytest.raises(SelfTestFailed):
        selftest.run_selftest()
    report = selftest.run_selftest(raise_on_failure=False)
    assert [r.name for r in report.results if not r.ok] == ["ed25519_rfc8032"]
