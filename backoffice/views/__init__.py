"""The reviewer console's pages: the dashboard, the queues and the decision pages. Views parse,
select through backoffice.selectors (which own the region scoping) and call one service."""
