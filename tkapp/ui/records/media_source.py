"""Where the media viewer and player read bytes from: the catalogue, or another source.

Stored media come from the open catalogue (``Catalogue.open_media``); media inside a bundle
being verified, or in the Received area, come through a :class:`MediaSourceRunner` that hands
the same ops a stand-in whose ``open_media`` reads that other source. Both runners satisfy
:class:`MediaRunner`, so the viewer is typed once for both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO, Protocol, TypeVar

from PySide6.QtCore import QObject, SignalInstance

from tkapp.ui.common.worker import Job, OnError, OnSuccess, Runner

if TYPE_CHECKING:
    from tkapp.services.catalogue import Catalogue

T = TypeVar("T")


class MediaReader(Protocol):
    """Opens one media item's bytes by id (the catalogue, or a bundle's member path)."""

    def open_media(self, media_id: str) -> BinaryIO: ...


#: A worker op that reads media.
MediaOp = Callable[[MediaReader], T]


class MediaRunner(Protocol):
    """What the viewer and player ask of their runner."""

    @property
    def catalogue_changed(self) -> SignalInstance: ...

    def run(
        self,
        op: Callable[[MediaReader], T],
        on_success: OnSuccess[T] | None = None,
        on_error: OnError | None = None,
        *,
        context: QObject | None = None,
    ) -> Job: ...


class _Source:
    """Stands in for the catalogue inside a media op: ``open_media(id)`` opens ``id`` (a
    bundle path such as ``data/media/<sha>.png``) from another source."""

    def __init__(self, cat: Catalogue | None, opener: Callable[[Catalogue | None, str], BinaryIO]):
        self._cat = cat
        self._opener = opener

    def open_media(self, media_id: str) -> BinaryIO:
        return self._opener(self._cat, media_id)


class MediaSourceRunner:
    """A runner for the media viewer and player that reads media from another source.

    ``opener(cat, path)`` runs on the worker (``cat`` is None when no catalogue is open) and
    returns a binary stream; for a bundle it is ``report.open_member`` (whose reader checks
    the SHA-256 at the end of the stream), for the Received section ``open_received_media``.
    The bytes stay in memory, as for stored media.
    """

    def __init__(self, runner: Runner, opener: Callable[[Catalogue | None, str], BinaryIO]) -> None:
        self._runner = runner
        self._opener = opener

    @property
    def catalogue_changed(self) -> SignalInstance:
        """The real runner's signal: viewers close when the catalogue locks."""
        return self._runner.catalogue_changed

    def run(
        self,
        op: Callable[[MediaReader], T],
        on_success: OnSuccess[T] | None = None,
        on_error: OnError | None = None,
        *,
        context: QObject | None = None,
    ) -> Job:
        opener = self._opener
        return self._runner.run_any(
            lambda cat: op(_Source(cat, opener)), on_success, on_error, context=context
        )
