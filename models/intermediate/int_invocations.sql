{#-
    One row per invocation: a RequestId with a START line. Start-up crashes
    logged under `undefined` are events, not invocations. The platform
    lines' fields come from int_platform_events_parsed; the REPORT gives the
    durations and memory. is_after_cold_start (doc block of the same name)
    marks the invocation an execution environment served first after its
    INIT_START; has_failed_init an INIT_REPORT with `Status: error` in
    that stretch.

    An invocation lives in one log stream, so in one file: every step is
    keyed on (source_file, request_id). Should a RequestId ever appear in
    two files, the uniqueness test on request_id fails.

    Incremental by log stream (delete+insert on log_stream): a run reads
    the streams in which a file version arrived, changed or left
    (log_streams_to_rebuild); readers keep the file versions loaded now.
-#}
{{ config(
    materialized=incremental_by_file_materialization(),
    incremental_strategy='delete+insert',
    unique_key='log_stream',
    on_schema_change='fail'
) }}
-- read only by incremental runs (the file versions loaded now): depends_on: {{ ref('stg_raw__log_files') }}

with

platform_events as (

    select parsed.*
    from {{ ref('int_platform_events_parsed') }} as parsed
    {{ join_loaded_file_version('parsed') }}
    {% if is_incremental() -%}
        where parsed.log_stream in ({{ log_streams_to_rebuild(this) }})
    {%- endif %}

),

application_events as (

    select source_file, request_id, message_kind, level
    from {{ ref('int_log_events_current') }}
    where event_type = 'application'
        and request_id is not null
    {% if is_incremental() -%}
        and log_stream in ({{ log_streams_to_rebuild(this) }})
    {%- endif %}

),

lifecycle_events as (

    select
        source_file,
        event_order_in_file,
        event_type,
        request_id,
        is_failed_init,
        coalesce(sum(case when event_type = 'start' then 1 else 0 end) over (
            partition by source_file
            order by event_order_in_file
            rows between unbounded preceding and 1 preceding
        ), 0) as starts_before
    from platform_events
    where event_type in ('init_start', 'init_report', 'start')

),

inits_before_start as (

    select
        source_file,
        starts_before,
        bool_or(event_type = 'init_start') as has_init_start,
        bool_or(is_failed_init) as has_failed_init
    from lifecycle_events
    where event_type <> 'start'
    group by source_file, starts_before

),

start_inits as (

    select
        lifecycle_events.source_file,
        lifecycle_events.request_id,
        bool_or(coalesce(inits_before_start.has_init_start, false)) as follows_init_start,
        bool_or(coalesce(inits_before_start.has_failed_init, false)) as has_failed_init
    from lifecycle_events
    left join inits_before_start
        on lifecycle_events.source_file = inits_before_start.source_file
        and lifecycle_events.starts_before = inits_before_start.starts_before
    where lifecycle_events.event_type = 'start'
    group by lifecycle_events.source_file, lifecycle_events.request_id

),

starts as (

    select
        source_file,
        log_stream,
        file_sha256,
        file_loaded_at,
        request_id,
        min(logged_at) as started_at,
        {{ arg_min('function_version', 'logged_at') }} as function_version
    from platform_events
    where event_type = 'start'
        and request_id is not null
    group by source_file, log_stream, file_sha256, file_loaded_at, request_id

),

ends as (

    select source_file, request_id, max(logged_at) as ended_at
    from platform_events
    where event_type = 'end'
        and request_id is not null
    group by source_file, request_id

),

reports as (

    select
        source_file,
        request_id,
        {{ arg_max('duration_ms', 'logged_at') }} as duration_ms,
        {{ arg_max('billed_duration_ms', 'logged_at') }} as billed_duration_ms,
        {{ arg_max('memory_size_mb', 'logged_at') }} as memory_size_mb,
        {{ arg_max('max_memory_used_mb', 'logged_at') }} as max_memory_used_mb,
        max(init_duration_ms) as init_duration_ms,
        {{ arg_max('status', 'logged_at') }} as report_status
    from platform_events
    where event_type = 'report'
        and request_id is not null
    group by source_file, request_id

),

application_counts as (

    select
        source_file,
        request_id,
        count(*) filter (where message_kind = 'processing_message') as message_count,
        count(*) filter (where message_kind = 'transaction_block') as transaction_count,
        count(*) filter (where level = 'ERROR') as error_count,
        count(*) as application_event_count
    from application_events
    group by source_file, request_id

),

final as (

    select
        starts.request_id,
        starts.source_file,
        starts.log_stream,
        starts.file_sha256,
        starts.file_loaded_at,
        starts.started_at,
        ends.ended_at,
        reports.duration_ms,
        reports.billed_duration_ms,
        reports.memory_size_mb,
        reports.max_memory_used_mb,
        reports.init_duration_ms,
        coalesce(start_inits.follows_init_start, false) or reports.init_duration_ms is not null as is_after_cold_start,
        coalesce(start_inits.has_failed_init, false) as has_failed_init,
        reports.report_status,
        starts.function_version,
        coalesce(application_counts.message_count, 0) as message_count,
        coalesce(application_counts.transaction_count, 0) as transaction_count,
        coalesce(application_counts.error_count, 0) as error_count,
        coalesce(application_counts.application_event_count, 0) as application_event_count
    from starts
    left join ends
        on starts.source_file = ends.source_file
        and starts.request_id = ends.request_id
    left join reports
        on starts.source_file = reports.source_file
        and starts.request_id = reports.request_id
    left join application_counts
        on starts.source_file = application_counts.source_file
        and starts.request_id = application_counts.request_id
    left join start_inits
        on starts.source_file = start_inits.source_file
        and starts.request_id = start_inits.request_id

)

select * from final
