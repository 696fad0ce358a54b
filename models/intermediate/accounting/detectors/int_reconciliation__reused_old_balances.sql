{#- Reconciliation issues of type `reused_old_balance` (their definition: marts.reconciliation_issues, _accounting.yml); one row per issue, in the columns every issue type shares. -#}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

reused_old_balances as (

    select
        'reused_old_balance' as issue_type,
        transaction_event_id as issue_source_id,
        transaction_id,
        transaction_event_id,
        previous_transaction_id as related_transaction_id,
        user_id,
        currency,
        logged_at,
        action,
        previous_old_balance + previous_balance_move as expected_value,
        old_balance as actual_value,
        abs(previous_balance_move) as amount_at_stake,
        'starts from old balance ' || {{ accounting_money_text('old_balance') }}
            || ' like the previous transaction ' || previous_transaction_id
            || ', whose move of ' || {{ accounting_money_text('previous_balance_move') }}
            || ' it overwrites' as details
    from transactions
    where content_rank = 1
        and abs(old_balance - previous_old_balance) <= half_minor_unit
        and abs(previous_balance_move) > half_minor_unit
        and not is_previous_refused

)

select * from reused_old_balances
