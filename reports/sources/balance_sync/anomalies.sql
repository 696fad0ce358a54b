-- One row per anomaly (marts.anomalies): unusual, not necessarily wrong.
-- Bounded for the browser: the latest 100,000 rows; anomaly_summary.sql is exact.
select
    anomaly_type,
    transaction_id,
    user_id,
    '/users/' || url_encode(user_id) || '/' as user_link,
    currency,
    occurred_at,
    action,
    observed_value,
    reference_value,
    score,
    amount_involved,
    details,
from marts.anomalies
order by occurred_at desc, anomaly_type, anomaly_id
limit 100000
