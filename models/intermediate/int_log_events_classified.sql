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
        source_file,
        line_number,
        last_line_number,
        line_count,
        event_number_in_file,
        event_text,
        case when event_number_in_file > 0 then try_cast(left(event_text, 23) as timestamp) end as logged_at,
        -- an application line: `<ts> <ts>\t<request id>\t<LEVEL>\t<message>`;
        -- the prefix up to the message, request id and level (the 25
        -- characters of the ingestion timestamp and its space come first)
        case when event_number_in_file > 0 then {{ regexp_extract_struct(
            'event_text',
            '^.{25}(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t([^\\t\\n]*)\\t([A-Z]+)\\t)',
            ['prefix', 'request_id', 'level'],
            dot_all=true
        ) }} end as application_parts
    from assembled_events

),

events_typed as (

    select
        *,
        case
            when event_number_in_file = 0 then 'other'
            when application_parts.level <> '' then 'application'
            when substr(event_text, 26, 17) = 'START RequestId: ' then 'start'
            when substr(event_text, 26, 15) = 'END RequestId: ' then 'end'
            when substr(event_text, 26, 18) = 'REPORT RequestId: ' then 'report'
            when substr(event_text, 26, 10) = 'INIT_START' then 'init_start'
            when substr(event_text, 26, 11) = 'INIT_REPORT' then 'init_report'
            when substr(event_text, 26, 7) = '{"_aws"' then 'metric'
            else 'other'
        end as event_type,
        -- the message: after the level of an application line, after the
        -- timestamp of a platform line, the whole text of lines before the
        -- first event start. (A capture of the message itself would cost RE2
        -- a slow pass over the whole text; substr copies it.)
        substr(event_text, case
            when event_number_in_file = 0 then 1
            when application_parts.level <> '' then 26 + length(application_parts.prefix)
            else 26
        end) as message
    from events_split

),

events_with_message as (

    select
        {{ star_except(['event_text', 'application_parts']) }},
        case
            when event_type = 'application' then nullif(nullif(application_parts.request_id, 'undefined'), '')
            when event_type in ('start', 'end', 'report')
                then nullif(regexp_extract(message, '^[A-Z]+ RequestId: (\S+)', 1), '')
        end as request_id,
        case when event_type = 'application' then application_parts.level end as level
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
                and message like '%Subscriber will have a negative balance due to this action%'
                then 'negative_balance_refusal'
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
        end as message_kind
    from events_with_message

),

events_with_message_id as (

    select
        *,
        case
            when message_kind = 'processing_message'
                then nullif(regexp_extract(message, '^Processing message (\S+)', 1), '')
        end as processed_message_id
    from events_with_kind

),

events_ordered as (

    select
        *,
        row_number() over (
            partition by source_file
            order by logged_at nulls first, line_number
        ) as event_order_in_file
    from events_with_message_id

),

events_in_batch_context as (

    select
        *,
        case when request_id is not null then
            {{ last_value_ignore_nulls('processed_message_id') }} over request_so_far
        end as message_id,
        case when request_id is not null then
            count(processed_message_id) over request_so_far
        end as batch_item_number
    from events_ordered
    window request_so_far as (
        partition by source_file, request_id
        order by event_order_in_file
        rows between unbounded preceding and current row
    )

),

final as (

    select
        md5(source_file || ':' || cast(line_number as {{ dbt.type_string() }})) as event_id,
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
        batch_item_number
    from events_in_batch_context

)

select * from final
