{#-
    One row per failure line (int_failures_attributed): failed start-ups,
    ERROR lines without a RequestId and runtime error lines, with the
    file (log stream segment), time and reason, and the invocation when
    the stream says which. Crash loops are start-ups failing again and
    again in one stream: see is_in_crash_loop.
-#}
with

failures as (

    select attributed.*
    from {{ ref('int_failures_attributed') }} as attributed
    {{ join_loaded_file_version('attributed') }}

),

failures_in_context as (

    select
        *,
        -- a crash loop: this file logged at least 3 failed start-ups within 10 minutes of this line
        count(case when failure_kind = 'failed_init' then 1 end) over (
            partition by source_file
            order by logged_at
            range between interval 10 minutes preceding and interval 10 minutes following
        ) >= 3 as is_in_crash_loop
    from failures

),

final as (

    select
        event_id as failure_id,
        logged_at,
        cast(date_trunc('day', logged_at) as date) as failure_date,
        failure_kind,
        -- the privacy rule of marts.log_events' message
        {{ redact_personal_data('failure_reason', 'message_kind') }} as failure_reason,
        is_in_crash_loop,
        request_id,
        request_attribution,
        event_type,
        message_kind,
        source_file,
        line_number
    from failures_in_context

)

select * from final
