"""Sharing: the export wizard and its release decisions, the sharing ledger, open-data
exports and the records import dialog."""
