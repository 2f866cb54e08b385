"""Domain dataclasses and pure rules: no I/O, no SQL, no Qt."""
