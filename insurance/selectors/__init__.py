"""Reads of the retiree plan, scoped to the user asking (a row outside the scope is a 404)."""
