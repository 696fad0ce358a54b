-- Exact invocation figures per UTC day.
select
    cast(date_trunc('day', started_at) as date) as invocation_date,
    count(*) as invocation_count,
    count(*) filter (where is_after_cold_start) as after_cold_start_count,
    count(*) filter (where error_count > 0) as failed_count,
    count(*) filter (where ended_at is null) as unfinished_count,
    avg(duration_ms) as avg_duration_ms,
    quantile_cont(duration_ms, 0.5) as p50_duration_ms,
    quantile_cont(duration_ms, 0.95) as p95_duration_ms,
    max(duration_ms) as max_duration_ms,
    sum(billed_duration_ms) as billed_duration_ms,
    avg(init_duration_ms) as avg_init_duration_ms,
    max(max_memory_used_mb) as max_memory_used_mb,
    sum(message_count) as message_count,
    sum(transaction_count) as transaction_count,
    sum(error_count) as error_count,
    -- invocations that logged ERROR lines or that a failure line is attributed to (marts.failures)
    count(*) filter (where error_count > 0 or request_id in (select request_id from marts.failures where request_id is not null))
        as failed_or_error_count,
from marts.invocations
group by all
