-- marts.users totals per user and currency equal the sums over
-- marts.transactions (never across currencies), and its counts equal the
-- rows of the other marts.
with

users as (

    select * from {{ ref('users') }}

),

from_transactions as (

    select
        user_id,
        currency,
        count(*) as transaction_count,
        coalesce(sum(net_amount) filter (where transaction_type = 'CREDIT'), 0) as credit_total,
        coalesce(sum(net_amount) filter (where transaction_type = 'DEBIT'), 0) as debit_total,
        count(*) filter (where is_continuity_break) as continuity_break_count,
        count(*) filter (where is_arithmetic_mismatch) as arithmetic_mismatch_count
    from {{ ref('transactions') }}
    group by user_id, currency

),

from_overdrafts as (

    select user_id, currency, count(*) as overdraft_count
    from {{ ref('overdrafts') }}
    group by user_id, currency

),

from_sync_mismatches as (

    select user_id, currency, count(*) as sync_mismatch_count
    from {{ ref('sync_mismatches') }}
    group by user_id, currency

)

select users.user_id, users.currency
from users
left join from_transactions
    on users.user_id = from_transactions.user_id
    and users.currency is not distinct from from_transactions.currency
left join from_overdrafts
    on users.user_id = from_overdrafts.user_id
    and users.currency is not distinct from from_overdrafts.currency
left join from_sync_mismatches
    on users.user_id = from_sync_mismatches.user_id
    and users.currency is not distinct from from_sync_mismatches.currency
where users.transaction_count <> coalesce(from_transactions.transaction_count, 0)
    or users.credit_total <> coalesce(from_transactions.credit_total, 0)
    or users.debit_total <> coalesce(from_transactions.debit_total, 0)
    or users.continuity_break_count <> coalesce(from_transactions.continuity_break_count, 0)
    or users.arithmetic_mismatch_count <> coalesce(from_transactions.arithmetic_mismatch_count, 0)
    or users.overdraft_count <> coalesce(from_overdrafts.overdraft_count, 0)
    or users.sync_mismatch_count <> coalesce(from_sync_mismatches.sync_mismatch_count, 0)
