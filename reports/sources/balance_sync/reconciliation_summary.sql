-- Exact issue counts and money at stake per issue type, currency and UTC month
-- (marts.reconciliation_issues, unbounded). Money stays per currency.
select
    issue_type,
    coalesce(currency, '(unknown)') as currency,
    cast(date_trunc('month', logged_at) as date) as issue_month,
    count(*) as issue_count,
    count(distinct user_id) as user_count,
    sum(amount_at_stake) as amount_at_stake,
from marts.reconciliation_issues
group by all
