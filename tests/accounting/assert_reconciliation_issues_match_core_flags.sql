-- marts.reconciliation_issues holds exactly one issue per flag of the core
-- marts: per currency, as many arithmetic_mismatch / continuity_break /
-- negative_new_balance rows as flagged blocks of marts.transactions, as
-- many sync_mismatch rows as marts.sync_mismatches, as many
-- refused_overdraft rows as refused overdrafts; and duplicate_content and
-- reused_old_balance never both on one block.
with

issues as (

    select * from {{ ref('reconciliation_issues') }}

),

transactions as (

    select * from {{ ref('transactions') }}

),

expected as (

    select 'arithmetic_mismatch' as issue_type, currency, count(*) as issue_count
    from transactions where is_arithmetic_mismatch group by currency
    union all
    select 'continuity_break', currency, count(*)
    from transactions where is_continuity_break group by currency
    union all
    select 'negative_new_balance', currency, count(*)
    from transactions where new_balance < 0 group by currency
    union all
    select 'sync_mismatch', currency, count(*)
    from {{ ref('sync_mismatches') }} group by currency
    union all
    select 'refused_overdraft', currency, count(*)
    from {{ ref('overdrafts') }} where was_blocked group by currency

),

actual as (

    select issue_type, currency, count(*) as issue_count
    from issues
    where issue_type in ('arithmetic_mismatch', 'continuity_break', 'negative_new_balance', 'sync_mismatch', 'refused_overdraft')
    group by issue_type, currency

),

count_differences as (

    select
        coalesce(expected.issue_type, actual.issue_type) as issue_type,
        coalesce(expected.currency, actual.currency) as currency,
        expected.issue_count as expected_count,
        actual.issue_count as actual_count
    from expected
    full outer join actual
        on expected.issue_type = actual.issue_type
        and expected.currency is not distinct from actual.currency
    where expected.issue_count is distinct from actual.issue_count

),

both_duplicate_and_reused as (

    select transaction_event_id, 'both duplicate_content and reused_old_balance' as issue_type,
        cast(null as {{ dbt.type_string() }}) as currency, count(*) as expected_count, count(*) as actual_count
    from issues
    where issue_type in ('duplicate_content', 'reused_old_balance')
    group by transaction_event_id
    having count(*) > 1

)

select issue_type, currency, expected_count, actual_count from count_differences
union all
select issue_type, currency, expected_count, actual_count from both_duplicate_and_reused
