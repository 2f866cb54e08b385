"""Values several test folders share, importable by name from any of them (a conftest
cannot be: pytest keeps one module called ``conftest`` per folder, whichever loaded last)."""

#: The passphrase of the ``cat`` fixture's catalogue.
PASSPHRASE = "correct horse; battery 'staple'"
