-- One row per reconciliation issue: a plain select of marts.reconciliation_issues
-- (8 issue types; the rules are in models/marts/accounting/_accounting.yml).
-- Bounded for the browser: the latest 100,000 issues; reconciliation_summary.sql
-- is exact.
select
    issue_type,
    transaction_id,
    related_transaction_id,
    user_id,
    currency,
    logged_at,
    expected_value,
    actual_value,
    amount_at_stake,
    details,
from marts.reconciliation_issues
order by logged_at desc, issue_type, issue_id
limit 100000
