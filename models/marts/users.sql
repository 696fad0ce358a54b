{#-
    One row per user and currency (in the data each user has one currency;
    a user seen in two would get two rows, so money is never summed across
    currencies). Users known only from a refusal or a sync mismatch have a
    row with a null currency and no transactions.
-#}
with

transactions as (

    select * from {{ ref('int_transactions_evaluated') }}

),

overdrafts as (

    select * from {{ ref('int_overdrafts') }}

),

sync_mismatches as (

    select * from {{ ref('int_sync_mismatches_linked') }}

),

transaction_totals as (

    select
        user_id,
        currency,
        min(logged_at) as first_transaction_at,
        max(logged_at) as last_transaction_at,
        count(*) as transaction_count,
        coalesce(sum(net_amount) filter (where transaction_type = 'CREDIT'), 0) as credit_total,
        coalesce(sum(net_amount) filter (where transaction_type = 'DEBIT'), 0) as debit_total,
        -- the balance after the last transaction the service did not refuse
        {{ arg_max('new_balance', row_value(['logged_at', 'transaction_id', 'event_id'])) }}
            filter (where outcome <> 'blocked_negative_balance') as last_balance,
        min(new_balance) filter (where outcome <> 'blocked_negative_balance') as min_balance,
        count(*) filter (where is_continuity_break) as continuity_break_count,
        count(*) filter (where is_arithmetic_mismatch) as arithmetic_mismatch_count
    from transactions
    where user_id is not null
    group by user_id, currency

),

overdraft_counts as (

    select user_id, currency, count(*) as overdraft_count, min(occurred_at) as first_overdraft_at, max(occurred_at) as last_overdraft_at
    from overdrafts
    where user_id is not null
    group by user_id, currency

),

sync_mismatch_counts as (

    select user_id, currency, count(*) as sync_mismatch_count, min(logged_at) as first_mismatch_at, max(logged_at) as last_mismatch_at
    from sync_mismatches
    where user_id is not null
    group by user_id, currency

),

user_currencies as (

    select user_id, currency from transaction_totals
    union
    select user_id, currency from overdraft_counts
    union
    select user_id, currency from sync_mismatch_counts

),

final as (

    select
        user_currencies.user_id,
        user_currencies.currency,
        least(transaction_totals.first_transaction_at, overdraft_counts.first_overdraft_at, sync_mismatch_counts.first_mismatch_at) as first_seen_at,
        greatest(transaction_totals.last_transaction_at, overdraft_counts.last_overdraft_at, sync_mismatch_counts.last_mismatch_at) as last_seen_at,
        coalesce(transaction_totals.transaction_count, 0) as transaction_count,
        coalesce(transaction_totals.credit_total, 0) as credit_total,
        coalesce(transaction_totals.debit_total, 0) as debit_total,
        transaction_totals.last_balance,
        transaction_totals.min_balance,
        coalesce(overdraft_counts.overdraft_count, 0) as overdraft_count,
        coalesce(sync_mismatch_counts.sync_mismatch_count, 0) as sync_mismatch_count,
        coalesce(transaction_totals.continuity_break_count, 0) as continuity_break_count,
        coalesce(transaction_totals.arithmetic_mismatch_count, 0) as arithmetic_mismatch_count
    from user_currencies
    left join transaction_totals
        on user_currencies.user_id = transaction_totals.user_id
        and user_currencies.currency is not distinct from transaction_totals.currency
    left join overdraft_counts
        on user_currencies.user_id = overdraft_counts.user_id
        and user_currencies.currency is not distinct from overdraft_counts.currency
    left join sync_mismatch_counts
        on user_currencies.user_id = sync_mismatch_counts.user_id
        and user_currencies.currency is not distinct from sync_mismatch_counts.currency

)

select * from final
