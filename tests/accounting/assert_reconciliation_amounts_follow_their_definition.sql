-- The issue types whose amount_at_stake is not |actual_value - expected_value|
-- follow their documented definition (_accounting.yml), re-derived from
-- marts.transactions:
-- - reused_old_balance: the previous block of the user (and currency), in
--   (logged_at, transaction_id) order, is related_transaction_id;
--   expected_value is its new_balance, actual_value this block's
--   old_balance, which matches the previous old_balance within half a minor
--   unit; amount_at_stake is |previous new_balance - previous old_balance|,
--   the overwritten move (it may differ from |actual - expected| by up to
--   half a minor unit);
-- - type_sign_contradiction: expected_new_balance / new_balance /
--   |new_balance - old_balance| of the block itself.
with

transactions as (

    select
        transaction_event_id,
        transaction_id,
        old_balance,
        new_balance,
        expected_new_balance,
        half_minor_unit,
        lag(transaction_id) over user_order as previous_transaction_id,
        lag(old_balance) over user_order as previous_old_balance,
        lag(new_balance) over user_order as previous_new_balance
    from {{ ref('transactions') }}
    window user_order as (
        partition by user_id, currency
        order by logged_at, transaction_id, transaction_event_id
    )

),

issues as (

    select
        issues.issue_id,
        issues.issue_type,
        issues.transaction_id,
        issues.related_transaction_id,
        issues.expected_value,
        issues.actual_value,
        issues.amount_at_stake,
        transactions.previous_transaction_id,
        transactions.previous_old_balance,
        transactions.previous_new_balance,
        transactions.old_balance,
        transactions.new_balance,
        transactions.expected_new_balance,
        transactions.half_minor_unit
    from {{ ref('reconciliation_issues') }} as issues
    left join transactions
        on issues.transaction_event_id = transactions.transaction_event_id
    where issues.issue_type in ('reused_old_balance', 'type_sign_contradiction')

)

select *
from issues
where not coalesce(
    case issue_type
        when 'reused_old_balance' then
            related_transaction_id = previous_transaction_id
            and expected_value = previous_new_balance
            and actual_value = old_balance
            and abs(actual_value - previous_old_balance) <= half_minor_unit
            and amount_at_stake = abs(previous_new_balance - previous_old_balance)
        when 'type_sign_contradiction' then
            expected_value = expected_new_balance
            and actual_value = new_balance
            and amount_at_stake = abs(new_balance - old_balance)
    end,
    false
)
