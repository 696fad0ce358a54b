{#- One row per invocation (int_invocations, where its rules are). -#}
with

invocations as (

    select built.*
    from {{ ref('int_invocations') }} as built
    {{ join_loaded_file_version('built') }}

),

final as (

    select
        request_id,
        source_file,
        started_at,
        ended_at,
        duration_ms,
        billed_duration_ms,
        memory_size_mb,
        max_memory_used_mb,
        init_duration_ms,
        is_after_cold_start,
        has_failed_init,
        report_status,
        function_version,
        message_count,
        transaction_count,
        error_count,
        application_event_count
    from invocations

)

select * from final
