-- Failure lines (marts.failures): failed start-ups, ERROR lines without a RequestId
-- and runtime error lines, with their file, reason and invocation. Bounded: the
-- newest 50,000; failure_daily.sql is exact.
select
    failure_id,
    logged_at,
    failure_date,
    failure_kind,
    failure_reason,
    is_in_crash_loop,
    request_id,
    '/requests/' || url_encode(request_id) || '/' as request_link,
    request_attribution,
    source_file,
    line_number,
from marts.failures
order by logged_at desc, source_file, line_number
limit 50000
