"""Knowledge records and what hangs off them: the records list and editor, species,
knowledge holders, consent, media (list, viewer, player, recorder)."""
