-- One row per user (marts.users): ids and figures only, no personal data.
-- issue_count: the user's rows in marts.reconciliation_issues (all currencies),
-- exact, for the user page, whose issue list ships the newest issues only.
select
    users.user_id,
    '/users/' || url_encode(users.user_id) || '/' as user_link,
    currency,
    first_seen_at,
    last_seen_at,
    transaction_count,
    credit_total,
    debit_total,
    last_balance,
    min_balance,
    overdraft_count,
    sync_mismatch_count,
    continuity_break_count,
    arithmetic_mismatch_count,
    coalesce(issue_counts.issue_count, 0) as issue_count,
from marts.users
left join (
    select user_id, count(*) as issue_count
    from marts.reconciliation_issues
    where user_id is not null
    group by user_id
) as issue_counts
    on users.user_id = issue_counts.user_id
