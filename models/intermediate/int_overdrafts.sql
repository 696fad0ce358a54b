{#-
    One row per overdraft (doc block overdraft): a transaction id whose
    block has is_overdraft (int_transactions_evaluated), or that the
    service refused with the negative-balance message, block or not.
-#}
with

transactions as (

    select * from {{ ref('int_transactions_evaluated') }}

),

refusals as (

    select * from {{ ref('int_negative_balance_refusals') }}

),

overdraft_blocks as (

    select
        transaction_id,
        {{ arg_min('user_id', 'logged_at') }} as user_id,
        {{ arg_min('currency', 'logged_at') }} as currency,
        {{ arg_min('action', 'logged_at') }} as action,
        min(logged_at) as logged_at,
        {{ arg_min('old_balance', 'logged_at') }} as old_balance,
        {{ arg_min('new_balance', 'logged_at') }} as new_balance,
        {{ arg_min('request_id', 'logged_at') }} as request_id
    from transactions
    where is_overdraft
    group by transaction_id

),

refusals_per_transaction as (

    select
        transaction_id,
        {{ arg_min('user_id', 'logged_at') }} as user_id,
        min(logged_at) as refused_at,
        {{ arg_min('current_balance', 'logged_at') }} as current_balance,
        {{ arg_min('new_balance', 'logged_at') }} as new_balance,
        {{ arg_min('request_id', 'logged_at') }} as request_id,
        count(*) as refusal_count
    from refusals
    where transaction_id is not null
    group by transaction_id

),

{#- a refusal without a transaction block has no currency: take the user's
    currency when the user's transactions show exactly one -#}
user_currencies as (

    select user_id, any_value(currency) as currency
    from transactions
    group by user_id
    having count(distinct currency) = 1

),

combined as (

    select
        coalesce(overdraft_blocks.transaction_id, refusals_per_transaction.transaction_id) as transaction_id,
        coalesce(overdraft_blocks.user_id, refusals_per_transaction.user_id) as user_id,
        coalesce(overdraft_blocks.currency, user_currencies.currency) as currency,
        least(overdraft_blocks.logged_at, refusals_per_transaction.refused_at) as occurred_at,
        coalesce(overdraft_blocks.old_balance, refusals_per_transaction.current_balance) as balance_before,
        coalesce(overdraft_blocks.new_balance, refusals_per_transaction.new_balance) as balance_after,
        refusals_per_transaction.transaction_id is not null as was_blocked,
        case
            when overdraft_blocks.new_balance < 0 and refusals_per_transaction.transaction_id is not null
                then 'negative_new_balance_and_refusal'
            when overdraft_blocks.new_balance < 0 then 'negative_new_balance'
            else 'refusal'
        end as detected_by,
        overdraft_blocks.action,
        overdraft_blocks.transaction_id is not null as has_transaction_block,
        coalesce(refusals_per_transaction.refusal_count, 0) as refusal_count,
        coalesce(overdraft_blocks.request_id, refusals_per_transaction.request_id) as request_id
    from overdraft_blocks
    full outer join refusals_per_transaction
        on overdraft_blocks.transaction_id = refusals_per_transaction.transaction_id
    left join user_currencies
        on coalesce(overdraft_blocks.user_id, refusals_per_transaction.user_id) = user_currencies.user_id

),

final as (

    select
        transaction_id,
        user_id,
        currency,
        occurred_at,
        balance_before,
        balance_after,
        case when balance_after < 0 then -balance_after end as overdraft_amount,
        was_blocked,
        detected_by,
        action,
        has_transaction_block,
        refusal_count,
        request_id
    from combined

)

select * from final
