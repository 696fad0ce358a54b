-- One row per "not in sync" ERROR (marts.sync_mismatches). Bounded: the latest
-- 50,000; the daily totals below are exact.
select
    sync_mismatch_id,
    logged_at,
    request_id,
    '/requests/' || url_encode(request_id) || '/' as request_link,
    user_id,
    '/users/' || url_encode(user_id) || '/' as user_link,
    transaction_id,
    currency,
    subscription_balance,
    payment_balance,
    difference,
from marts.sync_mismatches
order by logged_at desc, sync_mismatch_id
limit 50000
