{#- Reconciliation issues of type `continuity_break` (their definition: marts.reconciliation_issues, _accounting.yml); one row per issue, in the columns every issue type shares. -#}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

continuity_breaks as (

    select
        'continuity_break' as issue_type,
        transaction_event_id as issue_source_id,
        transaction_id,
        transaction_event_id,
        previous_transaction_id as related_transaction_id,
        user_id,
        currency,
        logged_at,
        action,
        previous_new_balance as expected_value,
        old_balance as actual_value,
        abs(continuity_gap) as amount_at_stake,
        'old balance ' || {{ accounting_money_text('old_balance') }}
            || ' differs from the new balance ' || {{ accounting_money_text('previous_new_balance') }}
            || ' of the previous transaction ' || coalesce(previous_transaction_id, '?')
            || ' by ' || {{ accounting_money_text('continuity_gap') }}
            || case
                when is_previous_refused
                    then '; the previous transaction was refused by the service (its move never happened)'
                else ''
            end as details
    from transactions
    where is_continuity_break

)

select * from continuity_breaks
