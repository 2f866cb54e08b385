"""Lint over the source: every gettext call gets a plain string literal.

``_(f"Saved {n}")``, ``_("Saved " + n)``, ``_("Saved %d" % n)`` and ``_("...".format(n=n))``
either cannot be extracted or ask translators for a string that never matches at run time.
A string held in a variable is translated with ``translate(variable)`` after marking its
literal with ``N_`` where it is written; ``translate("literal")`` is refused in turn, since the
extractor does not look for it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "tkapp"

#: Function name -> indexes of its message (or context) arguments.
MESSAGE_ARGS: dict[str, tuple[int, ...]] = {
    "_": (0,),
    "N_": (0,),
    "ngettext": (0, 1),
    "pgettext": (0, 1),
}


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == "i18n"
    ):
        return func.attr
    return None


def _describe(node: ast.expr) -> str:
    if isinstance(node, ast.JoinedStr):
        return "an f-string"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return "a concatenation (+)"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return "%-formatting"
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return "a .format() call (format the translated result instead)"
    if isinstance(node, ast.Constant) and not isinstance(node.value, str):
        return "a non-string constant"
    return "a non-literal (mark the literal with N_ and call translate() on the variable)"


def lint_source(source: str, filename: str = "<string>") -> list[str]:
    """One line per gettext call whose message is not a plain string literal."""
    problems = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if name == "translate":
            if node.args and isinstance(node.args[0], ast.Constant | ast.JoinedStr):
                problems.append(
                    f"{where}: translate() of a literal is never extracted; use _() instead"
                )
            continue
        if name not in MESSAGE_ARGS:
            continue
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            problems.append(f"{where}: {name}() must get positional literal arguments")
            continue
        for index in MESSAGE_ARGS[name]:
            if index >= len(node.args):
                problems.append(f"{where}: {name}() is missing its message argument")
                continue
            arg = node.args[index]
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                problems.append(f"{where}: {name}() gets {_describe(arg)}")
    return problems


def test_no_gettext_call_wraps_anything_but_a_literal() -> None:
    problems = []
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        problems += lint_source(path.read_text(encoding="utf-8"), rel)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    "snippet",
    [
        '_(f"Saved {n} records")',
        '_("Saved " + str(n))',
        '_("Saved %d records" % n)',
        '_("Saved {n} records".format(n=n))',
        "_(message)",
        "_(LEVELS[i])",
        "_(42)",
        "_()",
        '_(message="Saved")',
        'ngettext("{n} record", f"{n} records", n)',
        'ngettext("{n} record" + "", "{n} records", n)',
        'pgettext(context, "Open")',
        'pgettext("menu", "Open " + name)',
        'N_(f"Saved {n}")',
        'i18n._(f"Saved {n}")',
        'translate("Saved")',
    ],
)
def test_lint_catches_bad_calls(snippet: str) -> None:
    assert lint_source(snippet), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        '_("Saved {n} records").format(n=n)',
        '_("Saved " "{n} records")',  # implicit concatenation is one literal
        'ngettext("{n} record", "{n} records", n).format(n=n)',
        'pgettext("menu", "Open")',
        'N_("Draft")',
        "translate(LEVELS[i])",
        "print(message)",
        "obj._(x)",  # some other object's method named _
    ],
)
def test_lint_accepts_good_calls(snippet: str) -> None:
    assert lint_source(snippet) == [], snippet
