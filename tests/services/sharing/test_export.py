"""plan_export and export: plans that follow the terms, the bundle, the ledger, stock tools."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tkapp.bundle.records import BundleRecord
from tkapp.bundle.verifier import verify_bundle
from tkapp.core.model import (
    AccessLevel,
    ConsentRecord,
    HolderLink,
    KnowledgeRecord,
    Media,
    MediaKind,
    Person,
    Place,
    Recipient,
    Sensitivity,
    Taxon,
    Use,
    VernacularName,
)
from tkapp.crypto.minisign import parse_public_key
from tkapp.errors import (
    ConfirmationRequired,
    MixedTerms,
    NothingToExport,
    ValidationError,
)
from tkapp.licensing.evaluate import evaluate
from tkapp.licensing.gate import ConsentOverride, Destination, ReleaseRequest, decide_release
from tkapp.licensing.terms import from_template
from tkapp.licensing.vocab import Outcome
from tkapp.services import keys, sharing
from tkapp.services import terms as terms_service
from tkapp.services.catalogue import Catalogue, open_catalogue

from .conftest import PASSPHRASE, RESEARCHER, grant_consent

FIXED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
FOR_PROFIT = Recipient("Acme", organisation="Acme Pharma", user_class="for_profit")


def _verify(cat: Catalogue, path: Path, **kw: object):  # type: ignore[no-untyped-def]
    return verify_bundle(
        path,
        trust=None,
        trust_key=keys.public_key(cat),
        now=FIXED,
        **kw,  # type: ignore[arg-type]
    )


# --- plans on the demo catalogue ---------------------------------------------------------


def test_demo_plans_differ_by_recipient_class_as_the_terms_say(demo: Catalogue) -> None:
    research = sharing.plan_export(demo, None, RESEARCHER, "research", on=FIXED.date())
    business = sharing.plan_export(demo, None, FOR_PROFIT, "research", on=FIXED.date())
    total = demo.count()
    assert len(research.included) + len(research.excluded) == total
    assert len(business.included) + len(business.excluded) == total
    terms = terms_service.default_terms(demo)
    # CBRL: public research is allowed with duties; a plain for-profit needs an agreement.
    assert terms.rule("public_research", "research").outcome is Outcome.ALLOWED_WITH_DUTIES  # type: ignore[arg-type]
    assert terms.rule("for_profit", "research").outcome is Outcome.NEEDS_AGREEMENT  # type: ignore[arg-type]
    assert research.included and not business.included
    assert "terms_rule" in business.reason_counts()
    for item in research.included:
        record = demo.get_record(item.record_id)
        assert record.access is AccessLevel.PUBLIC
        assert item.decision is not None
        assert item.decision.outcome is Outcome.ALLOWED_WITH_DUTIES
        assert {"tkss", "tkwr", "tkmr"}.isdisjoint(record.labels)
        for name in record.confidential - {"media"}:
            assert name in item.withheld_fields
        assert item.place is not None
        assert item.consent is not None and item.consent.consent_id  # consent covers it
    for item in research.excluded:
        record = demo.get_record(item.record_id)
        if record.access is AccessLevel.SECRET_SACRED or "tkss" in record.labels:
            assert {"secret_sacred", "restricted_gender"} & {r.code for r in item.reasons}
    # The demo's consents show each case: withdrawn, expired, missing keep a record home.
    codes = research.reason_counts()
    assert codes.get("consent_withdrawn") == 1
    assert codes.get("consent_expired") == 1
    assert codes.get("consent_missing") == 1
    # The same answer the pure engine gives, record by record (when the terms were asked).
    for item in research.included + research.excluded:
        if item.decision is None:
            continue
        record = demo.get_record(item.record_id)
        expected = evaluate(
            terms,
            record.labels,
            record.access,
            sharing._request(RESEARCHER, "research", FIXED.date()),
            group=record.restricted_group,
        )
        assert item.decision == expected


def test_plan_keeps_trash_home_and_refuses_unknown_codes(community: Catalogue) -> None:
    rec = community.add_record(KnowledgeRecord("R", access=AccessLevel.PUBLIC))
    grant_consent(community, [rec.id])
    community.delete_record(rec.id)
    trashed = sharing.plan_export(community, [rec.id], RESEARCHER, "research")
    assert trashed.included == []
    assert [r.code for r in trashed.excluded[0].reasons] == ["in_trash"]
    assert sharing.plan_export(community, None, RESEARCHER, "research").included == []
    with pytest.raises(ValidationError):
        sharing.plan_export(community, None, RESEARCHER, "plunder")
    with pytest.raises(ValidationError):
        sharing.plan_export(community, None, Recipient("X", user_class="pirate"), "research")


# --- export, verify, ledger -------------------------------------------------------------


def test_export_verifies_and_fills_the_ledger(demo: Catalogue, tmp_path: Path) -> None:
    plan = sharing.plan_export(demo, None, RESEARCHER, "research")
    result = sharing.export(
        demo, plan, tmp_path / "out.tkb", created=FIXED, expires=date(2027, 3, 1)
    )
    # The first sequence is the export time in milliseconds (numbers never repeat after a restore).
    assert result.sequence == int(FIXED.timestamp() * 1000) and result.records == len(plan.included)
    assert result.sha256 == hashlib.sha256((tmp_path / "out.tkb").read_bytes()).hexdigest()
    with _verify(demo, result.path, intended=("public_research", "research")) as report:
        assert report.manifest.bundle_id == result.bundle_id
        assert report.manifest.expires == "2027-03-01T00:00:00Z"
        assert {r.record_id for r in report.records} == {p.record_id for p in plan.included}
        assert report.terms == terms_service.default_terms(demo)
        assert report.decision is not None and report.decision.permits
        assert report.manifest.recipient.name == "Ana Paz"
        assert set(report.terms_texts) == {"es", "qu"} | set(report.terms.languages)
        assert report.odrl is not None and report.odrl["type"] == "Agreement"
    [entry] = sharing.list_exports(demo)
    assert entry.bundle_id == result.bundle_id and entry.sequence == result.sequence
    assert (
        entry.recipient.name == "Ana Paz" and entry.recipient.organisation == "Universidad Central"
    )
    assert (entry.purpose, entry.user_class) == ("research", "public_research")
    assert dict(entry.records) == {
        p.record_id: demo.get_record(p.record_id).version for p in plan.included
    }
    assert entry.terms_id == result.terms_id == terms_service.default_terms(demo).id
    assert entry.bundle_sha256 == result.sha256 and entry.file_name == "out.tkb"
    assert entry.expires == datetime(2027, 3, 1, tzinfo=UTC) and entry.created == FIXED
    assert terms_service.get_terms_info(demo, entry.terms_id).used
    some = plan.included[0].record_id
    assert [e.bundle_id for e in sharing.exports_of_record(demo, some)] == [result.bundle_id]
    assert sharing.exports_of_record(demo, plan.excluded[0].record_id) == []
    assert demo.audit_entries(result.bundle_id)[0].action == "export"

    # Follow-ups and overdue duties (CBRL asks public research to share results).
    overdue = sharing.overdue_duties(demo, after_days=30, today=date(2026, 6, 1))
    assert [(o.entry.bundle_id, o.follow_up) for o in overdue] == [
        (result.bundle_id, "results_returned")
    ]
    assert sharing.overdue_duties(demo, after_days=365, today=date(2026, 6, 1)) == []
    sharing.add_follow_up(demo, result.bundle_id, "results_returned", date(2026, 5, 1), "tesis")
    assert sharing.overdue_duties(demo, after_days=30, today=date(2026, 6, 1)) == []
    assert sharing.get_export(demo, result.bundle_id).follow_ups[0].note == "tesis"
    with pytest.raises(ValidationError):
        sharing.add_follow_up(demo, result.bundle_id, "gossip", date(2026, 5, 1))

    second = sharing.export(
        demo, sharing.plan_export(demo, None, RESEARCHER, "research"), tmp_path / "two.tkb"
    )
    assert second.sequence > result.sequence and second.bundle_id != result.bundle_id
    assert [e.sequence for e in sharing.list_exports(demo)] == [second.sequence, result.sequence]
    assert demo.check().ok


def test_fixed_clock_gives_identical_bytes(demo: Catalogue, tmp_path: Path) -> None:
    copy = tmp_path / "copy.tkc"
    path = demo.path
    demo.close()
    shutil.copyfile(path, copy)
    outputs = []
    for source, name in ((path, "a.tkb"), (copy, "b.tkb")):
        with open_catalogue(source, PASSPHRASE) as cat:
            plan = sharing.plan_export(cat, None, RESEARCHER, "research", on=FIXED.date())
            outputs.append(sharing.export(cat, plan, tmp_path / name, created=FIXED))
    assert outputs[0].sha256 == outputs[1].sha256
    assert (tmp_path / "a.tkb").read_bytes() == (tmp_path / "b.tkb").read_bytes()


def test_refusals_leave_nothing_behind(community: Catalogue, tmp_path: Path) -> None:
    sensitive = community.add_record(
        KnowledgeRecord("Sensible", access=AccessLevel.PUBLIC, labels=["tkcs"])
    )
    grant_consent(community, [sensitive.id], user_classes=("public_research", "for_profit"))
    dest = tmp_path / "x.tkb"
    with pytest.raises(NothingToExport):
        sharing.export(
            community, sharing.plan_export(community, None, FOR_PROFIT, "research"), dest
        )
    plan = sharing.plan_export(community, None, RESEARCHER, "research")
    assert [p.record_id for p in plan.needs_confirmation] == [sensitive.id]
    with pytest.raises(ConfirmationRequired) as exc:
        sharing.export(community, plan, dest)
    assert exc.value.exit_code == 2
    # An edit after the plan was confirmed: refused, the custodian must look again.
    community.update_record(community.get_record(sensitive.id))
    with pytest.raises(ValidationError, match="plan_outdated"):
        sharing.export(community, plan, dest, confirmed_sensitive=True)
    # Records under two terms versions cannot share one bundle.
    other = community.add_record(KnowledgeRecord("Otro", access=AccessLevel.PUBLIC))
    grant_consent(community, [other.id])
    nc = from_template("noncommercial_research", attribution="S", contact="c")
    terms_service.save_terms(community, nc)
    terms_service.assign(community, [other.id], nc.id)
    mixed = sharing.plan_export(community, None, RESEARCHER, "research")
    with pytest.raises(MixedTerms):
        sharing.export(community, mixed, dest, confirmed_sensitive=True)
    assert not dest.exists() and list(tmp_path.glob("*.tkb*")) == []
    assert sharing.list_exports(community) == []
    assert not any(i.used for i in terms_service.list_terms(community))
    ok = sharing.export(
        community,
        sharing.plan_export(community, [sensitive.id], RESEARCHER, "research"),
        dest,
        confirmed_sensitive=True,
    )
    assert ok.sequence >= 1 and dest.exists()


# --- nothing the plan kept home reaches the bundle -----------------------------------------

MARKERS = {
    "secret": "SECRETMARK1",
    "sacred_label": "SACREDLABELMARK2",
    "community_only": "COMMUNITYMARK3",
    "description": "CONFDESCMARK4",
    "holder": "CONFHOLDERMARK5",
    "place": "CONFPLACEMARK6",
    "preparation": "CONFPREPMARK7",
    "vernacular": "CONFVERNMARK8",
    "media": b"CONFMEDIAMARK9",
    "contact": "CONTACTMARK10",
    "recorder": "CONFRECORDERMARK11",
    "anonymous": "ANONYMOUSMARK12",
}


def _member_texts(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return b"\n".join(z.read(name) for name in z.namelist())


def test_excluded_records_and_confidential_fields_never_in_the_bytes(
    community: Catalogue, tmp_path: Path
) -> None:
    m = MARKERS
    holder = community.add_person(Person(m["holder"], contact=m["contact"]))
    visible = community.add_person(Person("Mama Rosa", contact=m["contact"]))
    anonymous = community.add_person(Person(m["anonymous"], anonymous_outside=True))
    recorder = community.add_person(Person(m["recorder"]))
    taxon = community.add_taxon(
        Taxon("Ilex guayusa", vernacular_names=[VernacularName(m["vernacular"], "qu")])
    )
    secret = community.add_record(
        KnowledgeRecord(m["secret"], access=AccessLevel.SECRET_SACRED, description=m["secret"])
    )
    sacred_label = community.add_record(
        KnowledgeRecord(m["sacred_label"], access=AccessLevel.PUBLIC, labels=["tkss"])
    )
    community_only = community.add_record(
        KnowledgeRecord(m["community_only"], access=AccessLevel.COMMUNITY)
    )
    shared = community.add_record(
        KnowledgeRecord(
            "Guayusa al amanecer",
            access=AccessLevel.PUBLIC,
            description=m["description"],
            uses=[Use(part="hojas", preparation=m["preparation"])],
            taxon_ids=[taxon.id],
            holders=[HolderLink(holder.id, "elder")],
            recorded_by=recorder.id,
            place=Place(m["place"], -0.95, -77.81, 10, Sensitivity.NONE),
            confidential={
                "description",
                "holders",
                "place",
                "preparation",
                "local_names",
                "media",
                "recorded_by",
            },
        )
    )
    open_one = community.add_record(
        KnowledgeRecord(
            "Chicha",
            access=AccessLevel.PUBLIC,
            holders=[HolderLink(visible.id, "elder"), HolderLink(anonymous.id, "")],
            place=Place("Río Jatunyaku", -0.953141, -77.812345, 5, Sensitivity.HIGH),
        )
    )
    community.add_media(
        Media(MediaKind.DOCUMENT, "text/plain", "n.txt", record_id=shared.id),
        io.BytesIO(m["media"] * 100),
    )
    community.add_media(
        Media(MediaKind.DOCUMENT, "text/plain", "s.txt", record_id=secret.id),
        io.BytesIO(m["media"] * 3),
    )
    consent = community.add_consent(
        ConsentRecord(
            "Asamblea",
            record_ids=[shared.id, secret.id, community_only.id],
            person_ids=[holder.id],
            purposes=["research"],
            user_classes=["public_research"],
            notes="acta",
        )
    )
    grant_consent(community, [open_one.id])
    plan = sharing.plan_export(community, None, RESEARCHER, "research")
    kept = {secret.id, sacred_label.id, community_only.id}
    assert {p.record_id for p in plan.excluded} == kept
    result = sharing.export(community, plan, tmp_path / "b.tkb", created=FIXED)
    raw = result.path.read_bytes()
    members = _member_texts(result.path)
    for blob in (raw, members):
        for name, marker in m.items():
            needle = marker if isinstance(marker, bytes) else marker.encode()
            assert needle not in blob, name
        for record_id in (*kept, holder.id, visible.id, recorder.id):
            assert record_id.encode() not in blob
        assert b"Jatunyaku" not in blob  # high sensitivity: no locality text
        assert b"-0.953141" not in blob and b"-77.812345" not in blob
    with _verify(community, result.path) as report:
        records = dict(report.iter_records())
        assert set(records) == {shared.id, open_one.id}
        withheld = records[shared.id]
        for key in ("description", "holders", "media", "recorded_by"):
            assert key not in withheld
        assert "preparation" not in withheld["uses"][0]
        assert "vernacularNames" not in withheld["taxa"][0]
        assert withheld["place"]["decimalLatitude"] is None
        assert withheld["place"]["informationWithheld"]
        names = [h["name"] for h in records[open_one.id]["holders"]]
        assert names == ["Mama Rosa", sharing.ANONYMOUS_HOLDER]
        assert records[open_one.id]["place"]["decimalLatitude"] == "-1.0"
        assert records[open_one.id]["place"]["dataGeneralizations"]
        consents = dict(report.iter_consents())
        assert consents[consent.id]["record_ids"] == [shared.id]
        assert report.media == []


# --- stock tools ------------------------------------------------------------------------


def test_minisign_verifies_with_the_exported_public_key(demo: Catalogue, tmp_path: Path) -> None:
    plan = sharing.plan_export(demo, None, RESEARCHER, "research")
    result = sharing.export(demo, plan, tmp_path / "out.tkb", created=FIXED)
    pub = keys.export_public_key(demo, tmp_path / "community.pub")
    assert parse_public_key(pub.read_text()) == keys.public_key(demo)
    assert pub.read_text() == keys.public_key_file_text(demo)
    top = result.bundle_id.removeprefix("urn:uuid:")
    with zipfile.ZipFile(result.path) as z:
        (tmp_path / "manifest.json").write_bytes(z.read(f"{top}/tkb/manifest.json"))
        (tmp_path / "manifest.json.minisig").write_bytes(z.read(f"{top}/tkb/manifest.json.minisig"))
    run = subprocess.run(
        ["minisign", "-Vm", str(tmp_path / "manifest.json"), "-p", str(pub)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert f"seq:{result.sequence}" in run.stdout
    # A different key must fail: the check can fail.
    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(
        ["minisign", "-G", "-W", "-p", str(other / "k.pub"), "-s", str(other / "k.key")],
        capture_output=True,
        check=True,
    )
    bad = subprocess.run(
        ["minisign", "-Vm", str(tmp_path / "manifest.json"), "-p", str(other / "k.pub")],
        capture_output=True,
        check=False,
    )
    assert bad.returncode != 0


def test_encrypted_export_opens_with_age(demo: Catalogue, tmp_path: Path) -> None:
    key_file = tmp_path / "researcher.agekey"
    subprocess.run(["age-keygen", "-o", str(key_file)], capture_output=True, check=True)
    recipient = next(
        line.split(": ", 1)[1]
        for line in key_file.read_text().splitlines()
        if line.startswith("# public key: ")
    )
    plan = sharing.plan_export(demo, None, RESEARCHER, "research")
    result = sharing.export(
        demo, plan, tmp_path / "out.tkb.age", created=FIXED, encrypt_to=[recipient]
    )
    assert result.encrypted and result.sha256 != result.plain_sha256
    assert b"Guayusa" not in result.path.read_bytes()
    plain = tmp_path / "plain.tkb"
    subprocess.run(
        ["age", "-d", "-i", str(key_file), "-o", str(plain), str(result.path)], check=True
    )
    assert hashlib.sha256(plain.read_bytes()).hexdigest() == result.plain_sha256
    with _verify(demo, plain) as report:
        assert len(report.records) == len(plan.included)
        assert report.manifest.recipient.age_recipients_sha256 == (
            hashlib.sha256(recipient.encode()).hexdigest(),
        )
    with _verify(demo, result.path, identities=[key_file]) as report:
        assert report.encrypted and report.decrypted_by == recipient
    with pytest.raises(ValidationError):
        sharing.export(demo, plan, tmp_path / "bad.tkb.age", encrypt_to=["age1nope"])


def test_address_book(community: Catalogue) -> None:
    key = subprocess.run(["age-keygen"], capture_output=True, text=True, check=True).stdout
    public = next(x.split(": ", 1)[1] for x in key.splitlines() if x.startswith("# public key"))
    saved = sharing.add_recipient(
        community, Recipient("Ana Paz", organisation="UC", age_recipient=public)
    )
    assert sharing.list_recipients(community) == [saved]
    assert sharing.find_recipient(community, "ana paz") == saved
    assert sharing.get_recipient(community, saved.id).age_recipient == public
    broken = public[:-1] + ("q" if public[-1] != "q" else "p")
    with pytest.raises(ValidationError):
        sharing.add_recipient(community, Recipient("B", age_recipient=broken))
    with pytest.raises(ValidationError):
        sharing.add_recipient(community, Recipient("C", user_class="pirate"))
    assert sharing.remove_recipient(community, saved.id)
    assert sharing.list_recipients(community) == []


def test_bundle_record_matches_the_plan(demo: Catalogue) -> None:
    record = next(
        demo.get_record(i)
        for i in demo.search_ids()
        if demo.get_record(i).access is AccessLevel.PUBLIC
    )
    terms = terms_service.terms_for_record(demo, record)
    release = ReleaseRequest(
        sharing._request(RESEARCHER, "research", FIXED.date()),
        Destination.BUNDLE,
        overrides={record.id: ConsentOverride("Rosa", FIXED, "the assembly agreed")},
    )
    item = decide_release(record, terms=terms, release=release)
    bundled = sharing.bundle_record(record, item, terms_id=terms.id, taxon=lambda _i: None)
    data = bundled.to_json()
    json.dumps(data)  # plain JSON
    assert BundleRecord.from_json(data) == bundled  # the reader gives back what was written
    assert data["id"] == record.id and data["labels"] == sorted(record.labels)
    excluded = decide_release(
        record,
        terms=terms,
        release=ReleaseRequest(
            sharing._request(FOR_PROFIT, "commercial_sale", FIXED.date()), Destination.BUNDLE
        ),
    )
    with pytest.raises(ValidationError):
        sharing.bundle_record(record, excluded, terms_id=terms.id, taxon=lambda _i: None)
