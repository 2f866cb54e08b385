"""One way to show a key fingerprint: hex groups, words to read aloud, and a QR code.

The fingerprint is SHA-256 of the raw 32-byte public key (BUNDLE-FORMAT.md section 3). The GUI
and the CLI both call these functions, so a custodian comparing a phone screen, a printout and
a terminal sees the same groups, the same words and the same QR content.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tkapp.crypto.wordlist import WORDS

#: Ten words carry the first 80 bits: a forged key matching them costs about 2**80 tries.
WORD_COUNT = 10
GROUP_SIZE = 4
#: Prefix of the QR payload, upper case so the whole payload fits QR alphanumeric mode.
QR_PREFIX = "TKFP1:"


@dataclass(frozen=True)
class Fingerprint:
    """SHA-256 of a public key, with every way the app shows it."""

    digest: bytes  # 32 bytes

    @classmethod
    def of_public_key(cls, public: bytes) -> Fingerprint:
        """The fingerprint of a raw 32-byte Ed25519 public key."""
        if len(public) != 32:
            raise ValueError("a public key is 32 bytes")
        return cls(hashlib.sha256(public).digest())

    @classmethod
    def from_hex(cls, text: str) -> Fingerprint:
        """Parse 64 hex digits, ignoring spaces (as shown in groups)."""
        cleaned = "".join(text.split())
        raw = bytes.fromhex(cleaned)
        if len(raw) != 32:
            raise ValueError("a fingerprint is 32 bytes")
        return cls(raw)

    @property
    def hex(self) -> str:
        """64 lowercase hex digits, no spaces."""
        return self.digest.hex()

    def groups(self, size: int = GROUP_SIZE) -> list[str]:
        """Upper-case hex in groups of ``size`` digits (16 groups of 4 by default)."""
        text = self.digest.hex().upper()
        return [text[i : i + size] for i in range(0, len(text), size)]

    def hex_groups(self, per_line: int = 8) -> str:
        """The groups joined by spaces, ``per_line`` groups on each line."""
        groups = self.groups()
        return "\n".join(
            " ".join(groups[i : i + per_line]) for i in range(0, len(groups), per_line)
        )

    def words(self, count: int = WORD_COUNT) -> list[str]:
        """One word per byte of the fingerprint's first ``count`` bytes."""
        if not 1 <= count <= len(self.digest):
            raise ValueError("word count out of range")
        return [WORDS[byte] for byte in self.digest[:count]]

    def words_text(self, count: int = WORD_COUNT) -> str:
        """The words in groups of five, joined by spaces and a line break."""
        words = self.words(count)
        return "\n".join(" ".join(words[i : i + 5]) for i in range(0, len(words), 5))

    @property
    def qr_payload(self) -> str:
        """What the QR code holds: ``TKFP1:`` and the 64 upper-case hex digits."""
        return QR_PREFIX + self.digest.hex().upper()

    def qr(self) -> Any:
        """A ``segno`` QR code of :attr:`qr_payload` (error correction M)."""
        import segno  # deferred: it loads http.client and more, only a QR needs it

        return segno.make_qr(self.qr_payload, error="m", boost_error=False)

    def qr_svg(self, scale: int = 4) -> str:
        """The QR code as SVG text."""
        out = io.BytesIO()
        self.qr().save(out, kind="svg", scale=scale, xmldecl=False)
        return out.getvalue().decode("utf-8")

    def qr_png(self, scale: int = 8) -> bytes:
        """The QR code as PNG bytes."""
        out = io.BytesIO()
        self.qr().save(out, kind="png", scale=scale)
        return out.getvalue()

    def write_qr_png(self, dest: Path, scale: int = 8) -> None:
        """Write the QR code as a PNG file at ``dest``."""
        dest.write_bytes(self.qr_png(scale))

    def qr_terminal(self, compact: bool = True) -> str:
        """The QR code drawn with characters, for a terminal."""
        out = io.StringIO()
        self.qr().terminal(out=out, compact=compact, border=2)
        return out.getvalue()


def fingerprint_of(public: bytes) -> Fingerprint:
    """Shorthand for :meth:`Fingerprint.of_public_key`."""
    return Fingerprint.of_public_key(public)
