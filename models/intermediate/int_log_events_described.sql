{#-
    One row per event counted once (int_log_events_current), with what its
    own file says of it: the user and transaction of its block, refusal or
    sync mismatch, else of its batch item, that item's outcome, and its
    message redacted. marts.log_events shows these rows with is_overdraft,
    which a later file can change (a refusal of the same transaction) and
    the mart therefore joins when it is read.

    Incremental by log stream (delete+insert on log_stream): a run describes
    again the streams in which a file version arrived, changed or left
    (log_streams_to_rebuild).
-#}
{{ config(
    materialized=incremental_by_file_materialization(),
    incremental_strategy='delete+insert',
    unique_key='log_stream',
    on_schema_change='fail'
) }}
-- read only by incremental runs (the file versions loaded now): depends_on: {{ ref('stg_raw__log_files') }}

with

events as (

    select * from {{ ref('int_log_events_current') }}
    {% if is_incremental() -%}
        where log_stream in ({{ log_streams_to_rebuild(this) }})
    {%- endif %}

),

batch_items as (

    select {{ star_except(file_version_columns(), 'summarised') }}
    from {{ ref('int_batch_items_summarised') }} as summarised
    {{ join_loaded_file_version('summarised') }}

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

final as (

    select
        events.event_id,
        events.logged_at,
        events.source_file,
        events.file_sha256,
        events.file_loaded_at,
        events.log_stream,
        events.line_number,
        events.last_line_number,
        events.line_count,
        events.event_order_in_file,
        events.request_id,
        events.message_id,
        events.batch_item_number,
        events.level,
        events.event_type,
        events.message_kind,
        coalesce(events.own_user_id, batch_items.subject_user_id) as user_id,
        coalesce(events.own_transaction_id, batch_items.subject_transaction_id) as transaction_id,
        case when batch_items.subject_transaction_id is not null then batch_items.outcome end as outcome,
        {{ redact_personal_data('events.message', 'events.message_kind') }} as message
    from events_with_own_subject as events
    left join batch_items
        on events.source_file = batch_items.source_file
        and events.request_id = batch_items.request_id
        and events.batch_item_number = batch_items.batch_item_number

)

select * from final
