"""GeoJSON (RFC 7946) of the openly publishable places, for QGIS and web maps.

One ``Point`` feature per publishable record that still has coordinates after
generalisation (a withheld place gives no feature). Coordinates are ``[longitude, latitude]``
numbers in WGS 84, exactly the generalised values the Darwin Core export publishes
(:func:`tkapp.licensing.places.generalise`), so the two outputs never disagree. Properties
carry the record id, title, category, licence, rights holder, the labels and the Darwin Core
``dataGeneralizations`` / ``informationWithheld`` texts. No ``crs`` member (RFC 7946 drops it).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from tkapp.errors import NothingToPublish
from tkapp.licensing.evaluate import Reason
from tkapp.licensing.gate import Destination
from tkapp.licensing.open_licence import LICENCE_URIS, most_restrictive
from tkapp.services.catalogue import CancelCheck, Catalogue, Progress
from tkapp.services.opendata import (
    ExcludedRecord,
    OpenExportReport,
    OpenItem,
    OpenPlan,
    OpenScan,
    TermsFor,
    access_rights,
    atomic_output,
    citation,
)


def feature(item: OpenItem, plan: OpenPlan) -> dict[str, Any] | None:
    """The GeoJSON Feature of one publishable record, or None when no coordinates remain."""
    place = item.place
    if place.latitude is None or place.longitude is None:
        return None
    rec = item.record
    properties: dict[str, Any] = {
        "id": rec.id,
        "title": rec.title,
        "category": rec.category.value,
        "scientificNames": [t.scientific_name for t in item.taxa],
        "license": LICENCE_URIS[item.decision.licence],
        "licenseId": item.decision.licence,
        "rightsHolder": plan.community_name,
        "bibliographicCitation": citation(item, plan),
        "accessRights": access_rights(item, plan),
        "localContextsLabels": sorted(set(rec.labels)),
        "locality": place.locality or "",
        "coordinateUncertaintyInMeters": place.uncertainty_m,
        "dataGeneralizations": place.data_generalizations,
        "informationWithheld": item.information_withheld,
    }
    return {
        "type": "Feature",
        "id": rec.id,
        "geometry": {
            "type": "Point",
            # RFC 7946 section 3.1.1: longitude first.
            "coordinates": [float(place.longitude), float(place.latitude)],
        },
        "properties": properties,
    }


def export_geojson(
    cat: Catalogue,
    dest: Path,
    *,
    on: date | None = None,
    overwrite: bool = False,
    terms_for: TermsFor | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> OpenExportReport:
    """Write the generalised places of publishable records as a GeoJSON FeatureCollection.

    One pass over the catalogue: each feature is written as its record comes (memory does
    not grow with the records).

    Raises:
        NothingToPublish: no publishable record has a publishable location (nothing written).
        CatalogueExists: ``dest`` exists and ``overwrite`` is false.
        Cancelled: ``cancel()`` returned True (nothing is written).
    """
    scan = OpenScan(
        cat, on=on, include_media=False, terms_for=terms_for, destination=Destination.GEOJSON
    )
    no_coordinates: list[ExcludedRecord] = []
    licences: set[str] = set()
    features = 0
    with atomic_output(dest, overwrite=overwrite) as handle:
        for item in scan.items(progress=progress, cancel=cancel):
            licences.add(item.decision.licence)
            found = feature(item, scan.plan)
            if found is None:
                no_coordinates.append(
                    ExcludedRecord(
                        item.record.id,
                        item.record.title,
                        item.decision.licence,
                        (Reason("no_coordinates"),),
                    )
                )
                continue
            handle.write((_FEATURE_SEPARATOR if features else _HEAD) + _feature_text(found))
            features += 1
        excluded = [*scan.plan.excluded, *no_coordinates]
        if not features:
            # Raised inside the atomic output: the partial file is removed.
            raise NothingToPublish("no publishable place", excluded=len(excluded))
        handle.write(_TAIL)
    return OpenExportReport(
        path=Path(dest),
        records=features,
        rows=features,
        media=0,
        licence=most_restrictive(licences),
        excluded=tuple(excluded),
        not_marked=scan.plan.not_marked,
    )


# The FeatureCollection written a feature at a time, byte for byte what
# ``json.dumps({"type": "FeatureCollection", "features": [...]}, ensure_ascii=False, indent=1)``
# gives (a feature sits two levels deep; JSON strings hold no raw line break).
_HEAD = b'{\n "type": "FeatureCollection",\n "features": [\n'
_FEATURE_SEPARATOR = b",\n"
_TAIL = b"\n ]\n}\n"


def _feature_text(found: dict[str, Any]) -> bytes:
    text = json.dumps(found, ensure_ascii=False, indent=1)
    return "\n".join("  " + line for line in text.split("\n")).encode("utf-8")
