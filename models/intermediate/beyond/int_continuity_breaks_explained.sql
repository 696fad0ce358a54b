{#-
    One row per transaction block (int_transactions_evaluated), with the
    cause of its continuity break: exactly one cause for every break, null
    for a block that does not break the chain. The causes and their
    evidence are the doc block continuity_break_cause
    (models/intermediate/beyond/beyond_docs.md); they are tried in that
    order and the first that fits is the cause.
-#}
with

transactions as (

    select * from {{ ref('int_transactions_evaluated') }}

),

log_files as (

    select * from {{ ref('stg_raw__log_files') }}

),

-- the days of streams with a file whose lines no mart counts: rejected or
-- retired, unless the same bytes are loaded under another name (a copy)
rejected_stream_days as (

    select distinct {{ log_stream_day('source_file') }} as stream_day
    from log_files
    where status in ('rejected', 'retired')
        and not exists (
            select 1
            from log_files as loaded_files
            where loaded_files.status = 'loaded'
                and loaded_files.sha256 = log_files.sha256
        )

),

neighbours as (

    select
        event_id,
        transaction_id,
        user_id,
        currency,
        logged_at,
        old_balance,
        new_balance,
        amount,
        action,
        previous_new_balance,
        continuity_gap,
        is_continuity_break,
        half_minor_unit,
        lag(transaction_id) over user_history as previous_transaction_id,
        lag(logged_at) over user_history as previous_logged_at,
        lag(old_balance) over user_history as previous_old_balance,
        lag(amount) over user_history as previous_amount,
        lag(action) over user_history as previous_action,
        lag(outcome) over user_history as previous_outcome,
        lag(new_balance, 2) over user_history as second_previous_new_balance,
        lead(old_balance) over user_history as next_old_balance,
        lead(new_balance) over user_history as next_new_balance
    from transactions
    window user_history as (
        partition by user_id, currency
        order by logged_at, transaction_id, event_id
    )

),

evidence as (

    select
        neighbours.*,
        coalesce(abs(old_balance - previous_old_balance) <= half_minor_unit, false) as starts_from_previous_old_balance,
        -- the previous transaction's content again: amount, action and both balances
        coalesce(
            amount = previous_amount
            and new_balance = previous_new_balance
            and old_balance = previous_old_balance
            and action is not distinct from previous_action,
            false
        ) as repeats_previous_transaction,
        -- swapped with the next one: previous -> next -> this one chains
        coalesce(
            abs(next_old_balance - previous_new_balance) <= half_minor_unit
            and abs(old_balance - next_new_balance) <= half_minor_unit,
            false
        )
        -- swapped with the previous one: second previous -> this one -> previous chains
        or coalesce(
            abs(old_balance - second_previous_new_balance) <= half_minor_unit
            and abs(previous_old_balance - new_balance) <= half_minor_unit,
            false
        ) as chains_when_swapped_with_a_neighbour,
        exists(
            select 1
            from rejected_stream_days
            where rejected_stream_days.stream_day
                between cast(neighbours.previous_logged_at as date) and cast(neighbours.logged_at as date)
        ) as has_rejected_file_between
    from neighbours

),

explained as (

    select
        event_id as transaction_event_id,
        transaction_id,
        user_id,
        currency,
        logged_at,
        previous_transaction_id,
        previous_logged_at,
        previous_outcome,
        continuity_gap,
        case
            when not is_continuity_break then null
            when previous_outcome = 'blocked_negative_balance' and starts_from_previous_old_balance
                then 'refused_attempt'
            when repeats_previous_transaction then 'duplicate'
            when starts_from_previous_old_balance then 'lost_update'
            when chains_when_swapped_with_a_neighbour then 'reordered'
            when has_rejected_file_between then 'missing_or_rejected_file'
            else 'unexplained'
        end as continuity_break_cause
    from evidence

)

select * from explained
