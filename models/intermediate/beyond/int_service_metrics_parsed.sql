{#-
    One row per metric value the service wrote in CloudWatch embedded metric
    format (a log event whose text starts with {"_aws":...}): each entry of
    each directive's Metrics list of _aws.CloudWatchMetrics, with its value
    (the top-level key named after the metric). The standard allows up to 100
    metrics per directive; directives beyond the 10th are counted in
    directive_count (a test holds that none is left out).

    The line has no request id: the request is the one of the event just
    before it in its file (time order) when that event belongs to a running
    invocation (any event with a request id but END and REPORT).

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

metric_lines as (

    select
        event_id,
        source_file,
        line_number,
        event_order_in_file,
        logged_at,
        log_stream,
        file_sha256,
        file_loaded_at,
        message
    from {{ ref('int_log_events_current') }}
    where event_type = 'metric'
    {% if is_incremental() -%}
        and log_stream in ({{ log_streams_to_rebuild(this) }})
    {%- endif %}

),

file_events as (

    -- every event of the files as loaded, copies included: the event just
    -- before a metric line in its file is that file's own, whichever file
    -- owns it (int_log_events_current)
    select source_file, event_order_in_file, message_kind, request_id
    from {{ ref('int_log_events_loaded') }}
    {% if is_incremental() -%}
        where log_stream in ({{ log_streams_to_rebuild(this) }})
    {%- endif %}

),

metric_events as (

    {#- text that is not JSON gives no value (assert_every_service_metric_event_parsed names it) -#}
    select
        metric_lines.event_id,
        metric_lines.source_file,
        metric_lines.line_number,
        metric_lines.logged_at,
        metric_lines.log_stream,
        metric_lines.file_sha256,
        metric_lines.file_loaded_at,
        case
            when previous_events.message_kind not in ('end', 'report') then previous_events.request_id
        end as request_id,
        case when {{ json_is_valid('metric_lines.message') }} then metric_lines.message end as message
    from metric_lines
    left join file_events as previous_events
        on metric_lines.source_file = previous_events.source_file
        and metric_lines.event_order_in_file - 1 = previous_events.event_order_in_file

),

directive_positions as (

    {{ array_positions(10) }}

),

metric_positions as (

    {{ array_positions(100) }}

),

metric_definitions as (

    select
        metric_events.event_id,
        metric_events.source_file,
        metric_events.line_number,
        metric_events.logged_at,
        metric_events.log_stream,
        metric_events.file_sha256,
        metric_events.file_loaded_at,
        metric_events.request_id,
        metric_events.message,
        directive_positions.position as directive_position,
        metric_positions.position as metric_position,
        {{ json_text('metric_events.message', "'$._aws.Timestamp'") }} as timestamp_milliseconds,
        {{ json_text('metric_events.message', "'$._aws.CloudWatchMetrics[' || cast(directive_positions.position as " ~ dbt.type_string() ~ ") || '].Namespace'") }} as namespace,
        {{ json_text('metric_events.message', "'$._aws.CloudWatchMetrics[' || cast(directive_positions.position as " ~ dbt.type_string() ~ ") || '].Metrics[' || cast(metric_positions.position as " ~ dbt.type_string() ~ ") || '].Name'") }} as metric_name,
        {{ json_text('metric_events.message', "'$._aws.CloudWatchMetrics[' || cast(directive_positions.position as " ~ dbt.type_string() ~ ") || '].Metrics[' || cast(metric_positions.position as " ~ dbt.type_string() ~ ") || '].Unit'") }} as unit,
        {{ json_text('metric_events.message', "'$._aws.CloudWatchMetrics[' || cast(directive_positions.position as " ~ dbt.type_string() ~ ") || '].Dimensions'") }} as dimension_sets
    from metric_events
    cross join directive_positions
    cross join metric_positions

),

metric_values as (

    select
        event_id,
        source_file,
        line_number,
        logged_at,
        log_stream,
        file_sha256,
        file_loaded_at,
        {{ epoch_milliseconds_to_timestamp('cast(timestamp_milliseconds as bigint)') }} as metric_at,
        namespace,
        metric_name,
        unit,
        cast({{ json_text('message', "'$.\"' || metric_name || '\"'") }} as double) as metric_value,
        dimension_sets,
        {{ json_text('message', "'$.service'") }} as service,
        {{ json_text('message', "'$.userId'") }} as user_id,
        {{ json_text('message', "'$.action'") }} as action,
        request_id,
        directive_position,
        metric_position,
        {{ json_text('message', "'$._aws.CloudWatchMetrics[10]'") }} is not null as has_more_directives
    from metric_definitions
    where metric_name is not null

),

final as (

    select
        {{ dbt.concat(['event_id', "'-'", 'cast(directive_position as ' ~ dbt.type_string() ~ ')', "'-'", 'cast(metric_position as ' ~ dbt.type_string() ~ ')']) }} as metric_value_id,
        event_id,
        source_file,
        line_number,
        logged_at,
        log_stream,
        file_sha256,
        file_loaded_at,
        metric_at,
        cast(logged_at as date) as metric_date,
        namespace,
        metric_name,
        unit,
        metric_value,
        dimension_sets,
        service,
        user_id,
        action,
        request_id,
        has_more_directives
    from metric_values

)

select * from final
