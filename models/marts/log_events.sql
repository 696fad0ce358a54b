{#-
    One row per log event of the loaded files, with the user and transaction
    of its batch item, whether that transaction is an overdraft
    (int_overdrafts), and its message redacted.
-#}

with

events as (

    select * from {{ ref('int_log_events_current') }}

),

batch_items as (

    select * from {{ ref('int_batch_items_summarised') }}

),

transactions as (

    select * from {{ ref('int_transactions_parsed') }}

),

refusals as (

    select * from {{ ref('int_negative_balance_refusals') }}

),

sync_mismatches as (

    select * from {{ ref('int_sync_mismatches_linked') }}

),

overdraft_transaction_ids as (

    select transaction_id from {{ ref('int_overdrafts') }}

),

events_with_own_subject as (

    select
        events.*,
        coalesce(transactions.user_id, refusals.user_id, sync_mismatches.user_id) as own_user_id,
        coalesce(transactions.transaction_id, refusals.transaction_id, sync_mismatches.transaction_id)
            as own_transaction_id
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
        case when batch_items.subject_transaction_id is not null then batch_items.outcome end as outcome
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
        {{ redact_personal_data('events_in_context.message', 'events_in_context.message_kind') }} as message
    from events_in_context
    left join overdraft_transaction_ids
        on events_in_context.transaction_id = overdraft_transaction_ids.transaction_id

)

select * from final
