-- One row per reconciliation issue: a plain select of marts.reconciliation_issues
-- (8 issue types; the rules are in models/marts/accounting/_accounting.yml), with
-- the request that logged the transaction (marts.transactions) and links to the
-- user and request pages (ids URL-encoded). Bounded for the browser: the latest
-- 100,000 issues; reconciliation_summary.sql is exact.
select
    issues.issue_type,
    issues.transaction_id,
    issues.related_transaction_id,
    issues.user_id,
    '/users/' || url_encode(issues.user_id) || '/' as user_link,
    transactions.request_id,
    '/requests/' || url_encode(transactions.request_id) || '/' as request_link,
    issues.currency,
    issues.logged_at,
    issues.expected_value,
    issues.actual_value,
    issues.amount_at_stake,
    issues.details,
from marts.reconciliation_issues as issues
left join marts.transactions as transactions
    on issues.transaction_event_id = transactions.transaction_event_id
order by issues.logged_at desc, issues.issue_type, issues.issue_id
limit 100000
