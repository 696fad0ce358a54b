-- Exact anomaly counts per type and currency (marts.anomalies, unbounded).
-- amount_involved stays per currency ('(none)' for day-level anomalies).
select
    anomaly_type,
    coalesce(currency, '(none)') as currency,
    count(*) as anomaly_count,
    count(distinct user_id) as user_count,
    sum(amount_involved) as amount_involved,
from marts.anomalies
group by all
