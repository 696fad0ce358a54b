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
        {{ accounting_activity_measures() }}
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
        inferred_type_count
    from monthly

)

select * from final
