{#-
    One row per reconciliation issue: a transaction (or a sync mismatch, or
    a refused attempt) that breaks one rule. A transaction can have several
    issues of different types; an issue type never repeats for one row of
    its source. amount_at_stake is defined per type in _accounting.yml.
-#}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

sync_mismatches as (

    select *, event_id as sync_mismatch_id from {{ ref('int_sync_mismatches_linked') }}

),

overdrafts as (

    select * from {{ ref('int_overdrafts') }}

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
            || ') by ' || {{ accounting_money_text('balance_difference') }} as details,
    from transactions
    where is_arithmetic_mismatch

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
            end as details,
    from transactions
    where is_continuity_break

),

sync_mismatch_issues as (

    select
        'sync_mismatch' as issue_type,
        sync_mismatch_id as issue_source_id,
        transaction_id,
        transaction_event_id,
        cast(null as {{ dbt.type_string() }}) as related_transaction_id,
        user_id,
        currency,
        logged_at,
        cast(null as {{ dbt.type_string() }}) as action,
        payment_balance as expected_value,
        subscription_balance as actual_value,
        abs(difference) as amount_at_stake,
        'subscription balance ' || {{ accounting_money_text('subscription_balance') }}
            || ' and payment balance ' || {{ accounting_money_text('payment_balance') }}
            || ' differ by ' || {{ accounting_money_text('difference') }}
            || case when transaction_event_id is null then '; no transaction block linked' else '' end as details,
    from sync_mismatches

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
            || {{ accounting_money_text('old_balance') }} || ', outcome ' || outcome || ')' as details,
    from transactions
    where new_balance < 0

),

first_block_per_transaction_id as (

    select
        transaction_id,
        min(transaction_event_id) as transaction_event_id,
    from transactions
    where transaction_id in (select transaction_id from overdrafts where was_blocked)
    group by transaction_id

),

refused_overdrafts as (

    select
        'refused_overdraft' as issue_type,
        overdrafts.transaction_id as issue_source_id,
        overdrafts.transaction_id,
        first_block_per_transaction_id.transaction_event_id,
        cast(null as {{ dbt.type_string() }}) as related_transaction_id,
        overdrafts.user_id,
        overdrafts.currency,
        overdrafts.occurred_at as logged_at,
        overdrafts.action,
        cast(0 as {{ money_type() }}) as expected_value,
        overdrafts.balance_after as actual_value,
        overdrafts.overdraft_amount as amount_at_stake,
        'refused by the service: balance ' || {{ accounting_money_text('overdrafts.balance_before') }}
            || case
                when overdrafts.balance_after is null then ' would have gone below zero (new balance not logged)'
                else ' would have become ' || {{ accounting_money_text('overdrafts.balance_after') }}
            end
            || case when overdrafts.has_transaction_block then '' else '; no transaction block logged' end as details,
    from overdrafts
    left join first_block_per_transaction_id
        on overdrafts.transaction_id = first_block_per_transaction_id.transaction_id
    where overdrafts.was_blocked

),

content_ranked as (

    select
        *,
        row_number() over same_content as content_rank,
        first_value(transaction_id) over same_content as original_transaction_id,
        first_value(logged_at) over same_content as original_logged_at,
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
            || ' s earlier' as details,
    from content_ranked
    where content_rank > 1
        -- unknown is not "the same": blocks cut before their amount or balances never match
        and amount is not null
        and old_balance is not null
        and new_balance is not null

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
            || ' it overwrites' as details,
    from content_ranked
    where content_rank = 1
        and abs(old_balance - previous_old_balance) <= half_minor_unit
        and abs(previous_balance_move) > half_minor_unit
        and not is_previous_refused

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
            || ' to ' || {{ accounting_money_text('new_balance') }} as details,
    from transactions
    where not is_type_inferred
        and (
            (transaction_type = 'CREDIT' and balance_move < -half_minor_unit)
            or (transaction_type = 'DEBIT' and balance_move > half_minor_unit)
        )

),

all_issues as (

    select * from arithmetic_mismatches
    union all
    select * from continuity_breaks
    union all
    select * from sync_mismatch_issues
    union all
    select * from negative_new_balances
    union all
    select * from refused_overdrafts
    union all
    select * from duplicate_contents
    union all
    select * from reused_old_balances
    union all
    select * from type_sign_contradictions

),

final as (

    select
        {{ accounting_key(['issue_type', 'issue_source_id']) }} as issue_id,
        issue_type,
        transaction_id,
        transaction_event_id,
        related_transaction_id,
        user_id,
        currency,
        logged_at,
        cast(logged_at as date) as issue_date,
        action,
        expected_value,
        actual_value,
        amount_at_stake,
        details,
    from all_issues

)

select * from final
