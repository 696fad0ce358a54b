{#- One row per metric value the service wrote (embedded metric format). -#}
with

metric_values as (

    select parsed.*
    from {{ ref('int_service_metrics_parsed') }} as parsed
    {{ join_loaded_file_version('parsed') }}

),

final as (

    select
        metric_value_id,
        event_id,
        logged_at,
        metric_at,
        metric_date,
        namespace,
        metric_name,
        unit,
        metric_value,
        dimension_sets,
        service,
        user_id,
        action,
        request_id,
        source_file,
        line_number
    from metric_values

)

select * from final
