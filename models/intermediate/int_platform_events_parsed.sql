{#-
    One row per Lambda platform line (START, END, REPORT, INIT_START,
    INIT_REPORT) of every event counted once, with the fields its text
    carries. The only place that reads these lines' text: invocations,
    cold starts and failed start-ups (int_invocations,
    int_failures_attributed) select these columns.

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

    select
        event_id,
        source_file,
        line_number,
        event_order_in_file,
        logged_at,
        event_type,
        request_id,
        batch_item_number,
        log_stream,
        file_sha256,
        file_loaded_at,
        message
    from {{ ref('int_log_events_current') }}
    where event_type in ('start', 'end', 'report', 'init_start', 'init_report')
    {% if is_incremental() -%}
        and log_stream in ({{ log_streams_to_rebuild(this) }})
    {%- endif %}

),

parsed as (

    select
        event_id,
        source_file,
        line_number,
        event_order_in_file,
        logged_at,
        event_type,
        request_id,
        batch_item_number,
        log_stream,
        file_sha256,
        file_loaded_at,
        case when event_type = 'start'
            then nullif(regexp_extract(message, 'Version: (\S+)', 1), '')
        end as function_version,
        case when event_type = 'report'
            then try_cast(regexp_extract(message, '\tDuration: ([0-9.]+) ms', 1) as decimal(18, 3))
        end as duration_ms,
        case when event_type = 'report'
            then try_cast(regexp_extract(message, 'Billed Duration: ([0-9]+) ms', 1) as bigint)
        end as billed_duration_ms,
        case when event_type = 'report'
            then try_cast(regexp_extract(message, 'Memory Size: ([0-9]+) MB', 1) as bigint)
        end as memory_size_mb,
        case when event_type = 'report'
            then try_cast(regexp_extract(message, 'Max Memory Used: ([0-9]+) MB', 1) as bigint)
        end as max_memory_used_mb,
        case when event_type in ('report', 'init_report')
            then try_cast(regexp_extract(message, 'Init Duration: ([0-9.]+) ms', 1) as decimal(18, 3))
        end as init_duration_ms,
        case when event_type in ('report', 'init_report')
            then nullif(regexp_extract(message, 'Status: ([A-Za-z.]+)', 1), '')
        end as status,
        case when event_type = 'init_report'
            then nullif(regexp_extract(message, '\tPhase: (\w+)', 1), '')
        end as init_phase,
        case when event_type = 'init_report'
            then nullif(regexp_extract(message, '\tError Type: ([^\t\n]+)', 1), '')
        end as init_error_type
    from platform_events

),

final as (

    select
        *,
        coalesce(event_type = 'init_report' and status = 'error', false) as is_failed_init
    from parsed

)

select * from final
