{#-
    One row per event of the loaded text (int_log_events_assembled), typed
    from its text alone: timestamp, event type, request id, level, message
    and its kind, the id of a `Processing message <id>` line, and the hash
    of the text (the event's identity, doc block event_identity). No window
    and no join: a view whose rows int_log_events_classified reads file by
    file, its filter on source_file reaching the scan of raw.log_events.
    On Spark a table: a Spark view cannot call the session's temporary
    functions (macros/spark/prepare_engine.sql) that the patterns use.
-#}
{{ config(materialized='table' if target.type == 'spark' else 'view') }}

with

events_split as (

    select
        source_file,
        line_number,
        last_line_number,
        line_count,
        event_number_in_file,
        event_text,
        {{ text_hash('event_text') }} as text_hash,
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
    from {{ ref('int_log_events_assembled') }}

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
        -- an application line's level; a line of no known layout (event type
        -- `other`, e.g. the runtime's "Unknown application error occurred")
        -- takes the first level word of its first line, if any
        case
            when event_type = 'application' then application_parts.level
            when event_type = 'other' then nullif(replace(upper(regexp_extract(
                split_part(message, chr(10), 1),
                '(?i)\b(fatal|error|warn|warning|info|debug|trace)\b',
                1
            )), 'WARNING', 'WARN'), '')
        end as level
    from events_typed

),

events_with_kind as (

    select
        *,
        {{ message_kind('event_type', 'message') }} as message_kind
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

)

select * from events_with_message_id
