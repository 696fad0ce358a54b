-- The service's own counts beside the marts' per UTC day and metric.
select
    metric_date,
    metric_name,
    counterpart_label,
    has_counterpart,
    service_event_count,
    service_count,
    derived_count,
    count_difference
from marts.service_metric_reconciliation
