-- Exact duration histogram: invocations per duration bucket (log-spaced, ms).
with

invocations as (
    select duration_ms from marts.invocations where duration_ms is not null
),

bucketed as (
    select
        case
            when duration_ms < 10 then 0
            when duration_ms < 50 then 1
            when duration_ms < 100 then 2
            when duration_ms < 250 then 3
            when duration_ms < 500 then 4
            when duration_ms < 1000 then 5
            when duration_ms < 2500 then 6
            when duration_ms < 5000 then 7
            when duration_ms < 10000 then 8
            else 9
        end as bucket_order,
    from invocations
)

select
    bucket_order,
    ['< 10 ms', '10-50 ms', '50-100 ms', '100-250 ms', '250-500 ms', '0.5-1 s', '1-2.5 s', '2.5-5 s', '5-10 s', '>= 10 s'][bucket_order + 1]
        as duration_bucket,
    count(*) as invocation_count,
from bucketed
group by all
order by bucket_order
