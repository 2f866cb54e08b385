"""Opening a catalogue: the start screen, the create wizard, the unlock screen, idle lock."""
