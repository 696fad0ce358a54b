-- Exact daily sync-mismatch totals per currency (UTC days).
select
    cast(date_trunc('day', logged_at) as date) as mismatch_date,
    coalesce(currency, '(unlinked)') as currency,
    count(*) as mismatch_count,
    count(distinct user_id) as user_count,
    sum(abs(difference)) as absolute_difference,
from marts.sync_mismatches
group by all
