"""Linux desktop integration files, checked with the freedesktop tools themselves.

desktop-file-validate (desktop-file-utils), appstreamcli (appstream), update-mime-database
(shared-mime-info) and gio (libglib2.0-bin) are Debian packages that `make test` installs
(DEB_TEST in the Makefile). A missing tool fails the test: it is never skipped.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

import tkapp

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / f"{tkapp.APP_ID}.desktop"
METAINFO = LINUX / f"{tkapp.APP_ID}.metainfo.xml"
MIME_XML = LINUX / f"{tkapp.APP_ID}.mime.xml"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
BUNDLE_TYPE = "application/x-tkcommons-bundle"
AGE_BUNDLE_TYPE = "application/x-tkcommons-bundle-age"


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is not installed (see DEB_TEST in the Makefile)"
    return path


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def _list(value: str) -> list[str]:
    return [item for item in value.split(";") if item]


def test_desktop_file_validates() -> None:
    result = subprocess.run(
        [_tool("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # desktop-file-validate exits 0 on hints too; a clean file prints nothing at all.
    assert result.stdout.strip() == "", result.stdout


def test_metainfo_validates_offline() -> None:
    # --no-net: the screenshot and homepage URLs are not fetched (no network in CI).
    result = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_entry_content() -> None:
    entry = _desktop_entry()
    assert entry["Exec"] == "tkapp %f"  # one file per launch: the bundle that was clicked
    assert entry["Icon"] == tkapp.APP_ID
    assert entry["Name"] == tkapp.DISPLAY_NAME
    assert "Name[es]" in entry
    assert "Comment[es]" in entry
    assert set(_list(entry["MimeType"])) == {BUNDLE_TYPE, AGE_BUNDLE_TYPE}


def test_metainfo_agrees_with_the_project() -> None:
    root = ET.parse(METAINFO).getroot()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert root.findtext("id") == tkapp.APP_ID
    assert root.findtext("name") == tkapp.DISPLAY_NAME
    assert root.findtext("project_license") == pyproject["project"]["license"]
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("launchable") == DESKTOP.name
    releases = [release.get("version") for release in root.iter("release")]
    assert releases[0] == tkapp.__version__ == pyproject["project"]["version"]
    content_rating = root.find("content_rating")
    assert content_rating is not None and content_rating.get("type") == "oars-1.1"
    assert root.findall("screenshots/screenshot")
    provides = root.find("provides")
    assert provides is not None
    assert provides.findtext("binary") == "tkapp"
    media_types = {item.text for item in provides.iter("mediatype")}
    assert media_types == set(_list(_desktop_entry()["MimeType"]))


def test_mime_xml_defines_the_desktop_types() -> None:
    root = ET.parse(MIME_XML).getroot()
    defined = {node.get("type") for node in root.iter(f"{MIME_NS}mime-type")}
    assert defined == set(_list(_desktop_entry()["MimeType"]))


def _content_type(path: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        [_tool("gio"), "info", "-a", "standard::content-type", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    line = next(row for row in result.stdout.splitlines() if "content-type" in row)
    return line.rsplit(":", 1)[-1].strip()  # "  standard::content-type: application/zip"


def _tiny_bundle_zip(path: Path) -> None:
    # Shaped like a .tkb container: stored entries, sorted, one top-level folder, no dirs.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        folder = "0b6f5c2e-7d1a-4c1e-9a57-3f0d2c8b9e41"
        archive.writestr(f"{folder}/bag-info.txt", "Source-Organization: test\n")
        archive.writestr(f"{folder}/bagit.txt", "BagIt-Version: 1.0\n")


@pytest.fixture
def mime_env(tmp_path: Path) -> dict[str, str]:
    """A private XDG data home holding only our MIME package, compiled by the real tool."""
    data_home = tmp_path / "share"
    packages = data_home / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(MIME_XML, packages / f"{tkapp.APP_ID}.xml")
    subprocess.run(
        [_tool("update-mime-database"), str(data_home / "mime")], check=True, capture_output=True
    )
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(data_home),
        "XDG_DATA_DIRS": "/usr/share",
    }


def test_mime_types_detected(tmp_path: Path, mime_env: dict[str, str]) -> None:
    bundle = tmp_path / "field-notes.tkb"
    _tiny_bundle_zip(bundle)
    renamed = tmp_path / "download-without-extension"
    shutil.copy(bundle, renamed)
    encrypted = tmp_path / "field-notes.tkb.age"
    encrypted.write_bytes(b"age-encryption.org/v1\n-> X25519 AAAA\n---\n")
    plain_zip = tmp_path / "photos.zip"
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("a.txt", "not a bundle")

    assert _content_type(bundle, mime_env) == BUNDLE_TYPE
    assert _content_type(renamed, mime_env) == BUNDLE_TYPE  # by magic: ZIP + bag-info.txt
    assert _content_type(encrypted, mime_env) == AGE_BUNDLE_TYPE
    assert _content_type(plain_zip, mime_env) == "application/zip"  # we claim no other ZIP


def test_icons_generated_from_the_one_source() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "render_icons.py"), "--check"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
