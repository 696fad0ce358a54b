{#-
    One row per UTC day and metric name: the service's own count beside the
    count the marts derive for the same thing, and the difference.
-#}
with

metric_values as (

    select parsed.*
    from {{ ref('int_service_metrics_parsed') }} as parsed
    {{ join_loaded_file_version('parsed') }}

),

counterparts_daily as (

    select * from {{ ref('int_service_metric_counterparts_daily') }}

),

counterpart_names as (

    select * from {{ ref('service_metric_counterparts') }}

),

service_daily as (

    select
        metric_date,
        metric_name,
        count(*) as service_event_count,
        sum(metric_value) as service_count
    from metric_values
    group by metric_date, metric_name

),

joined as (

    select
        coalesce(service_daily.metric_date, counterparts_daily.metric_date) as metric_date,
        coalesce(service_daily.metric_name, counterparts_daily.metric_name) as metric_name,
        coalesce(service_daily.service_event_count, 0) as service_event_count,
        coalesce(service_daily.service_count, 0) as service_count
    from service_daily
    full outer join counterparts_daily
        on service_daily.metric_date = counterparts_daily.metric_date
        and service_daily.metric_name = counterparts_daily.metric_name

),

final as (

    select
        joined.metric_date,
        joined.metric_name,
        counterpart_names.counterpart,
        counterpart_names.metric_name is not null as has_counterpart,
        coalesce(counterpart_names.counterpart, 'no counterpart in the marts') as counterpart_label,
        joined.service_event_count,
        joined.service_count,
        case when counterpart_names.metric_name is not null then coalesce(counterparts_daily.derived_count, 0) end as derived_count,
        case
            when counterpart_names.metric_name is not null
                then joined.service_count - coalesce(counterparts_daily.derived_count, 0)
        end as count_difference
    from joined
    left join counterparts_daily
        on joined.metric_date = counterparts_daily.metric_date
        and joined.metric_name = counterparts_daily.metric_name
    left join counterpart_names
        on joined.metric_name = counterpart_names.metric_name

)

select * from final
