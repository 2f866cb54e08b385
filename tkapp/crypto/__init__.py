"""Keys, fingerprints, minisign format, age encryption, known-answer self-test."""
