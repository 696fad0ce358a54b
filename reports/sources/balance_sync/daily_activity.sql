-- Exact daily totals per currency, type, action and outcome (UTC days), for the
-- Overview trends and KPIs. Money stays per currency.
select
    cast(date_trunc('day', logged_at) as date) as activity_date,
    currency,
    coalesce(transaction_type, 'UNKNOWN') as transaction_type,
    coalesce(action, '(none)') as action,
    outcome,
    count(*) as transaction_count,
    count(distinct user_id) as user_count,
    sum(amount) as amount,
    sum(vat) as vat,
    sum(net_amount) as net_amount,
    count(*) filter (where is_arithmetic_mismatch) as arithmetic_mismatch_count,
    count(*) filter (where is_continuity_break) as continuity_break_count,
    count(*) filter (where is_overdraft) as negative_balance_count,
    count(*) filter (where has_sync_mismatch) as sync_mismatch_count,
from marts.transactions
group by all
