{#-
    One row per log event, classified: event type (platform line or
    application line), request id, level, application message and its kind,
    the event's place in its file in time order, and its batch item (the
    `Processing message <id>` that precedes it in the same request).

    Chunks of a file are not in time order, so events are ordered by
    timestamp with the file order breaking ties (stable), and everything is
    keyed on the request id, never on position alone.
-#}
with

assembled_events as (

    select * from {{ ref('int_log_events_assembled') }}
    {{ file_local_filter() }}

),

events_split as (

    select
        *,
        case when event_number_in_file > 0 then try_cast(left(event_text, 23) as timestamp) end as logged_at,
        case when event_number_in_file > 0 then substr(event_text, 26) else event_text end as event_body,
    from assembled_events

),

application_parts_extracted as (

    select
        *,
        case when event_number_in_file > 0 then regexp_extract(
            event_body,
            '^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\t([^\t\n]*)\t([A-Z]+)\t(.*)$',
            ['application_logged_at', 'request_id', 'level', 'message'],
            's'
        ) end as application_parts,
    from events_split

),

events_typed as (

    select
        *,
        case
            when event_number_in_file = 0 then 'other'
            when application_parts.level <> '' then 'application'
            when starts_with(event_body, 'START RequestId: ') then 'start'
            when starts_with(event_body, 'END RequestId: ') then 'end'
            when starts_with(event_body, 'REPORT RequestId: ') then 'report'
            when starts_with(event_body, 'INIT_START') then 'init_start'
            when starts_with(event_body, 'INIT_REPORT') then 'init_report'
            when starts_with(event_body, '{"_aws"') then 'metric'
            else 'other'
        end as event_type,
    from application_parts_extracted

),

events_with_message as (

    select
        * exclude (event_text, event_body, application_parts),
        case
            when event_type = 'application' then nullif(nullif(application_parts.request_id, 'undefined'), '')
            when event_type in ('start', 'end', 'report')
                then nullif(regexp_extract(event_body, '^[A-Z]+ RequestId: (\S+)', 1), '')
        end as request_id,
        case when event_type = 'application' then application_parts.level end as level,
        case when event_type = 'application' then application_parts.message else event_body end as message,
    from events_typed

),

events_with_kind as (

    select
        *,
        case
            when event_type <> 'application' then event_type
            when starts_with(message, 'Processing message ') then 'processing_message'
            when starts_with(message, 'Start syncing the balance') then 'transaction_block'
            when starts_with(message, 'SubscriptionBalanceUpdated event published') then 'balance_update_published'
            when starts_with(message, 'Subscription balance and payment balance are not in sync') then 'sync_mismatch'
            when starts_with(message, 'Skipping the balance sync for create') then 'skipped_create_subscription'
            when starts_with(message, 'Skipping the process, balance is already synced from other listeners')
                or starts_with(message, 'Balance is already synced from other listeners') then 'already_synced'
            when starts_with(message, 'Skipping the process, Update Payment Balance Flag is set to false')
                then 'skipped_update_payment_balance_false'
            when starts_with(message, '{')
                and message like '%Subscriber will have a negative balance due to this action%' then 'negative_balance_refusal'
            when starts_with(message, 'An error occured while syncing the balance')
                or starts_with(message, 'An error occurred while syncing the balance') then 'sync_error'
            when starts_with(message, 'Uncaught Exception') then 'uncaught_exception'
            when starts_with(message, 'Invoke Error') then 'invoke_error'
            when starts_with(message, 'Transaction Lock created') then 'transaction_lock_created'
            when starts_with(message, 'Sending slack notification') then 'slack_notification'
            when regexp_matches(message, '^transaction\s*[{\[]') then 'debug_transaction_dump'
            when regexp_matches(message, '^record\.body\s*[{\[]') then 'debug_record_body_dump'
            when regexp_matches(message, '^record\s*[{\[]') then 'debug_record_dump'
            else 'other'
        end as message_kind,
    from events_with_message

),

events_ordered as (

    select
        *,
        row_number() over (
            partition by source_file
            order by logged_at nulls first, line_number
        ) as event_order_in_file,
        case
            when message_kind = 'processing_message'
                then nullif(regexp_extract(message, '^Processing message (\S+)', 1), '')
        end as processed_message_id,
        case
            when message_kind = 'transaction_block'
                then {{ inspect_text(inspect_raw_value('message', 'id')) }}
        end as block_transaction_id,
    from events_with_kind

),

events_in_batch_context as (

    select
        *,
        case when request_id is not null then
            last_value(processed_message_id ignore nulls) over request_so_far
        end as message_id,
        case when request_id is not null then
            count(processed_message_id) over request_so_far
        end as batch_item_number,
    from events_ordered
    window request_so_far as (
        partition by source_file, request_id
        order by event_order_in_file
        rows between unbounded preceding and current row
    )

),

final as (

    select
        md5(source_file || ':' || line_number::varchar) as event_id,
        source_file,
        line_number,
        last_line_number,
        line_count,
        event_number_in_file,
        event_order_in_file,
        logged_at,
        event_type,
        request_id,
        level,
        message_kind,
        message,
        message_id,
        batch_item_number,
        block_transaction_id,
    from events_in_batch_context

)

select * from final
