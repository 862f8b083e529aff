"""The unit's pages of the retiree plan (退休住院计划), under /insurance/: thin views that parse,
select (scoped: another unit's row is a 404), call one service and render."""
