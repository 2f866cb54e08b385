"""Atomic small-file writes for the trust store, identities and key files.

The helpers live in :mod:`tkapp.atomicfile` (one writer for the whole app); this module keeps
the names the crypto layer and its callers import.
"""

from __future__ import annotations

from tkapp.atomicfile import atomic_write_bytes, fsync_dir, temp_path_for

__all__ = ["atomic_write_bytes", "fsync_dir", "temp_path_for"]
