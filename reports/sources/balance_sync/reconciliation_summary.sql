-- Exact issue counts and money at stake per issue type, currency and UTC month,
-- computed from reconciliation_issues.sql's rule set without its row bound.
-- (Same CTEs, aggregated; when marts.reconciliation_issues lands, aggregate that.)
with

transactions as (
    select * from marts.transactions
),

issues as (
    select 'arithmetic_mismatch' as issue_type, user_id, currency, logged_at, abs(balance_difference) as amount_at_stake
    from transactions where is_arithmetic_mismatch
    union all
    select 'continuity_break', user_id, currency, logged_at, abs(continuity_gap)
    from transactions where is_continuity_break
    union all
    select 'sync_mismatch', user_id, currency, logged_at, abs(difference)
    from marts.sync_mismatches
    union all
    select 'negative_new_balance', user_id, currency, logged_at, -new_balance
    from transactions where new_balance < 0
    union all
    select 'refused_overdraft', user_id, currency, occurred_at, overdraft_amount
    from marts.overdrafts where was_blocked
)

select
    issue_type,
    coalesce(currency, '(unknown)') as currency,
    cast(date_trunc('month', logged_at) as date) as issue_month,
    count(*) as issue_count,
    count(distinct user_id) as user_count,
    sum(amount_at_stake) as amount_at_stake,
from issues
group by all
