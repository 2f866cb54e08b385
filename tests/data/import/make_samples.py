"""Write the committed samples of field exports in tests/data/import/ (see PROVENANCE.md).

Run from the repository root: ``QT_QPA_PLATFORM=offscreen .venv/bin/python
tests/data/import/make_samples.py``. The XLSX is written with openpyxl (the library
KoboToolbox's export library, formpack, writes XLSX with), the photos with Qt's JPEG writer;
the ZIPs with Python's zipfile, laid out as the tools lay them out. Content is invented.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
KOBO_USER = "sachayaku"
KOBO_FORM = "a7bYgQhTKkRfW8nJ5mV3xc"
KOBO_XFORM_UUID = "5c0c9b7e2f5b4a8e9d7a2f0b6c1e3d4a"

# Two submissions of a KoboToolbox ethnobotany form: group "planta", geopoint "ubicacion",
# photo "foto", audio "entrevista".
KOBO_HEADER = [
    "start", "end", "today", "username", "deviceid", "planta/nombre_local",
    "planta/scientific_name", "planta/parte_usada", "planta/uso_descrito", "ubicacion",
    "_ubicacion_latitude", "_ubicacion_longitude", "_ubicacion_altitude",
    "_ubicacion_precision", "foto", "entrevista", "__version__", "meta/instanceID", "_id",
    "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
    "_tags", "_index",
]  # fmt: skip
KOBO_ROWS = [
    [
        "2024-05-02T08:01:12.000-05:00", "2024-05-02T08:20:40.000-05:00", "2024-05-02",
        KOBO_USER, "collect:Xq2vT9", "Wayusa", "Ilex guayusa Loes.", "hojas",
        "Infusión al amanecer para dar energía", "-0.95112 -77.81234 420.0 4.5", "-0.95112",
        "-77.81234", "420.0", "4.5", "1714650000123.jpg", "1714650001456.m4a",
        "vHk7Jm3nQ2", "uuid:0f1c2a1e-6f3b-4a4e-9d0e-1b2c3d4e5f60", "101",
        "0f1c2a1e-6f3b-4a4e-9d0e-1b2c3d4e5f60", "2024-05-02T13:25:01", "", "",
        "submitted_via_web", KOBO_USER, "", "1",
    ],
    [
        "2024-05-03T09:11:00.000-05:00", "2024-05-03T09:30:02.000-05:00", "2024-05-03",
        KOBO_USER, "collect:Xq2vT9", "Uña de gato", "Uncaria tomentosa (Willd. ex Schult.) DC.",
        "corteza", "Cocimiento para la inflamación", "-1.05 -77.6 390 8", "-1.05", "-77.6", "390",
        "8", "1714740000789.jpg", "", "vHk7Jm3nQ2",
        "uuid:7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "102",
        "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "2024-05-03T14:40:12", "", "",
        "submitted_via_web", KOBO_USER, "", "2",
    ],
]  # fmt: skip


def jpeg(seed: int, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small real JPEG (Qt's writer), its colour from ``seed``."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    image = QImage(size[0], size[1], QImage.Format.Format_RGB32)
    image.fill(QColor((seed * 37) % 256, (seed * 91) % 256, (seed * 53) % 256))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPG")
    return bytes(data.data())


# An MPEG-4 audio file is not needed to test matching: a few bytes stand for the recording.
FAKE_M4A = b"\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00isomiso2" + b"\x00" * 64


def kobo_csv() -> None:
    # Kobo's CSV export: ";" separated (its default), every value quoted, UTF-8.
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(KOBO_HEADER)
    writer.writerows(KOBO_ROWS)
    (HERE / "kobo_export.csv").write_bytes(buffer.getvalue().encode("utf-8"))


def kobo_xlsx() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plantas medicinales"  # Kobo names the first sheet after the form
    sheet.append(KOBO_HEADER)
    for row in KOBO_ROWS:
        cells: list[object] = []
        for header, value in zip(KOBO_HEADER, row, strict=True):
            # Kobo writes numbers of geopoint parts and _id as numbers.
            if header.startswith("_ubicacion_") or header in ("_id", "_index"):
                cells.append(float(value) if "." in value else int(value))
            else:
                cells.append(value)
        sheet.append(cells)
    book.save(HERE / "kobo_export.xlsx")


def kobo_json() -> None:
    results = []
    for row in KOBO_ROWS:
        item: dict[str, object] = dict(zip(KOBO_HEADER, row, strict=True))
        for key in [k for k in item if k.startswith("_ubicacion_")]:
            del item[key]  # the API gives the geopoint once, and _geolocation
        item["_id"] = int(str(item["_id"]))
        del item["_index"]
        lat, lon = str(item["ubicacion"]).split()[:2]
        item["_geolocation"] = [float(lat), float(lon)]
        item["_tags"] = []
        item["_notes"] = []
        item["_validation_status"] = {}
        item["formhub/uuid"] = KOBO_XFORM_UUID
        item["_attachments"] = [
            {
                "download_url": f"https://kc.kobotoolbox.org/media/original?media_file={name}",
                "mimetype": "image/jpeg" if name.endswith(".jpg") else "audio/mp4",
                "filename": f"{KOBO_USER}/attachments/{KOBO_XFORM_UUID}/{item['_uuid']}/{name}",
                "instance": item["_id"],
                "xform": 42,
                "id": 900 + n,
            }
            for n, name in enumerate([str(item["foto"]), str(item["entrevista"])])
            if name
        ]
        item = {k: v for k, v in item.items() if v != ""}
        results.append(item)
    doc = {"count": len(results), "next": None, "previous": None, "results": results}
    (HERE / "kobo_api.json").write_text(
        json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def _zip(path: Path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, (2024, 5, 4, 10, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


def kobo_attachments() -> None:
    # kobocat's "Media attachments (ZIP)": <user>/attachments/<xform uuid>/<submission>/<file>
    files: dict[str, bytes] = {}
    for n, row in enumerate(KOBO_ROWS):
        item = dict(zip(KOBO_HEADER, row, strict=True))
        base = f"{KOBO_USER}/attachments/{KOBO_XFORM_UUID}/{item['_uuid']}/"
        files[base + item["foto"]] = jpeg(n + 1)
        if item["entrevista"]:
            files[base + item["entrevista"]] = FAKE_M4A
    _zip(HERE / "kobo_attachments.zip", files)


ODK_HEADER = [
    "SubmissionDate", "start", "end", "today", "planta-nombre_local", "planta-scientific_name",
    "planta-parte_usada", "ubicacion-Latitude", "ubicacion-Longitude", "ubicacion-Altitude",
    "ubicacion-Accuracy", "foto", "meta-instanceID", "KEY", "SubmitterID", "SubmitterName",
    "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits",
    "FormVersion",
]  # fmt: skip
ODK_ROWS = [
    [
        "2024-06-01T15:02:11.245Z", "2024-06-01T09:40:00.000-05:00",
        "2024-06-01T09:55:00.000-05:00", "2024-06-01", "Chuchuwasi",
        "Maytenus macrocarpa (Ruiz & Pav.) Briq.", "corteza", "-0.4721", "-76.9870", "250",
        "6.2", "1717250000111.jpg", "uuid:3d1e9a20-2b44-4f5c-a7a3-0c9e8b7d6f51",
        "uuid:3d1e9a20-2b44-4f5c-a7a3-0c9e8b7d6f51", "17", "tablet-2", "1", "1", "", "",
        "collect:AbC123", "0", "2024060101",
    ],
    [
        "2024-06-02T16:10:40.001Z", "2024-06-02T10:00:00.000-05:00",
        "2024-06-02T10:20:00.000-05:00", "2024-06-02", "Sangre de drago",
        "Croton lechleri Müll.Arg.", "resina", "-0.5", "-77.01", "260", "10",
        "1717340000222.jpg", "uuid:9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4",
        "uuid:9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4", "17", "tablet-2", "0", "1", "", "",
        "collect:AbC123", "0", "2024060101",
    ],
]  # fmt: skip


def odk_central() -> None:
    # ODK Central: comma separated, quoted where needed, UTF-8, group separator "-".
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ODK_HEADER)
    writer.writerows(ODK_ROWS)
    data = buffer.getvalue().encode("utf-8")
    (HERE / "odk_central.csv").write_bytes(data)
    # "All data and media" ZIP: <form id>.csv and media/<file> (the second photo was never
    # uploaded: AttachmentsPresent 0, so it is listed as missing).
    _zip(
        HERE / "odk_central.zip",
        {"plantas_medicinales.csv": data, "media/1717250000111.jpg": jpeg(7)},
    )


def excel_windows() -> None:
    # A list kept in Excel on Windows in Spanish: "CSV (delimitado por comas)" writes cp1252
    # with ";" (the list separator where "," is the decimal mark) and decimal commas.
    text = (
        "Título;Nombre científico;Nombre local;Parte usada;Latitud;Longitud;Localidad\r\n"
        "Té de hierbaluisa;Cymbopogon citratus (DC.) Stapf;hierbaluisa;hojas;-0,9833;"
        "-77,8167;Tena\r\n"
        "Achiote para pintar;Bixa orellana L.;manduru;semillas;-1,02;-77,55;Archidona\r\n"
    )
    (HERE / "excel_windows.csv").write_bytes(text.encode("cp1252"))


def ethnobotany_table() -> None:
    # A published ethnobotany table (the shape of a paper's supplementary data): UTF-8 with
    # a BOM (Excel's "CSV UTF-8"), comma separated, names with authors and infraspecific ranks.
    rows = [
        ["id", "family", "scientificName", "vernacularName", "use", "voucher"],
        ["EB-001", "Fabaceae", "Inga edulis Mart.", "pacay", "fruit eaten fresh", "JR 1123"],
        ["EB-002", "Fabaceae", "Inga edulis var. minutula Benth.", "pacay", "shade", "JR 1187"],
        ["EB-003", "Arecaceae", "Bactris gasipaes subsp. chichagui", "chonta", "fruit", "JR 1201"],
        ["EB-004", "Piperaceae", "Piper cf. aduncum", "matico", "wounds", "JR 1240"],
        ["EB-005", "Malvaceae", "Theobroma sp.", "cacao de monte", "drink", "JR 1302"],
    ]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    (HERE / "ethnobotany_table.csv").write_bytes(buffer.getvalue().encode("utf-8-sig"))


if __name__ == "__main__":
    kobo_csv()
    kobo_xlsx()
    kobo_json()
    kobo_attachments()
    odk_central()
    excel_windows()
    ethnobotany_table()
