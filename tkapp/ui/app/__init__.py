"""The application shell: start-up, the main window and its menu flows, About, the
screenshot tool for the help book, and the smoke-test hook of the frozen app."""
