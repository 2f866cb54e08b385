"""Known-answer tests of every primitive the bundles rely on (``tkapp verify --selftest``).

Vectors come from the standards (RFC 8032 Ed25519, RFC 7748 X25519, FIPS 180 SHA-256,
RFC 7693 BLAKE2b) and from the real tools: a signature made by ``minisign -S`` 0.11 and a file
encrypted by ``age -r`` 1.1.1 to a throwaway identity published here on purpose. A broken
OpenSSL build, a patched library or our own regression makes one of them fail.
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Callable
from typing import NamedTuple

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from tkapp.crypto import age, minisign
from tkapp.errors import SelfTestFailed, TkError

_SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
_BLAKE2B_ABC = (
    "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
    "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"
)
# RFC 8032 section 7.1, test 1 (empty message).
_ED_SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"  # noqa: S105 - public RFC vector
_ED_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
_ED_SIG = (
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
    "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)
# RFC 7748 section 6.1.
_X_ALICE = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
_X_BOB_PUBLIC = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
_X_SHARED = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
# Made with `minisign -G -W` and `minisign -S -t "hello trusted"` over the bytes b"abc".
_MINISIGN_PUB = "RWTEHhRQiQzP3S3o56vPfngwpuI3MnKv/Kjbr55Lvp3eN8/BmdD2BojA"
_MINISIGN_SIG = (
    "untrusted comment: signature from minisign secret key\n"
    "RUTEHhRQiQzP3bxmIuWsp/pptCQ/xNOgF2WvlB86OYijbdinoUGDJ7jrVqrOnB1cCEuUx5UR+IbaJtAykKfGUS/Xib"
    "wVn91TzQ4=\n"
    "trusted comment: hello trusted\n"
    "qESbRU5IyfOxZ1KnJX9MgmwO+W7NyL/PmUWBwjtHPcuLnKI+BrGKx8Qwgy/Sy0MFEIoMTDapT4AMAy2BvDj7AQ==\n"
)
# Made with `age -r age1mw97...` (age 1.1.1); this identity is public test data, nothing else.
_AGE_IDENTITY = "AGE-SECRET-KEY-1269NNE688SFNSH2FUJANVZKJX24NR46XT4W26C6J0726CY54C8KSDN0UVN"
_AGE_RECIPIENT = "age1mw97hc3ec2jk3cyza4fckx9eh56q35xt2nskcnslk8hrhfe2gavsjvy93c"
_AGE_FILE = (
    "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBaR29HV0kvRGlOV2tDbWRiVUJlc29SUXBPTkJBYnI2QzU2"
    "OStpUjRZekdjCk1OZnM4RHRsQ0hoU0ovZ2kybUdkNGpHN1Vpa2tMMzEwbmx5TnhCb29XbncKLS0tIFVISThoZnF6"
    "S1M3cHozcUdNaVNiWDgzaFlzL3BqUFdsL2oyaWlBNGFrdzgKPKaxnrkUsNqfbFL9DxnOR/u4P5rsn43Lf04Kv8AU"
    "m72DypP6CvY5MZPk8i9nqftiLCCuNA=="
)
_AGE_PLAINTEXT = b"tkapp age self-test\n"


# NamedTuples, not dataclasses: the dataclasses module and building each dataclass cost the
# self-test's start-up about 10 ms (issue 19).
class CheckResult(NamedTuple):
    name: str
    ok: bool
    detail: str = ""


class SelfTestReport(NamedTuple):
    results: tuple[CheckResult, ...]

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "checks": [{"name": r.name, "ok": r.ok, "detail": r.detail} for r in self.results],
        }


def _expect(condition: bool) -> None:
    # Not ``assert``: the self-test must still run under ``python -O`` and in frozen builds.
    if not condition:
        raise AssertionError("known answer differs")


def _sha256() -> None:
    _expect(hashlib.sha256(b"abc").hexdigest() == _SHA256_ABC)


def _blake2b() -> None:
    _expect(hashlib.blake2b(b"abc", digest_size=64).hexdigest() == _BLAKE2B_ABC)


def _ed25519() -> None:
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(_ED_SECRET))
    _expect(private.public_key().public_bytes_raw().hex() == _ED_PUBLIC)
    _expect(private.sign(b"").hex() == _ED_SIG)
    private.public_key().verify(bytes.fromhex(_ED_SIG), b"")


def _x25519() -> None:
    alice = X25519PrivateKey.from_private_bytes(bytes.fromhex(_X_ALICE))
    shared = alice.exchange(X25519PublicKey.from_public_bytes(bytes.fromhex(_X_BOB_PUBLIC)))
    _expect(shared.hex() == _X_SHARED)


def _minisign() -> None:
    key = minisign.parse_public_key_line(_MINISIGN_PUB)
    sig = minisign.parse_signature(_MINISIGN_SIG.encode("ascii"))
    minisign.verify(sig, key, b"abc")
    try:
        minisign.verify(sig, key, b"abd")
    except TkError:
        return
    raise AssertionError("a wrong message verified")


def _age_known_file() -> None:
    identity = age.AgeIdentity.from_string(_AGE_IDENTITY)
    _expect(str(identity.recipient()) == _AGE_RECIPIENT)
    out = io.BytesIO()
    age.decrypt_stream(io.BytesIO(base64.b64decode(_AGE_FILE)), out, [identity])
    _expect(out.getvalue() == _AGE_PLAINTEXT)


def _age_round_trip() -> None:
    identity = age.AgeIdentity.generate()
    plain = bytes(range(256)) * 300  # crosses a 64 KiB chunk boundary
    sealed = io.BytesIO()
    age.encrypt_stream(io.BytesIO(plain), sealed, [identity.recipient()])
    sealed.seek(0)
    out = io.BytesIO()
    age.decrypt_stream(sealed, out, [identity])
    _expect(out.getvalue() == plain)


CHECKS: tuple[tuple[str, Callable[[], None]], ...] = (
    ("sha256", _sha256),
    ("blake2b512", _blake2b),
    ("ed25519_rfc8032", _ed25519),
    ("x25519_rfc7748", _x25519),
    ("minisign_known_signature", _minisign),
    ("age_known_file", _age_known_file),
    ("age_round_trip", _age_round_trip),
)


def run_selftest(*, raise_on_failure: bool = True) -> SelfTestReport:
    """Run every known-answer test.

    Args:
        raise_on_failure: raise :class:`SelfTestFailed` when a check fails (default).

    Returns:
        The per-check results.
    """
    results: list[CheckResult] = []
    for name, check in CHECKS:
        try:
            check()
        except Exception as exc:  # any failure of a primitive is a failed check
            results.append(CheckResult(name, False, exc.__class__.__name__))
        else:
            results.append(CheckResult(name, True))
    report = SelfTestReport(tuple(results))
    if raise_on_failure and not report.ok:
        failed = ", ".join(r.name for r in report.results if not r.ok)
        raise SelfTestFailed(failed, failed=failed)
    return report
