"""Qt's own strings (standard buttons, file dialogs, context menus) in the app's language.

Our strings come from gettext (:mod:`tkapp.i18n`); Qt's come from the ``.qm`` catalogues that
PySide6 ships in ``QLibraryInfo.path(TranslationsPath)``. That folder has ``qtbase_es.qm``
but nothing for any Quechua or Kichwa language, so for Kichwa Qt's own strings are shown in
Spanish, which Kichwa speakers in Ecuador read, like our own untranslated Kichwa strings.

Installing a translator sends ``QEvent.LanguageChange`` to every widget, so windows that
retranslate in ``changeEvent`` follow a language switch live.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from tkapp.i18n import FALLBACKS, N_, SOURCE_LANGUAGE, normalise, translate

#: Qt modules whose strings users can meet (QtMultimedia: the audio player's errors).
QT_CATALOGUES = ("qtbase", "qtmultimedia")

# Keeps the installed translators alive and lets the next call remove them.
_installed: list[QTranslator] = []


#: Qt strings users meet that Qt's own Spanish catalogue lacks (Qt 6 added mnemonics to the
#: file dialog's labels, and the shipped ``qtbase_es.qm`` has only the older texts). Keyed by
#: (Qt context, Qt source text); the value is our gettext message for it.
QT_GAPS: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): N_("&Look in:"),
    ("QFileDialog", "Files of &type:"): N_("Files of &type:"),
    ("QFileDialog", "Computer"): N_("Computer"),
}


class QtGapsTranslator(QTranslator):
    """Answers the few Qt strings in :data:`QT_GAPS` through gettext; nothing else."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # None (a null QString) lets Qt ask the next translator; "" would blank the label.
        message = QT_GAPS.get((str(context), str(source)))
        if message is None:
            return None
        text = translate(message)
        return None if text == message else text

    def isEmpty(self) -> bool:
        return False


def qt_translations_dir() -> str:
    """The folder where this Qt keeps its ``.qm`` catalogues."""
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def _candidates(lang: str) -> list[str]:
    """``qu_EC`` -> ``qu_EC``, ``qu``, ``es``: the file suffixes to try, best first."""
    out: list[str] = []
    for step in (lang, *FALLBACKS.get(lang, ())):
        for suffix in (step, step.split("_")[0]):
            if suffix not in out:
                out.append(suffix)
    return out


def qt_language(lang: str) -> str:
    """The language Qt's own strings will be shown in for app language ``lang``.

    ``SOURCE_LANGUAGE`` (English) when Qt has no catalogue for it or its fallbacks.
    """
    code = normalise(lang)
    if code == SOURCE_LANGUAGE:
        return SOURCE_LANGUAGE
    folder = qt_translations_dir()
    for suffix in _candidates(code):
        probe = QTranslator()
        if probe.load(f"qtbase_{suffix}", folder):
            return suffix
    return SOURCE_LANGUAGE


def install_qt_translations(app: QCoreApplication, lang: str) -> str:
    """Translate Qt's own strings into ``lang`` (replacing any earlier language).

    Also makes ``QLocale(lang)`` the default, so date pickers and number fields use the
    same month names and separators as :func:`tkapp.i18n.format_date`.

    Args:
        app: the running application.
        lang: an app language code (``en``, ``es``, ``qu_EC``).

    Returns:
        The language Qt's strings are now shown in: ``es`` for ``qu_EC`` (Qt has no Kichwa),
        ``en`` when Qt has nothing for the language.
    """
    code = normalise(lang)
    while _installed:
        app.removeTranslator(_installed.pop())
    QLocale.setDefault(QLocale(code))
    used = qt_language(code)
    if used == SOURCE_LANGUAGE:
        return used
    # Installed first, so Qt asks it last: it only answers what Qt's catalogues lack.
    gaps = QtGapsTranslator(app)
    app.installTranslator(gaps)
    _installed.append(gaps)
    folder = qt_translations_dir()
    for catalogue in QT_CATALOGUES:
        translator = QTranslator(app)
        if translator.load(f"{catalogue}_{used}", folder):
            app.installTranslator(translator)
            _installed.append(translator)
    return used
