-- Log explorer rows (marts.log_events). Bounded for the browser: the latest
-- 100,000 events, ERROR and overdraft events first so that they always ship,
-- and each message cut to its first 500 characters (full text: query the mart).
-- log_event_daily.sql keeps exact counts of every event.
select
    event_id,
    logged_at,
    coalesce(level, '(none)') as level,
    event_type,
    message_kind,
    request_id,
    user_id,
    transaction_id,
    coalesce(is_overdraft, false) as is_overdraft,
    source_file,
    line_number,
    left(message, 500) as message,
from marts.log_events
qualify row_number() over (
    order by (level = 'ERROR' or coalesce(is_overdraft, false)) desc, logged_at desc, event_id desc
) <= 100000
