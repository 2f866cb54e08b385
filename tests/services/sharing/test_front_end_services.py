"""The services the front ends call instead of reaching into crypto and bundle (issue 18):
key files, trust warnings, the export preview's plan, verifying without a catalogue, and the
re-exported types."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tkapp.bundle import verifier
from tkapp.bundle.revocation import RevocationList
from tkapp.bundle.rotation import RotationStatement
from tkapp.crypto import age, fingerprint, trust
from tkapp.crypto.keys import generate_keypair, key_id_hex
from tkapp.crypto.minisign import encode_public_key, parse_public_key
from tkapp.errors import BundleError, KeyFormatError, UsageError
from tkapp.paths import identities_dir
from tkapp.services import grants, keys, sharing, types, verifying
from tkapp.services.catalogue import Catalogue

from .conftest import RESEARCHER

FIXED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATER = FIXED + timedelta(days=1)


def _bundle(cat: Catalogue, dest: Path) -> Path:
    plan = sharing.plan_export(cat, None, RESEARCHER, "research", on=FIXED.date())
    return sharing.export(cat, plan, dest, created=FIXED).path


# --- key files ------------------------------------------------------------------------------


def test_export_public_key_refuses_an_existing_file_unless_told_to_replace(
    demo: Catalogue, tmp_path: Path
) -> None:
    dest = tmp_path / "community.pub"
    dest.write_text("something else\n")
    with pytest.raises(UsageError):
        keys.export_public_key(demo, dest)
    assert dest.read_text() == "something else\n"
    assert keys.export_public_key(demo, dest, replace=True) == dest
    assert parse_public_key(dest.read_text()) == keys.public_key(demo)
    assert dest.read_text() == keys.public_key_file_text(demo)


def test_public_key_beside_a_bundle_is_reused_and_never_replaces_another(
    demo: Catalogue, tmp_path: Path
) -> None:
    first = keys.export_public_key_to_folder(demo, tmp_path)
    assert first == tmp_path / keys.PUBLIC_KEY_FILE_NAME
    assert keys.export_public_key_to_folder(demo, tmp_path) == first  # same key: reused

    other = generate_keypair().public_key
    first.write_text(encode_public_key(other, "another community"))
    second = keys.export_public_key_to_folder(demo, tmp_path)
    assert second == tmp_path / "community-1.pub"
    assert parse_public_key(first.read_text()) == other  # left as it was
    assert parse_public_key(second.read_text()) == keys.public_key(demo)


def test_key_card_and_key_id(demo: Catalogue, tmp_path: Path) -> None:
    card = tmp_path / "card.pdf"
    card.write_bytes(b"old")
    assert keys.save_key_card(card, b"%PDF-1.4 card") == card
    assert card.read_bytes() == b"%PDF-1.4 card"
    assert keys.key_id(demo) == key_id_hex(keys.public_key(demo).key_id)
    assert len(keys.key_id(demo)) == 16


def test_crypto_has_no_unused_public_key_writer() -> None:
    from tkapp.crypto import minisign

    assert not hasattr(minisign, "write_public_key_file")


# --- trust warnings -------------------------------------------------------------------------


def test_trust_warnings_name_a_lookalike_community_and_hidden_characters() -> None:
    trusted = generate_keypair().public_key
    keys.trust_signer(trusted, "Sacha Yaku", "in_person")
    newcomer = generate_keypair().public_key

    assert keys.trust_warnings(trusted, "Sacha Yaku") == ()  # the key already trusted
    (lookalike,) = keys.trust_warnings(newcomer, "Sacha Yaku")
    assert lookalike.code == "lookalike_name"
    assert lookalike.params["trusted_community"] == "Sacha Yaku"
    assert lookalike.params["trusted_fingerprint"] == fingerprint.fingerprint_of(trusted.public).hex
    codes = [w.code for w in keys.trust_warnings(newcomer, "Rio\u200bClaro")]
    assert codes == ["name_flags"]


# --- the export preview ---------------------------------------------------------------------


def test_plan_export_summary_adds_the_terms_and_community_to_the_plan(demo: Catalogue) -> None:
    summary = sharing.plan_export_summary(demo, None, RESEARCHER, "research")
    plan = sharing.plan_export(demo, None, RESEARCHER, "research")
    assert [p.record_id for p in summary.plan.included] == [p.record_id for p in plan.included]
    assert [p.record_id for p in summary.plan.excluded] == [p.record_id for p in plan.excluded]
    assert summary.community == demo.community.name
    assert summary.actor == "tester"
    assert summary.terms is not None and summary.terms.id == plan.terms_ids[0]
    assert summary.terms_title.endswith(f"version {summary.terms.version}")
    assert sharing.PlanSummary(plan).terms_title == ""  # mixed or no terms: no title


# --- verifying without a catalogue ----------------------------------------------------------


def test_verify_file_with_a_key_file_then_tofu(demo: Catalogue, tmp_path: Path) -> None:
    bundle = _bundle(demo, tmp_path / "b.tkb")
    pub = keys.export_public_key(demo, tmp_path / "community.pub")
    with verifying.verify_file(bundle, trust_key=pub, now=LATER, remember=False) as report:
        assert isinstance(report, types.VerifyReport)
        assert report.key_id == keys.key_id(demo)
    with pytest.raises(BundleError) as raised:
        verifying.verify_file(bundle, now=LATER, remember=False)
    assert raised.value.code == "untrusted_key"
    shown = verifying.error_json(raised.value)
    assert shown["valid"] is False and shown["error"]["code"] == "untrusted_key"
    json.dumps(shown)  # the --json shape is plain JSON


def test_a_bad_trust_key_file_is_a_key_format_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pub"
    bad.write_text("not a key\n")
    with pytest.raises(KeyFormatError):
        verifying.load_trust_key(bad)
    with pytest.raises(KeyFormatError):
        verifying.load_trust_key(tmp_path / "missing.pub")
    assert verifying.load_trust_key(None) is None


def test_identities_named_or_saved(tmp_path: Path) -> None:
    assert verifying.load_identities() == []  # nothing saved yet
    saved, saved_path = keys.new_identity()
    assert saved_path.parent == identities_dir()
    (identities_dir() / "broken.txt").write_text("not an identity\n")  # skipped
    assert [str(i.recipient()) for i in verifying.load_identities()] == [str(saved.recipient())]
    named = tmp_path / "mine.txt"
    mine = age.AgeIdentity.generate()
    age.write_identity_file(named, mine)
    assert [str(i.recipient()) for i in verifying.load_identities([named])] == [
        str(mine.recipient())
    ]
    with pytest.raises(KeyFormatError):
        verifying.load_identities([tmp_path / "missing.txt"])


def test_statements_are_sorted_by_kind(demo: Catalogue, tmp_path: Path) -> None:
    bundle = _bundle(demo, tmp_path / "b.tkb")
    with verifying.verify_file(bundle, tofu=True, now=LATER, remember=False) as report:
        bundle_id = report.manifest.bundle_id
    revoked = grants.revoke(
        demo, bundle_ids=[bundle_id], reason="terms broken", dest=tmp_path / "one.tkr"
    )
    _key, rotated = keys.rotate_signing_key(demo, tmp_path / "change.tkrot")

    found = verifying.split_statements([rotated, revoked.list_path])
    assert [type(x) for x in found.revocations] == [RevocationList]
    assert [type(x) for x in found.rotations] == [RotationStatement]
    same = verifying.load_statements([revoked.list_path], [rotated])
    assert same == found
    assert verifying.split_statements([]) == verifying.Statements()


def test_selftest_passes() -> None:
    from tkapp.services import diagnostics

    report = diagnostics.selftest()
    assert report.ok and report.results


def test_verifying_service_loads_no_heavy_module_at_import() -> None:
    """``tkapp verify --selftest`` imports this module: it must not pull in the store, the
    bundle verifier or the catalogue."""
    code = (
        "import sys, tkapp.services.verifying, tkapp.services.types\n"
        "print(sorted(m for m in sys.modules if m.startswith('tkapp')))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = json.loads(run.stdout.replace("'", '"'))
    assert loaded == ["tkapp", "tkapp.services", "tkapp.services.types", "tkapp.services.verifying"]


# --- types named through services -----------------------------------------------------------


def test_types_are_the_lower_floors_own_classes() -> None:
    assert types.Fingerprint is fingerprint.Fingerprint
    assert types.AgeRecipient is age.AgeRecipient
    assert types.TrustWarning is trust.TrustWarning
    assert types.TrustedKey is trust.TrustedKey
    assert types.VerifyReport is verifier.VerifyReport
    assert types.HubProjectSummary is verifier.HubProjectSummary
    assert set(types.__all__) == {
        "AgeRecipient",
        "Fingerprint",
        "HubProjectSummary",
        "TrustWarning",
        "TrustedKey",
        "VerifyReport",
    }
    with pytest.raises(AttributeError):
        _ = types.NoSuchType  # type: ignore[attr-defined]
