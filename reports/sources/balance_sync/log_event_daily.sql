-- Exact event counts per UTC day, level, event type and message kind.
select
    cast(date_trunc('day', logged_at) as date) as event_date,
    coalesce(level, '(none)') as level,
    event_type,
    message_kind,
    count(*) as event_count,
    count(distinct request_id) as request_count,
    -- platform lines that report a failure (e.g. INIT_REPORT ... Status: error)
    count(*) filter (where message ilike '%status: error%') as error_status_count,
from marts.log_events
group by all
