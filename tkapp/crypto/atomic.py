"""Deprecated alias of :mod:`tkapp.atomicfile`, the one atomic writer: import from there.

Kept only while ``cli/cmd_catalogue.py`` and ``ui/keys_section.py`` still import it (the
issue-18 use-case move replaces both); delete it with their last import.
"""

from __future__ import annotations

from tkapp.atomicfile import atomic_write_bytes

__all__ = ["atomic_write_bytes"]
