-- Every metric value the service wrote itself (marts.service_metrics).
select
    metric_value_id,
    logged_at,
    metric_date,
    namespace,
    metric_name,
    unit,
    metric_value,
    service,
    user_id,
    action,
    request_id,
    source_file,
    line_number
from marts.service_metrics
