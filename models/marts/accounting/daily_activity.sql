{#-
    One row per UTC day, currency, transaction type and action: what moved
    the balances that day. Money columns count only ledger transactions
    (not refused by the service); refused attempts are counted apart.
-#}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

daily as (

    select
        activity_date,
        currency,
        transaction_type,
        action,
        action_category,
        {{ accounting_activity_measures() }}
    from transactions
    group by activity_date, currency, transaction_type, action, action_category

),

final as (

    select
        {{ accounting_key(['activity_date', 'currency', 'transaction_type', 'action']) }} as daily_activity_id,
        activity_date,
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date) as activity_month,
        currency,
        transaction_type,
        action,
        action_category,
        transaction_count,
        user_count,
        amount,
        vat,
        net_amount,
        balance_effect,
        refused_transaction_count,
        refused_net_amount,
        inferred_type_count
    from daily

)

select * from final
