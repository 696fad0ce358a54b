-- Exact failure counts per UTC day, kind, reason and crash loop (marts.failures).
select
    failure_date,
    failure_kind,
    failure_reason,
    is_in_crash_loop,
    count(*) as failure_count,
    count(distinct request_id) as request_count,
    count(distinct source_file) as file_count,
from marts.failures
group by all
