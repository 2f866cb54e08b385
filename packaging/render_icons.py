"""Generate every icon file of TK Commons from its one source, resources/icons/tkapp.svg.

Run after editing the SVG (from the repository root), then commit the results:

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py

Writes:
- resources/icons/hicolor/<N>x<N>/apps/<APP_ID>.png for the freedesktop sizes, and
  resources/icons/hicolor/scalable/apps/<APP_ID>.svg (Linux desktop integration);
- tkapp/resources/icons/tkapp.svg and tkapp.png (the copies the GUI loads at run time);
- tkapp/resources/icons/tkapp.ico (Windows executable and installer) and tkapp.icns (macOS).

``--check`` writes nothing: it exits 1 if a generated file is missing, a copy of the SVG differs
from the source, or a PNG has the wrong size (pixels are not compared: they vary with the Qt
version that rendered them).
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tkapp import APP_ID  # noqa: E402

SOURCE = ROOT / "resources" / "icons" / "tkapp.svg"
HICOLOR = ROOT / "resources" / "icons" / "hicolor"
RUNTIME = ROOT / "tkapp" / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# icns element types holding PNG data, by pixel size (Apple's "Icon Image Format").
ICNS_TYPES = (
    (16, b"icp4"),
    (32, b"icp5"),
    (64, b"icp6"),
    (128, b"ic07"),
    (256, b"ic08"),
    (512, b"ic09"),
)
RUNTIME_PNG_SIZE = 256


def png_targets() -> dict[Path, int]:
    """Every PNG file this script writes, with its pixel size."""
    targets = {HICOLOR / f"{n}x{n}" / "apps" / f"{APP_ID}.png": n for n in PNG_SIZES}
    targets[RUNTIME / "tkapp.png"] = RUNTIME_PNG_SIZE
    return targets


def svg_targets() -> list[Path]:
    return [HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg", RUNTIME / "tkapp.svg"]


def render_png(size: int) -> bytes:
    """The source SVG drawn at ``size`` x ``size`` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"{SOURCE} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding PNG-compressed images (valid since Windows Vista)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in sorted(pngs.items()):
        # A width/height byte of 0 means 256.
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG elements."""
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[n])) + pngs[n] for n, kind in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


def generate() -> None:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])
    sizes = sorted(set(PNG_SIZES) | set(ICO_SIZES) | {n for n, _ in ICNS_TYPES})
    pngs = {n: render_png(n) for n in sizes}
    for path, size in png_targets().items():
        write_atomic(path, pngs[size])
    source = SOURCE.read_bytes()
    for path in svg_targets():
        write_atomic(path, source)
    write_atomic(RUNTIME / "tkapp.ico", ico_bytes({n: pngs[n] for n in ICO_SIZES}))
    write_atomic(RUNTIME / "tkapp.icns", icns_bytes(pngs))
    del app


def problems() -> list[str]:
    """What is missing or stale among the generated files (empty when all is well)."""
    found: list[str] = []
    source = SOURCE.read_bytes()
    for path in svg_targets():
        if not path.exists() or path.read_bytes() != source:
            found.append(f"{path.relative_to(ROOT)}: missing or differs from {SOURCE.name}")
    for path, size in png_targets().items():
        if not path.exists():
            found.append(f"{path.relative_to(ROOT)}: missing")
            continue
        width, height = struct.unpack(">II", path.read_bytes()[16:24])  # PNG IHDR
        if (width, height) != (size, size):
            found.append(f"{path.relative_to(ROOT)}: {width}x{height}, expected {size}x{size}")
    for name in ("tkapp.ico", "tkapp.icns"):
        if not (RUNTIME / name).exists():
            found.append(f"tkapp/resources/icons/{name}: missing")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify, write nothing")
    args = parser.parse_args(argv)
    if not args.check:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        generate()
    issues = problems()
    for issue in issues:
        print(issue, file=sys.stderr)
    return 1 if issues else 0


if __name__ == "__main__":
    sys.exit(main())
