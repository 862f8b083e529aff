"""Every write of the retiree plan: one service per use case, keyword-only, transactional, each
status change through portal.workflow."""
