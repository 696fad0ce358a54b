{#- Reconciliation issues of type `type_sign_contradiction` (their definition: marts.reconciliation_issues, _accounting.yml); one row per issue, in the columns every issue type shares. -#}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

type_sign_contradictions as (

    select
        'type_sign_contradiction' as issue_type,
        transaction_event_id as issue_source_id,
        transaction_id,
        transaction_event_id,
        cast(null as {{ dbt.type_string() }}) as related_transaction_id,
        user_id,
        currency,
        logged_at,
        action,
        expected_new_balance as expected_value,
        new_balance as actual_value,
        abs(balance_move) as amount_at_stake,
        transaction_type || ' of amount ' || {{ accounting_money_text('amount') }}
            || ' moved the balance ' || case when balance_move > 0 then 'up' else 'down' end
            || ' from ' || {{ accounting_money_text('old_balance') }}
            || ' to ' || {{ accounting_money_text('new_balance') }} as details
    from transactions
    where not is_type_inferred
        and (
            (transaction_type = 'CREDIT' and balance_move < -half_minor_unit)
            or (transaction_type = 'DEBIT' and balance_move > half_minor_unit)
        )

)

select * from type_sign_contradictions
