"""Values of the shared ``cat`` fixture (tests/conftest.py), for tests that reopen its file.

A plain module, not the conftest: several test folders have a conftest of their own, so
``from conftest import ...`` would depend on which one Python imported first.
"""

from __future__ import annotations

#: The passphrase of the ``cat`` fixture's catalogue.
PASSPHRASE = "correct horse; battery 'staple'"
