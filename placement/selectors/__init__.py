"""Reads of the placement app, scoped to the user asking (STYLE.md 4): who may see which rows
(scope), one read model of a person's year (year), the declaration as a whole (declaration) and
the staff consoles' queues (queues)."""
