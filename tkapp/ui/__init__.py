"""The desktop app: the only package that imports PySide6."""

# Installed before any widget or signal exists: works around a PySide6 reference-count defect
# that otherwise aborts a long session (see qt_fixes).
from tkapp.ui import qt_fixes as _qt_fixes  # noqa: F401
