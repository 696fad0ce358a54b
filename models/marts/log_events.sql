{#-
    One row per log event. Incremental by input file (macros/incremental_files.sql):
    every column comes from the event's own file except is_overdraft (its
    transaction id is in marts.overdrafts), which depends on refusals and
    balances anywhere; the post-hook brings it up to date on every row after
    each run.
-#}
{{ config(post_hook="{{ refresh_log_events_is_overdraft() }}") }}

with

events as (

    select * from {{ ref('int_log_events_classified') }}
    {{ file_local_filter() }}

),

batch_items as (

    select * from {{ ref('int_batch_items_summarised') }}
    {{ file_local_filter() }}

),

transactions as (

    select * from {{ ref('int_transactions_parsed') }}
    {{ file_local_filter() }}

),

refusals as (

    select * from {{ ref('int_negative_balance_refusals') }}
    {{ file_local_filter() }}

),

sync_mismatches as (

    select * from {{ ref('int_sync_mismatches_linked') }}
    {{ file_local_filter() }}

),

overdraft_transaction_ids as (

    select transaction_id from {{ ref('overdrafts') }}

),

events_with_own_subject as (

    select
        events.*,
        coalesce(transactions.user_id, refusals.user_id, sync_mismatches.user_id) as own_user_id,
        coalesce(transactions.transaction_id, refusals.transaction_id, sync_mismatches.transaction_id)
            as own_transaction_id,
    from events
    left join transactions
        on events.event_id = transactions.event_id
    left join refusals
        on events.event_id = refusals.event_id
    left join sync_mismatches
        on events.event_id = sync_mismatches.event_id

),

events_in_context as (

    select
        events_with_own_subject.*,
        coalesce(events_with_own_subject.own_user_id, batch_items.subject_user_id) as user_id,
        coalesce(events_with_own_subject.own_transaction_id, batch_items.subject_transaction_id) as transaction_id,
        case when batch_items.subject_transaction_id is not null then batch_items.outcome end as outcome,
    from events_with_own_subject
    left join batch_items
        on events_with_own_subject.source_file = batch_items.source_file
        and events_with_own_subject.request_id = batch_items.request_id
        and events_with_own_subject.batch_item_number = batch_items.batch_item_number

),

final as (

    select
        events_in_context.event_id,
        events_in_context.logged_at,
        events_in_context.source_file,
        events_in_context.line_number,
        events_in_context.last_line_number,
        events_in_context.line_count,
        events_in_context.event_order_in_file,
        events_in_context.request_id,
        events_in_context.message_id,
        events_in_context.batch_item_number,
        events_in_context.level,
        events_in_context.event_type,
        events_in_context.message_kind,
        events_in_context.user_id,
        events_in_context.transaction_id,
        overdraft_transaction_ids.transaction_id is not null as is_overdraft,
        events_in_context.outcome,
        {{ redact_personal_data('events_in_context.message', 'events_in_context.message_kind') }} as message,
    from events_in_context
    left join overdraft_transaction_ids
        on events_in_context.transaction_id = overdraft_transaction_ids.transaction_id

)

select * from final
