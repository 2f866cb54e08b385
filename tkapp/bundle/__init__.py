"""The signed .tkb bundle: writer, verifier and their container and manifest formats."""
