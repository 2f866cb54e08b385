"""People & access (issue 13): "who are you" at unlock, people, roles, groups, passphrases."""

from tkapp.ui.access.people_panel import AccessSection
from tkapp.ui.access.who import PersonChooser

__all__ = ["AccessSection", "PersonChooser"]
