{#-
    One row per failure line: a start-up (init) that reported an error
    status, an ERROR line logged without a RequestId (a crash during
    start-up logs under `undefined`), or a line of no known layout
    without a RequestId whose level is ERROR (the runtime's "Unknown
    application error occurred": level in int_log_events_classified).

    Each is attributed to its file (one file is one segment of a log
    stream) and time, and to an invocation when the stream says which:
    - inside an invocation: the line comes after that invocation's START
      and before its END in the file's time order;
    - an init re-run inside an invocation: an INIT_REPORT with
      `Phase: invoke` is followed by the START of the invocation it was run
      for; that START and the failure lines of the same start-up (those
      since the previous START, END or INIT_START) go to that invocation.
    A start-up that failed in `Phase: init` belongs to no invocation.

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

events as (

    select
        event_id,
        source_file,
        line_number,
        event_order_in_file,
        logged_at,
        event_type,
        request_id,
        level,
        message_kind,
        log_stream,
        file_sha256,
        file_loaded_at,
        message
    from {{ ref('int_log_events_current') }}
    where event_number_in_file > 0
    {% if is_incremental() -%}
        and log_stream in ({{ log_streams_to_rebuild(this) }})
    {%- endif %}

),

init_reports as (

    select parsed.event_id, parsed.is_failed_init, parsed.init_phase, parsed.init_error_type
    from {{ ref('int_platform_events_parsed') }} as parsed
    {{ join_loaded_file_version('parsed') }}
    where parsed.event_type = 'init_report'
    {% if is_incremental() -%}
        and parsed.log_stream in ({{ log_streams_to_rebuild(this) }})
    {%- endif %}

),

events_with_failure_kind as (

    select
        events.*,
        init_reports.init_phase,
        init_reports.init_error_type,
        case
            when init_reports.is_failed_init then 'failed_init'
            when request_id is null and level in ('ERROR', 'FATAL') then 'error_without_request'
        end as failure_kind
    from events
    left join init_reports
        on events.event_id = init_reports.event_id

),

events_for_stream_order as (

    -- the windows below sort these rows of each file with failures: the
    -- text of the failure lines only
    select
        {{ star_except(['message', 'level']) }},
        case when failure_kind is not null then message end as message
    from events_with_failure_kind
    -- the failures and the events that bound an invocation or a start-up:
    -- the only rows the windows below look at
    where failure_kind is not null
        or event_type in ('start', 'end', 'init_start', 'init_report')

),

files_with_failures as (

    select distinct source_file from events_with_failure_kind where failure_kind is not null

),

events_in_stream_context as (

    select
        events_for_stream_order.*,
        -- the invocation whose START is the latest at or before this event, unless its END came since
        {{ last_value_ignore_nulls("case when event_type = 'start' then request_id end") }} over stream_so_far
            as open_request_id,
        {{ last_value_ignore_nulls("case when event_type in ('start', 'end') then event_type end") }} over stream_so_far
            as last_boundary,
        -- the next boundary of a start-up sequence after this event
        {{ first_value_ignore_nulls("case when event_type in ('start', 'init_report', 'init_start') then event_id end") }}
            over stream_after as next_boundary_event_id
    from events_for_stream_order
    -- only the files that hold a failure need their stream read in order
    semi join files_with_failures using (source_file)
    window
        stream_so_far as (
            partition by source_file order by event_order_in_file
            rows between unbounded preceding and current row
        ),
        stream_after as (
            partition by source_file order by event_order_in_file
            rows between 1 following and unbounded following
        )

),

invoke_phase_init_reports as (

    -- an init re-run for an invocation: the START that follows the INIT_REPORT
    select
        init_report.event_id as init_report_event_id,
        next_start.request_id as invoked_request_id
    from events_in_stream_context as init_report
    inner join events_in_stream_context as next_start
        on init_report.next_boundary_event_id = next_start.event_id
    where init_report.event_type = 'init_report'
        and init_report.init_phase = 'invoke'
        and next_start.event_type = 'start'

),

failures as (

    select
        events.event_id,
        events.source_file,
        events.log_stream,
        events.file_sha256,
        events.file_loaded_at,
        events.line_number,
        events.logged_at,
        events.failure_kind,
        events.event_type,
        events.message_kind,
        case
            when events.failure_kind = 'failed_init'
                then 'Start-up failed ('
                    || coalesce(events.init_phase, 'unknown')
                    || ' phase): '
                    || coalesce(events.init_error_type, 'no error type')
            when regexp_matches(events.message, '"errorMessage":"')
                then coalesce(nullif(regexp_extract(events.message, '"errorType":"([^"]*)"', 1), '') || ': ', '')
                    || left(split_part(regexp_extract(events.message, '"errorMessage":"((?:[^"\\]|\\.)*)"', 1), '\n', 1), 200)
            else left(replace(split_part(events.message, '\n', 1), '\t', ' '), 200)
                || case when split_part(events.message, '\n', 2) <> ''
                    then ' (' || left(split_part(events.message, '\n', 2), 60) || ')' else '' end
        end as failure_reason,
        case when events.last_boundary = 'start' then events.open_request_id end as enclosing_request_id,
        events.next_boundary_event_id
    from events_in_stream_context as events
    where events.failure_kind is not null

),

failures_attributed as (

    select
        failures.event_id,
        failures.source_file,
        failures.log_stream,
        failures.file_sha256,
        failures.file_loaded_at,
        failures.line_number,
        failures.logged_at,
        failures.failure_kind,
        failures.event_type,
        failures.message_kind,
        failures.failure_reason,
        coalesce(
            failures.enclosing_request_id,
            own_report.invoked_request_id,
            following_report.invoked_request_id
        ) as request_id,
        case
            when failures.enclosing_request_id is not null then 'inside_invocation'
            when coalesce(own_report.invoked_request_id, following_report.invoked_request_id) is not null
                then 'init_for_invocation'
        end as request_attribution
    from failures
    -- the INIT_REPORT itself
    left join invoke_phase_init_reports as own_report
        on failures.event_id = own_report.init_report_event_id
    -- a crash line of the start-up that this INIT_REPORT ends
    left join invoke_phase_init_reports as following_report
        on failures.event_type <> 'init_report'
        and failures.next_boundary_event_id = following_report.init_report_event_id

)

select * from failures_attributed
