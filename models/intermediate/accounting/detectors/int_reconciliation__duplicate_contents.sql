{#- Reconciliation issues of type `duplicate_content` (their definition: marts.reconciliation_issues, _accounting.yml); one row per issue, in the columns every issue type shares. -#}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

duplicate_contents as (

    select
        'duplicate_content' as issue_type,
        transaction_event_id as issue_source_id,
        transaction_id,
        transaction_event_id,
        original_transaction_id as related_transaction_id,
        user_id,
        currency,
        logged_at,
        action,
        cast(null as {{ money_type() }}) as expected_value,
        net_amount as actual_value,
        abs(net_amount) as amount_at_stake,
        'same user, action ' || coalesce(action, '(none)') || ', amount ' || {{ accounting_money_text('amount') }}
            || ', old balance ' || {{ accounting_money_text('old_balance') }}
            || ' and new balance ' || {{ accounting_money_text('new_balance') }}
            || ' as transaction ' || original_transaction_id || ' logged '
            || cast({{ dbt.datediff('original_logged_at', 'logged_at', 'second') }} as {{ dbt.type_string() }})
            || ' s earlier' as details
    from transactions
    where content_rank > 1
        -- unknown is not "the same": blocks cut before their amount or balances never match
        and amount is not null
        and old_balance is not null
        and new_balance is not null

)

select * from duplicate_contents
