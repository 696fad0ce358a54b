{#- Reconciliation issues of type `arithmetic_mismatche` (their definition: marts.reconciliation_issues, _accounting.yml); one row per issue, in the columns every issue type shares. -#}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

arithmetic_mismatches as (

    select
        'arithmetic_mismatch' as issue_type,
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
        abs(balance_difference) as amount_at_stake,
        'new balance ' || {{ accounting_money_text('new_balance') }}
            || ' differs from expected ' || {{ accounting_money_text('expected_new_balance') }}
            || ' (old balance ' || {{ accounting_money_text('old_balance') }}
            || case when signed_net_amount < 0 then ' - ' else ' + ' end
            || 'net amount ' || {{ accounting_money_text('net_amount') }}
            || ', ' || coalesce(transaction_type, '?')
            || case when is_type_inferred then ' inferred' else '' end
            || ') by ' || {{ accounting_money_text('balance_difference') }} as details
    from transactions
    where is_arithmetic_mismatch

)

select * from arithmetic_mismatches
