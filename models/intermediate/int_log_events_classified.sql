{#-
    One row per log event of every file version classified so far: its
    type, request id, level, message and kind (int_log_events_typed), the
    event's place in its
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

typed_events as (

    -- the files' stream and version are joined at the end (final), which
    -- keeps the loaded files only: carried through the windows below they
    -- would cost more than the join. An incremental run reads the new
    -- files' events only.
    select events.*
    from {{ ref('int_log_events_typed') }} as events
    {% if is_incremental() -%}
        where events.source_file in (select loaded_files.source_file from loaded_files)
    {%- endif %}

),

events_ordered as (

    select
        *,
        -- bigint on every engine (Spark's row_number is an int)
        cast(row_number() over (
            partition by source_file
            order by logged_at nulls first, line_number
        ) as bigint) as event_order_in_file
    from typed_events

),

-- identity of the event (doc block event_identity): its stream, its text
-- (timestamp included) and its occurrence among identical texts in the
-- file. A text seldom repeats within a file (it starts with the time to
-- the millisecond), so only repeated texts are numbered; every other event
-- is the first occurrence of its text.
repeated_texts as (

    select source_file, text_hash
    from typed_events
    group by source_file, text_hash
    having count(*) > 1

),

repeated_text_occurrences as (

    select
        typed_events.source_file,
        typed_events.line_number,
        cast(row_number() over (
            partition by typed_events.source_file, typed_events.text_hash
            order by typed_events.line_number
        ) as bigint) as occurrence_in_file
    from typed_events
    inner join repeated_texts
        on typed_events.source_file = repeated_texts.source_file
        and typed_events.text_hash = repeated_texts.text_hash

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
