{#-
    One row per invocation: a RequestId with a START line. Start-up crashes
    logged under `undefined` are events, not invocations. REPORT gives the
    durations and memory; an `Init Duration` in it marks a cold start.
-#}
with

events as (

    select * from {{ ref('int_log_events_classified') }}
    where request_id is not null

),

starts as (

    select
        request_id,
        arg_min(source_file, logged_at) as source_file,
        min(logged_at) as started_at,
        arg_min(regexp_extract(message, 'Version: (\S+)', 1), logged_at) as function_version,
    from events
    where event_type = 'start'
    group by request_id

),

ends as (

    select request_id, max(logged_at) as ended_at
    from events
    where event_type = 'end'
    group by request_id

),

reports_parsed as (

    select
        request_id,
        logged_at,
        try_cast(regexp_extract(message, '\tDuration: ([0-9.]+) ms', 1) as decimal(18, 3)) as duration_ms,
        try_cast(regexp_extract(message, 'Billed Duration: ([0-9]+) ms', 1) as bigint) as billed_duration_ms,
        try_cast(regexp_extract(message, 'Memory Size: ([0-9]+) MB', 1) as bigint) as memory_size_mb,
        try_cast(regexp_extract(message, 'Max Memory Used: ([0-9]+) MB', 1) as bigint) as max_memory_used_mb,
        try_cast(regexp_extract(message, 'Init Duration: ([0-9.]+) ms', 1) as decimal(18, 3)) as init_duration_ms,
        nullif(regexp_extract(message, 'Status: ([A-Za-z.]+)', 1), '') as report_status,
    from events
    where event_type = 'report'

),

reports as (

    select
        request_id,
        arg_max(duration_ms, logged_at) as duration_ms,
        arg_max(billed_duration_ms, logged_at) as billed_duration_ms,
        arg_max(memory_size_mb, logged_at) as memory_size_mb,
        arg_max(max_memory_used_mb, logged_at) as max_memory_used_mb,
        max(init_duration_ms) as init_duration_ms,
        arg_max(report_status, logged_at) as report_status,
    from reports_parsed
    group by request_id

),

application_counts as (

    select
        request_id,
        count(*) filter (where message_kind = 'processing_message') as message_count,
        count(*) filter (where message_kind = 'transaction_block') as transaction_count,
        count(*) filter (where level = 'ERROR') as error_count,
        count(*) filter (where event_type = 'application') as application_event_count,
    from events
    group by request_id

),

final as (

    select
        starts.request_id,
        starts.source_file,
        starts.started_at,
        ends.ended_at,
        reports.duration_ms,
        reports.billed_duration_ms,
        reports.memory_size_mb,
        reports.max_memory_used_mb,
        reports.init_duration_ms,
        reports.init_duration_ms is not null as is_cold_start,
        reports.report_status,
        starts.function_version,
        coalesce(application_counts.message_count, 0) as message_count,
        coalesce(application_counts.transaction_count, 0) as transaction_count,
        coalesce(application_counts.error_count, 0) as error_count,
        coalesce(application_counts.application_event_count, 0) as application_event_count,
    from starts
    left join ends
        on starts.request_id = ends.request_id
    left join reports
        on starts.request_id = reports.request_id
    left join application_counts
        on starts.request_id = application_counts.request_id

)

select * from final
