-- One row per reconciliation issue, in the shape of the planned
-- marts.reconciliation_issues (issue_type, transaction_id, user_id, currency,
-- logged_at, expected_value, actual_value, amount_at_stake, details).
-- Until that mart exists the rows come from the core marts' flags:
--   arithmetic_mismatch  marts.transactions.is_arithmetic_mismatch
--   continuity_break     marts.transactions.is_continuity_break
--   sync_mismatch        marts.sync_mismatches
--   negative_new_balance marts.transactions with new_balance < 0
--   refused_overdraft    marts.overdrafts the service refused (was_blocked)
-- (a refused transaction that still logged a negative new balance has both).
-- When marts.reconciliation_issues lands, replace this whole query with a plain
-- select of those columns from it (the pages need nothing else).
-- Bounded: the latest 100,000 issues; reconciliation_summary.sql is exact.
with

transactions as (
    select * from marts.transactions
),

sync_mismatches as (
    select * from marts.sync_mismatches
),

overdrafts as (
    select * from marts.overdrafts
),

arithmetic_mismatches as (
    select
        'arithmetic_mismatch' as issue_type,
        transaction_id,
        user_id,
        currency,
        logged_at,
        expected_new_balance as expected_value,
        new_balance as actual_value,
        abs(balance_difference) as amount_at_stake,
        'new balance differs from old balance ' || case when transaction_type = 'CREDIT' then '+' else '-' end
            || ' net amount' as details,
    from transactions
    where is_arithmetic_mismatch
),

continuity_breaks as (
    select
        'continuity_break' as issue_type,
        transaction_id,
        user_id,
        currency,
        logged_at,
        previous_new_balance as expected_value,
        old_balance as actual_value,
        abs(continuity_gap) as amount_at_stake,
        'old balance differs from the previous transaction''s new balance' as details,
    from transactions
    where is_continuity_break
),

sync_mismatch_issues as (
    select
        'sync_mismatch' as issue_type,
        transaction_id,
        user_id,
        currency,
        logged_at,
        payment_balance as expected_value,
        subscription_balance as actual_value,
        abs(difference) as amount_at_stake,
        'subscription balance and payment balance disagree' as details,
    from sync_mismatches
),

negative_balance_issues as (
    select
        'negative_new_balance' as issue_type,
        transaction_id,
        user_id,
        currency,
        logged_at,
        cast(0 as decimal(24, 8)) as expected_value,
        new_balance as actual_value,
        -new_balance as amount_at_stake,
        'new balance below zero' || coalesce(' (' || action || ')', '') as details,
    from transactions
    where new_balance < 0
),

refused_overdraft_issues as (
    select
        'refused_overdraft' as issue_type,
        transaction_id,
        user_id,
        currency,
        occurred_at as logged_at,
        cast(0 as decimal(24, 8)) as expected_value,
        balance_after as actual_value,
        overdraft_amount as amount_at_stake,
        'refused by the service: balance would go below zero' || coalesce(' (' || action || ')', '') as details,
    from overdrafts
    where was_blocked
),

all_issues as (
    select * from arithmetic_mismatches
    union all by name
    select * from continuity_breaks
    union all by name
    select * from sync_mismatch_issues
    union all by name
    select * from negative_balance_issues
    union all by name
    select * from refused_overdraft_issues
)

select * from all_issues
order by logged_at desc, issue_type, transaction_id
limit 100000
