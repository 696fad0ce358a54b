{#-
    "Did we lose money?" per currency, in one table. One row per currency
    and line: the balance moves no transaction explains (the roll-forward's
    parts, which add up), then each reconciliation issue type with its
    signed effect and the money at stake. Signs: + means subscriber
    balances hold more than their transactions explain, - less.
-#}
with

monthly_balances as (

    select * from {{ ref('monthly_balances') }}

),

reconciliation_issues as (

    select * from {{ ref('reconciliation_issues') }}

),

transactions as (

    select transaction_event_id, balance_move
    from {{ ref('int_accounting_transactions_sequenced') }}

),

roll_forward_parts as (

    select
        currency,
        sum(continuity_gap_total) filter (where credit_count + debit_count > 0) as continuity_gap_within_months,
        sum(arithmetic_difference_total) filter (where credit_count + debit_count > 0) as arithmetic_difference,
        sum(coalesce(opening_gap, 0)) as gap_between_months,
        sum(ledger_chain_break_count) as ledger_chain_break_count,
        count(distinct user_id) filter (where ledger_chain_break_count > 0) as users_with_ledger_chain_break,
        sum(arithmetic_mismatch_count) as arithmetic_mismatch_count,
        count(distinct user_id) filter (where arithmetic_mismatch_count > 0) as users_with_arithmetic_mismatch,
        count(*) filter (where coalesce(opening_gap, 0) <> 0) as months_with_opening_gap,
        count(distinct user_id) filter (where coalesce(opening_gap, 0) <> 0) as users_with_opening_gap
    from monthly_balances
    group by currency

),

roll_forward_lines as (

    select currency, 'roll_forward' as line_group, 'continuity_gap_within_months' as line_item, 1 as line_order,
        ledger_chain_break_count as item_count, users_with_ledger_chain_break as user_count,
        continuity_gap_within_months as signed_amount, abs(continuity_gap_within_months) as amount_at_stake
    from roll_forward_parts
    union all
    select currency, 'roll_forward', 'arithmetic_difference', 2,
        arithmetic_mismatch_count, users_with_arithmetic_mismatch,
        arithmetic_difference, abs(arithmetic_difference)
    from roll_forward_parts
    union all
    select currency, 'roll_forward', 'gap_between_months', 3,
        months_with_opening_gap, users_with_opening_gap,
        gap_between_months, abs(gap_between_months)
    from roll_forward_parts

),

issues_signed as (

    select
        reconciliation_issues.currency,
        reconciliation_issues.issue_type,
        reconciliation_issues.user_id,
        reconciliation_issues.amount_at_stake,
        case
            -- a second posting of the same content: the move it made
            when reconciliation_issues.issue_type = 'duplicate_content' then transactions.balance_move
            else reconciliation_issues.actual_value - reconciliation_issues.expected_value
        end as signed_amount
    from reconciliation_issues
    left join transactions
        on reconciliation_issues.transaction_event_id = transactions.transaction_event_id

),

issue_lines as (

    select
        currency,
        'issue' as line_group,
        issue_type as line_item,
        10 + case issue_type
            when 'continuity_break' then 1
            when 'arithmetic_mismatch' then 2
            when 'duplicate_content' then 3
            when 'reused_old_balance' then 4
            when 'type_sign_contradiction' then 5
            when 'negative_new_balance' then 6
            when 'refused_overdraft' then 7
            when 'sync_mismatch' then 8
            else 9
        end as line_order,
        count(*) as item_count,
        count(distinct user_id) as user_count,
        sum(signed_amount) as signed_amount,
        sum(amount_at_stake) as amount_at_stake
    from issues_signed
    group by all

),

final as (

    select * from roll_forward_lines
    union all
    select * from issue_lines

)

select
    currency,
    line_group,
    line_item,
    cast(line_order as integer) as line_order,
    cast(item_count as bigint) as item_count,
    cast(user_count as bigint) as user_count,
    cast(signed_amount as decimal(38, 12)) as signed_amount,
    cast(amount_at_stake as decimal(38, 12)) as amount_at_stake
from final
