with

transactions as (

    select * from {{ ref('transactions') }}

),

break_causes as (

    select * from {{ ref('continuity_break_causes') }}

),

cause_mismatches as (

    select
        transaction_event_id as problem_key,
        'cause does not match is_continuity_break' as problem
    from transactions
    where (is_continuity_break and continuity_break_cause is null)
        or (not is_continuity_break and continuity_break_cause is not null)

),

counted as (

    select continuity_break_cause, currency, count(*) as break_count
    from transactions
    where is_continuity_break
    group by continuity_break_cause, currency

),

count_mismatches as (

    select
        coalesce(counted.continuity_break_cause, break_causes.continuity_break_cause) as problem_key,
        'break count differs from marts.continuity_break_causes' as problem
    from counted
    full outer join break_causes
        on counted.continuity_break_cause = break_causes.continuity_break_cause
        and counted.currency is not distinct from break_causes.currency
    where counted.break_count is distinct from break_causes.break_count

)

select * from cause_mismatches
union all
select * from count_mismatches
