"""age v1 encryption to X25519 recipients, streamed in 64 KiB chunks.

Written on the ``cryptography`` primitives (X25519, HKDF-SHA256, HMAC-SHA256,
ChaCha20-Poly1305) following the age v1 specification (age-encryption.org/v1), so that memory
stays bounded whatever the file size and so that "no identity of yours opens this" and "this
file is damaged" are told apart exactly. ``pyrage`` does not expose either. The interop tests
run the real ``age`` binary both ways.

Identities use age's own text format (``AGE-SECRET-KEY-1...``, one per line, ``#`` comments),
so ``age -d -i FILE`` reads the files ``tkapp identity new`` writes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tkapp.crypto import bech32
from tkapp.errors import (
    DecryptionError,
    KeyFormatError,
    LimitExceeded,
    NotAnAgeFile,
    NotARecipient,
)

if TYPE_CHECKING:
    from datetime import datetime

MAGIC = b"age-encryption.org/v1\n"
ARMOR_BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
RECIPIENT_HRP = "age"
IDENTITY_HRP = "age-secret-key-"
CHUNK = 64 * 1024
TAG = 16
#: A header this large is not a real one (ours are ~120 bytes per recipient).
HEADER_MAX = 64 * 1024
#: More stanzas than this is a denial-of-service attempt (each costs an X25519 operation).
STANZAS_MAX = 64
_X25519_INFO = b"age-encryption.org/v1/X25519"
_ZERO_NONCE = bytes(12)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: bytes) -> bytes:
    """age's base64: standard alphabet, no padding, canonical (reject stray bits)."""
    if b"=" in text or b"\r" in text or b"\n" in text:
        raise DecryptionError("bad base64 in header")
    try:
        raw = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError("bad base64 in header") from None
    if _b64(raw).encode("ascii") != text:
        raise DecryptionError("non-canonical base64 in header")
    return raw


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


# --- keys --------------------------------------------------------------------------------------


# NamedTuples, not dataclasses, as tkapp.crypto.keys.PublicKey: the self-test loads this
# module at start-up (issue 19).
class AgeRecipient(NamedTuple):
    """An X25519 recipient, ``age1...``."""

    public: bytes  # 32 bytes

    @classmethod
    def from_string(cls, text: str) -> AgeRecipient:
        """Parse ``age1...``; raises :class:`KeyFormatError`."""
        try:
            hrp, data = bech32.decode(text.strip())
        except ValueError as exc:
            raise KeyFormatError(f"not an age recipient: {exc}") from None
        if hrp != RECIPIENT_HRP or len(data) != 32 or text.strip().lower() != text.strip():
            raise KeyFormatError("not an X25519 age recipient")
        return cls(data)

    def __str__(self) -> str:
        return bech32.encode(RECIPIENT_HRP, self.public)

    @property
    def sha256_hex(self) -> str:
        """SHA-256 of the ``age1...`` text (ASCII bytes): what a manifest lists."""
        return recipient_sha256(str(self))


def recipient_sha256(recipient: str) -> str:
    """Hash of a recipient as listed in ``recipient.age_recipients_sha256``.

    We hash the canonical lower-case ``age1...`` string's bytes, not the raw key, so anyone can
    recompute it with ``printf %s age1... | sha256sum``.
    """
    canonical = str(AgeRecipient.from_string(recipient))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


class AgeIdentity(NamedTuple):
    """An X25519 identity (secret key), ``AGE-SECRET-KEY-1...``."""

    secret: bytes  # 32 bytes

    def __repr__(self) -> str:  # never print the secret
        return f"AgeIdentity({self.recipient()})"

    @classmethod
    def generate(cls) -> AgeIdentity:
        return cls(secrets.token_bytes(32))

    @classmethod
    def from_string(cls, text: str) -> AgeIdentity:
        """Parse ``AGE-SECRET-KEY-1...``; raises :class:`KeyFormatError`."""
        stripped = text.strip()
        try:
            hrp, data = bech32.decode(stripped)
        except ValueError as exc:
            raise KeyFormatError(f"not an age identity: {exc}") from None
        if hrp != IDENTITY_HRP or len(data) != 32 or stripped.upper() != stripped:
            raise KeyFormatError("not an X25519 age identity")
        return cls(data)

    def to_string(self) -> str:
        return bech32.encode(IDENTITY_HRP, self.secret).upper()

    def _private(self) -> X25519PrivateKey:
        return X25519PrivateKey.from_private_bytes(self.secret)

    def recipient(self) -> AgeRecipient:
        return AgeRecipient(self._private().public_key().public_bytes_raw())


def parse_identity_file(text: str) -> list[AgeIdentity]:
    """Identities from age's identity-file format (``#`` comments and blank lines ignored)."""
    identities = [
        AgeIdentity.from_string(line)
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not identities:
        raise KeyFormatError("no identity in file")
    return identities


def load_identity_files(paths: Iterable[Path | str]) -> list[AgeIdentity]:
    """Read and parse identity files; raises :class:`KeyFormatError` on a bad or missing file."""
    identities: list[AgeIdentity] = []
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyFormatError(f"cannot read identity file: {exc.__class__.__name__}") from None
        identities.extend(parse_identity_file(text))
    return identities


def format_identity_file(identity: AgeIdentity, created: datetime | None = None) -> str:
    """The same text ``age-keygen`` writes."""
    from datetime import UTC, datetime  # not at import: ``verify --selftest`` starts fast

    when = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return (
        f"# created: {when.isoformat().replace('+00:00', 'Z')}\n"
        f"# public key: {identity.recipient()}\n"
        f"{identity.to_string()}\n"
    )


def write_identity_file(dest: Path, identity: AgeIdentity) -> None:
    """Write an identity file atomically, mode 0600; never overwrites an existing file."""
    # Here, not at the top: the self-test loads this module and writes no file (start-up).
    from tkapp.atomicfile import atomic_write_bytes

    atomic_write_bytes(dest, format_identity_file(identity).encode("ascii"), exclusive=True)


# --- encryption --------------------------------------------------------------------------------


def _wrap_lines(text: str) -> str:
    # Stanza bodies are wrapped at 64 columns; the last line is always shorter (maybe empty).
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    if not lines or len(lines[-1]) == 64:
        lines.append("")
    return "\n".join(lines)


def _header(file_key: bytes, recipients: Sequence[AgeRecipient]) -> bytes:
    parts = [MAGIC]
    for recipient in recipients:
        ephemeral = X25519PrivateKey.generate()
        share = ephemeral.public_key().public_bytes_raw()
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient.public))
        wrap_key = _hkdf(shared, share + recipient.public, _X25519_INFO)
        body = ChaCha20Poly1305(wrap_key).encrypt(_ZERO_NONCE, file_key, None)
        parts.append(f"-> X25519 {_b64(share)}\n{_wrap_lines(_b64(body))}\n".encode("ascii"))
    parts.append(b"---")
    header = b"".join(parts)
    mac = hmac.new(_hkdf(file_key, b"", b"header"), header, hashlib.sha256).digest()
    return header + b" " + _b64(mac).encode("ascii") + b"\n"


def _stream_nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _read_full(src: BinaryIO, size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        block = src.read(remaining)
        if not block:
            break
        chunks.append(block)
        remaining -= len(block)
    return b"".join(chunks)


def encrypt_stream(src: BinaryIO, dst: BinaryIO, recipients: Sequence[AgeRecipient]) -> None:
    """Encrypt ``src`` to ``dst`` as a binary age v1 file for ``recipients``."""
    if not recipients:
        raise ValueError("at least one recipient")
    file_key = secrets.token_bytes(16)
    dst.write(_header(file_key, recipients))
    nonce = secrets.token_bytes(16)
    dst.write(nonce)
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    counter = 0
    chunk = _read_full(src, CHUNK)
    while True:
        following = _read_full(src, CHUNK) if len(chunk) == CHUNK else b""
        last = not following
        dst.write(aead.encrypt(_stream_nonce(counter, last), chunk, None))
        if last:
            return
        counter += 1
        chunk = following


# --- decryption --------------------------------------------------------------------------------


class _Stanza(NamedTuple):
    args: list[bytes]
    body: bytes


def _parse_header(src: BinaryIO) -> tuple[list[_Stanza], bytes, bytes]:
    """Return (stanzas, header bytes covered by the MAC, MAC); leaves ``src`` at the payload."""
    start = src.tell()
    buf = src.read(HEADER_MAX)
    if not buf.startswith(MAGIC):
        raise NotAnAgeFile("not an age v1 file")
    pos = len(MAGIC)
    stanzas: list[_Stanza] = []
    while True:
        end = buf.find(b"\n", pos)
        if end < 0:
            raise DecryptionError("header too long or truncated")
        line = buf[pos:end]
        if line.startswith(b"--- "):
            covered = buf[: pos + 3]
            mac = _unb64(line[4:])
            if len(mac) != 32:
                raise DecryptionError("bad header MAC")
            src.seek(start + end + 1)
            return stanzas, covered, mac
        if not line.startswith(b"-> "):
            raise DecryptionError("malformed header line")
        args = line[3:].split(b" ")
        if not args or any(not a or any(c < 33 or c > 126 for c in a) for a in args):
            raise DecryptionError("malformed stanza")
        body_parts: list[bytes] = []
        pos = end + 1
        while True:
            end = buf.find(b"\n", pos)
            if end < 0:
                raise DecryptionError("header too long or truncated")
            body_line = buf[pos:end]
            if len(body_line) > 64:
                raise DecryptionError("stanza body line too long")
            body_parts.append(body_line)
            pos = end + 1
            if len(body_line) < 64:
                break
        stanzas.append(_Stanza(args, _unb64(b"".join(body_parts))))
        if len(stanzas) > STANZAS_MAX:
            raise LimitExceeded("too many age recipients")


def _unwrap(stanzas: list[_Stanza], identities: Sequence[AgeIdentity]) -> tuple[bytes, AgeIdentity]:
    for stanza in stanzas:
        if stanza.args[0] != b"X25519":
            continue
        if len(stanza.args) != 2:
            raise DecryptionError("malformed X25519 stanza")
        share = _unb64(stanza.args[1])
        if len(share) != 32 or len(stanza.body) != 32:
            raise DecryptionError("malformed X25519 stanza")
        for identity in identities:
            private = identity._private()
            try:
                shared = private.exchange(X25519PublicKey.from_public_bytes(share))
            except ValueError:
                # Low-order point: the shared secret would be all zeros. age refuses it too.
                raise DecryptionError("invalid X25519 share") from None
            own = private.public_key().public_bytes_raw()
            wrap_key = _hkdf(shared, share + own, _X25519_INFO)
            try:
                file_key = ChaCha20Poly1305(wrap_key).decrypt(_ZERO_NONCE, stanza.body, None)
            except InvalidTag:
                continue
            if len(file_key) != 16:
                raise DecryptionError("bad file key")
            return file_key, identity
    raise NotARecipient("no identity matches a recipient of this file")


ARMOR_END = b"-----END AGE ENCRYPTED FILE-----"
_ARMOR_LINE = 64


def is_armored(head: bytes) -> bool:
    """Whether a file's first bytes are an ASCII-armoured age file (``age -a``)."""
    return head.lstrip(b" \t\r\n").startswith(ARMOR_BEGIN)


def _armor_line(src: BinaryIO) -> bytes | None:
    """One line, never more than a little over the 64 columns the armour allows (a file
    with one huge "line" must not be read into memory)."""
    raw = src.readline(_ARMOR_LINE + 3)
    if not raw:
        return None
    if not raw.endswith(b"\n") and len(raw) == _ARMOR_LINE + 3:
        raise DecryptionError("armour line too long")
    return raw


def dearmor(src: BinaryIO, dst: BinaryIO, *, max_bytes: int | None = None) -> None:
    """Decode an ASCII-armoured age file (the age spec's strict PEM-like form: 64-column
    canonical base64 lines, surrounding white space allowed) into its binary form.

    Only ciphertext passes through here, so ``dst`` may be an ordinary temporary file.

    Raises:
        NotAnAgeFile: no armour. DecryptionError: malformed armour.
        LimitExceeded: more than ``max_bytes`` decoded.
    """
    first = b""
    while not first:
        raw = _armor_line(src)
        if raw is None:
            raise NotAnAgeFile("not an armoured age file")
        first = raw.strip(b" \t\r\n")
    if first != ARMOR_BEGIN:
        raise NotAnAgeFile("not an armoured age file")
    written = 0
    short_seen = False
    while (raw := _armor_line(src)) is not None:
        line = raw.rstrip(b"\n").rstrip(b"\r")
        if line == ARMOR_END:
            while (rest := _armor_line(src)) is not None:
                if rest.strip(b" \t\r\n"):
                    raise DecryptionError("data after the armour")
            if written == 0:
                raise DecryptionError("empty armour")
            return
        if short_seen or len(line) > _ARMOR_LINE or not line:
            raise DecryptionError("malformed armour line")
        short_seen = len(line) < _ARMOR_LINE
        try:
            data = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError):
            raise DecryptionError("bad base64 in armour") from None
        if base64.b64encode(data) != line:
            raise DecryptionError("non-canonical base64 in armour")
        written += len(data)
        if max_bytes is not None and written > max_bytes:
            raise LimitExceeded("armoured file larger than allowed")
        dst.write(data)
    raise DecryptionError("armour has no end line")


def decrypt_stream(
    src: BinaryIO,
    dst: BinaryIO,
    identities: Sequence[AgeIdentity],
    *,
    max_plaintext: int | None = None,
) -> AgeIdentity:
    """Decrypt a binary age v1 file from ``src`` into ``dst``.

    Args:
        src: the encrypted file, positioned at its start (must be seekable).
        dst: where the plaintext goes (the caller keeps it private).
        identities: X25519 identities to try.
        max_plaintext: stop with :class:`LimitExceeded` beyond this many plaintext bytes.

    Returns:
        The identity that opened the file.

    Raises:
        NotARecipient: none of ``identities`` is a recipient.
        DecryptionError: malformed header, wrong MAC, damaged or truncated payload.
    """
    head = src.read(len(ARMOR_BEGIN) + 16)
    src.seek(-len(head), 1)
    if is_armored(head):
        import tempfile  # only for armored input; the self-test need not load it

        with tempfile.TemporaryFile() as binary:  # ciphertext only
            dearmor(src, binary, max_bytes=None if max_plaintext is None else 2 * max_plaintext)
            binary.seek(0)
            return decrypt_stream(binary, dst, identities, max_plaintext=max_plaintext)
    stanzas, covered, mac = _parse_header(src)
    if not identities:
        raise NotARecipient("no identity given")
    file_key, identity = _unwrap(stanzas, identities)
    expected = hmac.new(_hkdf(file_key, b"", b"header"), covered, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, mac):
        raise DecryptionError("header MAC does not match")
    nonce = _read_full(src, 16)
    if len(nonce) != 16:
        raise DecryptionError("truncated payload")
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    counter = 0
    written = 0
    chunk = _read_full(src, CHUNK + TAG)
    while True:
        following = _read_full(src, CHUNK + TAG) if len(chunk) == CHUNK + TAG else b""
        last = not following
        if len(chunk) < TAG or (last and counter > 0 and len(chunk) == TAG):
            raise DecryptionError("truncated or empty final chunk")
        try:
            plain = aead.decrypt(_stream_nonce(counter, last), chunk, None)
        except InvalidTag:
            raise DecryptionError("payload damaged or truncated") from None
        written += len(plain)
        if max_plaintext is not None and written > max_plaintext:
            raise LimitExceeded("decrypted bundle larger than allowed")
        dst.write(plain)
        if last:
            return identity
        counter += 1
        chunk = following
