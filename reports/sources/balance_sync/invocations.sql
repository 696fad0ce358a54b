-- Invocations (marts.invocations) for the Operations table. Bounded: the latest
-- 50,000, failed invocations and cold starts first; invocation_daily.sql and
-- invocation_durations.sql are exact.
select
    request_id,
    started_at,
    ended_at,
    duration_ms,
    billed_duration_ms,
    memory_size_mb,
    max_memory_used_mb,
    init_duration_ms,
    init_duration_ms is not null as is_cold_start,
    message_count,
    transaction_count,
    error_count,
    error_count > 0 as has_errors,
from marts.invocations
qualify row_number() over (
    order by (error_count > 0 or init_duration_ms is not null) desc, started_at desc, request_id
) <= 50000
