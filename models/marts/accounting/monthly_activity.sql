{#-
    One row per UTC month, currency, transaction type and action: the
    monthly roll-up of marts.daily_activity. Counted from the transactions
    themselves, because distinct users of a month are not the sum of those
    of its days.
-#}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

monthly as (

    select
        activity_month,
        currency,
        transaction_type,
        action,
        action_category,
        count(distinct activity_date) filter (where not is_refused) as active_day_count,
        count(*) filter (where not is_refused) as transaction_count,
        count(distinct user_id) filter (where not is_refused) as user_count,
        coalesce(sum(amount) filter (where not is_refused), 0) as amount,
        coalesce(sum(vat) filter (where not is_refused), 0) as vat,
        coalesce(sum(net_amount) filter (where not is_refused), 0) as net_amount,
        coalesce(sum(signed_net_amount) filter (where not is_refused), 0) as balance_effect,
        count(*) filter (where is_refused) as refused_transaction_count,
        coalesce(sum(net_amount) filter (where is_refused), 0) as refused_net_amount,
        count(*) filter (where is_type_inferred) as inferred_type_count,
    from transactions
    group by activity_month, currency, transaction_type, action, action_category

),

final as (

    select
        {{ accounting_key(['activity_month', 'currency', 'transaction_type', 'action']) }} as monthly_activity_id,
        activity_month,
        currency,
        transaction_type,
        action,
        action_category,
        active_day_count,
        transaction_count,
        user_count,
        amount,
        vat,
        net_amount,
        balance_effect,
        refused_transaction_count,
        refused_net_amount,
        inferred_type_count,
    from monthly

)

select * from final
