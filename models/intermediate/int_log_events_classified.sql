{#-
    One row per log event of every file version classified so far: event
    type, request id, level, message and its kind, the event's place in its
    file in time order (timestamp, file order breaking ties: chunks of a file
    are not in time order), its batch item (the `Processing message <id>`
    before it in the same request) and its identity (doc block
    event_identity).

    Incremental by file (delete+insert on source_file): a run classifies the
    file versions it has no rows of; readers read int_log_events_current.
-#}
{{ config(
    materialized=incremental_by_file_materialization(),
    incremental_strategy='delete+insert',
    unique_key='source_file',
    on_schema_change='fail'
) }}

with

loaded_files as (

    select source_file, log_stream, sha256
    from {{ ref('stg_raw__log_files') }}
    where status = 'loaded'
    {% if is_incremental() -%}
        and source_file || ':' || sha256 not in (
            select distinct source_file || ':' || file_sha256 from {{ this }}
        )
    {%- endif %}

),

assembled_events as (

    -- the files' stream and version are joined at the end (final), which
    -- keeps the loaded files only: carried through the windows below they
    -- would cost more than the join. An incremental run reads the new
    -- files' events only.
    select events.*
    from {{ ref('int_log_events_assembled') }} as events
    {% if is_incremental() -%}
        where events.source_file in (select loaded_files.source_file from loaded_files)
    {%- endif %}

),

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

),

events_ordered as (

    select
        *,
        -- bigint on every engine (Spark's row_number is an int)
        cast(row_number() over (
            partition by source_file
            order by logged_at nulls first, line_number
        ) as bigint) as event_order_in_file
    from events_with_message_id

),

-- identity of the event (doc block event_identity): its stream, its text
-- (timestamp included) and its occurrence among identical texts in the
-- file. A text seldom repeats within a file (it starts with the time to
-- the millisecond), so only repeated texts are numbered; every other event
-- is the first occurrence of its text.
repeated_texts as (

    select source_file, text_hash
    from events_with_message_id
    group by source_file, text_hash
    having count(*) > 1

),

repeated_text_occurrences as (

    select
        events_with_message_id.source_file,
        events_with_message_id.line_number,
        cast(row_number() over (
            partition by events_with_message_id.source_file, events_with_message_id.text_hash
            order by events_with_message_id.line_number
        ) as bigint) as occurrence_in_file
    from events_with_message_id
    inner join repeated_texts
        on events_with_message_id.source_file = repeated_texts.source_file
        and events_with_message_id.text_hash = repeated_texts.text_hash

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
        {{ text_hash("events.source_file || ':' || cast(events.line_number as " ~ dbt.type_string() ~ ")") }}
            as event_id,
        events.source_file,
        loaded_files.log_stream,
        loaded_files.sha256 as file_sha256,
        events.line_number,
        events.last_line_number,
        events.line_count,
        events.event_number_in_file,
        events.event_order_in_file,
        events.text_hash,
        coalesce(repeated_text_occurrences.occurrence_in_file, 1) as occurrence_in_file,
        events.logged_at,
        events.event_type,
        events.request_id,
        events.level,
        events.message_kind,
        events.message,
        events.message_id,
        events.batch_item_number
    from events_in_batch_context as events
    inner join loaded_files
        on events.source_file = loaded_files.source_file
    left join repeated_text_occurrences
        on events.source_file = repeated_text_occurrences.source_file
        and events.line_number = repeated_text_occurrences.line_number

)

select * from final
