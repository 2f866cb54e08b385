"""The desktop app: the only package that imports PySide6.

Grouped by feature; each package's ``__init__`` says what it holds:

- ``app``: start-up, the main window and its menu flows (``main_operations``), About.
- ``catalogue``: start screen, create wizard, unlock, idle lock.
- ``records``: records list and editor, species, knowledge holders, consent, media.
- ``terms``: terms & labels (rule grid, versions, Local Contexts labels).
- ``sharing``: export wizard, release decisions, ledger, open data, import.
- ``verify``: verify window and the Received area.
- ``keys``: the community key, trusted keys, age keys.
- ``common``: the worker, dialogs, progress bar, table model, settings, help and other
  building blocks; it imports no feature package (an import-linter contract).
"""

# Installed before any widget or signal exists: works around a PySide6 reference-count defect
# that otherwise aborts a long session (see qt_fixes).
from tkapp.ui.common import qt_fixes as _qt_fixes  # noqa: F401
