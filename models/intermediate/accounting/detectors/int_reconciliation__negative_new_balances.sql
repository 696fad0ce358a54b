{#- Reconciliation issues of type `negative_new_balance` (their definition: marts.reconciliation_issues, _accounting.yml); one row per issue, in the columns every issue type shares. -#}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

negative_new_balances as (

    select
        'negative_new_balance' as issue_type,
        transaction_event_id as issue_source_id,
        transaction_id,
        transaction_event_id,
        cast(null as {{ dbt.type_string() }}) as related_transaction_id,
        user_id,
        currency,
        logged_at,
        action,
        cast(0 as {{ money_type() }}) as expected_value,
        new_balance as actual_value,
        -new_balance as amount_at_stake,
        'new balance ' || {{ accounting_money_text('new_balance') }} || ' is below zero (old balance '
            || {{ accounting_money_text('old_balance') }} || ', outcome ' || outcome || ')' as details
    from transactions
    where new_balance < 0

)

select * from negative_new_balances
