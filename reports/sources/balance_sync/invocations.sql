-- Invocations (marts.invocations) for the Operations table and the request pages,
-- with has_failure: a failure line (marts.failures) is attributed to it. Bounded:
-- the latest 50,000, failed invocations and cold starts first; invocation_daily.sql
-- and invocation_durations.sql are exact.
with

failed_requests as (

    select distinct request_id from marts.failures where request_id is not null

)

select
    invocations.request_id,
    '/requests/' || url_encode(invocations.request_id) || '/' as request_link,
    started_at,
    ended_at,
    duration_ms,
    billed_duration_ms,
    memory_size_mb,
    max_memory_used_mb,
    init_duration_ms,
    is_after_cold_start,
    message_count,
    transaction_count,
    error_count,
    error_count > 0 as has_errors,
    failed_requests.request_id is not null as has_failure,
    source_file,
from marts.invocations
left join failed_requests
    on invocations.request_id = failed_requests.request_id
qualify row_number() over (
    order by (error_count > 0 or failed_requests.request_id is not null or is_after_cold_start) desc,
        started_at desc, invocations.request_id
) <= 50000
