{#- Every metric line (a log event of type `metric`) gives at least one
    metric value: a line that is not JSON, or names no metric, is listed
    here with its file and line, so that no metric the service wrote is
    silently left out of marts.service_metrics. -#}
with

metric_events as (

    select * from {{ ref('int_log_events_classified') }}
    where event_type = 'metric'

),

metric_values as (

    select distinct event_id from {{ ref('int_service_metrics_parsed') }}

),

unparsed as (

    select
        metric_events.event_id,
        metric_events.source_file,
        metric_events.line_number,
        'metric line gives no metric value (not JSON, or no _aws.CloudWatchMetrics[].Metrics[].Name)' as problem
    from metric_events
    left join metric_values
        on metric_events.event_id = metric_values.event_id
    where metric_values.event_id is null

)

select * from unparsed
