{#- Reconciliation issues of type `duplicate_content` (their definition: marts.reconciliation_issues, _accounting.yml); one row per issue, in the columns every issue type shares. -#}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

-- the user's transactions of the same content (user, currency, action,
-- amount, old and new balance) in the order of the continuity rule
content_ranked as (

    select
        *,
        row_number() over same_content as content_rank,
        first_value(transaction_id) over same_content as original_transaction_id,
        first_value(logged_at) over same_content as original_logged_at
    from transactions
    window same_content as (
        partition by user_id, currency, action, amount, old_balance, new_balance
        order by logged_at, transaction_id, transaction_event_id
    )

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
    from content_ranked
    where content_rank > 1
        -- unknown is not "the same": blocks cut before their amount or balances never match
        and amount is not null
        and old_balance is not null
        and new_balance is not null

)

select * from duplicate_contents
