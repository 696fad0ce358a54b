with

transactions as (

    select * from {{ ref('int_transactions_evaluated') }}

),

refusals as (

    select * from {{ ref('int_negative_balance_refusals') }}

),

negative_new_balances as (

    select
        transaction_id,
        arg_min(user_id, logged_at) as user_id,
        arg_min(currency, logged_at) as currency,
        arg_min(action, logged_at) as action,
        min(logged_at) as logged_at,
        arg_min(old_balance, logged_at) as old_balance,
        arg_min(new_balance, logged_at) as new_balance,
        arg_min(request_id, logged_at) as request_id,
    from transactions
    where new_balance < 0 or transaction_id in (select transaction_id from refusals)
    group by transaction_id

),

refusals_per_transaction as (

    select
        transaction_id,
        arg_min(user_id, logged_at) as user_id,
        min(logged_at) as refused_at,
        arg_min(current_balance, logged_at) as current_balance,
        arg_min(new_balance, logged_at) as new_balance,
        arg_min(request_id, logged_at) as request_id,
        count(*) as refusal_count,
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
        coalesce(negative_new_balances.transaction_id, refusals_per_transaction.transaction_id) as transaction_id,
        coalesce(negative_new_balances.user_id, refusals_per_transaction.user_id) as user_id,
        coalesce(negative_new_balances.currency, user_currencies.currency) as currency,
        least(negative_new_balances.logged_at, refusals_per_transaction.refused_at) as occurred_at,
        coalesce(negative_new_balances.old_balance, refusals_per_transaction.current_balance) as balance_before,
        coalesce(negative_new_balances.new_balance, refusals_per_transaction.new_balance) as balance_after,
        refusals_per_transaction.transaction_id is not null as was_blocked,
        case
            when negative_new_balances.new_balance < 0 and refusals_per_transaction.transaction_id is not null
                then 'negative_new_balance_and_refusal'
            when negative_new_balances.new_balance < 0 then 'negative_new_balance'
            else 'refusal'
        end as detected_by,
        negative_new_balances.action,
        negative_new_balances.transaction_id is not null as has_transaction_block,
        coalesce(refusals_per_transaction.refusal_count, 0) as refusal_count,
        coalesce(negative_new_balances.request_id, refusals_per_transaction.request_id) as request_id,
    from negative_new_balances
    full outer join refusals_per_transaction
        on negative_new_balances.transaction_id = refusals_per_transaction.transaction_id
    left join user_currencies
        on coalesce(negative_new_balances.user_id, refusals_per_transaction.user_id) = user_currencies.user_id

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
        request_id,
    from combined

)

select * from final
