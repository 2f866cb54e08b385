"""Build hook: compile the translation catalogues while building the package.

Everything else about the package lives in pyproject.toml. ``build_py`` compiles
``translations/<lang>/LC_MESSAGES/tkapp.po`` into ``tkapp/locale/<lang>/LC_MESSAGES/tkapp.mo``:

- wheel builds (``pip wheel .``, ``pip install .``): into the build folder, so the wheel
  carries the ``.mo`` files;
- editable installs (``pip install -e .``): setuptools runs ``build_py`` in editable mode,
  which copies nothing, so the catalogues are compiled into the source tree's ``tkapp/locale/``
  (git-ignored) where the editable import finds them.

The ``.mo`` files are never committed. The compiler is tkapp/i18n/catalogs.py, loaded by file
path because tkapp itself is not importable yet while it is being built.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def _catalogs() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "_tkapp_build_catalogs", ROOT / "tkapp" / "i18n" / "catalogs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclass-style introspection needs it registered
    spec.loader.exec_module(module)
    return module


class BuildPyWithCatalogues(build_py):
    """``build_py`` that also compiles the gettext catalogues."""

    def run(self) -> None:
        super().run()
        catalogs = _catalogs()
        source_dir = ROOT / "translations"
        if not catalogs.source_languages(source_dir):
            # An sdist without translations/ would silently ship an English-only app.
            raise SystemExit(f"no translation catalogues found under {source_dir}")
        if self.editable_mode:
            locale_dir = ROOT / "tkapp" / "locale"
        else:
            locale_dir = Path(self.build_lib) / "tkapp" / "locale"
        report = catalogs.compile_all(source_dir, locale_dir)
        for lang, problems in sorted(report.items()):
            self.announce(f"compiled {lang} catalogue into {locale_dir}", level=2)
            for problem in problems:
                # The entry is left out (falls back to the next language); tests fail on it.
                print(f"warning: {lang}: {problem}", file=sys.stderr)

    def find_data_files(self, package: str, src_dir: str) -> list[str]:
        files = list(super().find_data_files(package, src_dir))
        if package != "tkapp":
            return files
        # tkapp/locale is produced by run() itself. Left to package-data, a stale copy in the
        # source tree would be listed too, and setuptools warns about its folders.
        locale = Path(src_dir, "locale")
        return [name for name in files if locale not in Path(name).parents]

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not self.editable_mode:
            catalogs = _catalogs()
            locale_dir = Path(self.build_lib) / "tkapp" / "locale"
            outputs += [
                str(catalogs.mo_path(lang, locale_dir))
                for lang in catalogs.source_languages(ROOT / "translations")
            ]
        return outputs


setup(cmdclass={"build_py": BuildPyWithCatalogues})
