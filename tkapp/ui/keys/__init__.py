"""Keys: the community key and its card, trusted keys of other communities, age keys."""
