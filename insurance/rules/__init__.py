"""The retiree plan's pure rules (no ORM): the roster's rows, a member's verification result, the
participation ratio, coverage dates and working days. Table-driven tests: tests/insurance/test_rules.py."""
