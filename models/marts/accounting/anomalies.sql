{#-
    One row per anomaly: something unusual an accountant or engineer should
    look at, found with robust statistics or simple completeness rules (see
    _accounting.yml for each anomaly_type). Thresholds are dbt vars with
    defaults: accounting_spike_threshold (3.5, robust z-score),
    accounting_spike_min_spread_ratio (0.5), accounting_spike_min_history
    (5 transactions or days), accounting_burst_seconds (1).
-#}
with

all_anomalies as (

    select * from {{ ref('int_anomalies__amount_spikes') }}
    union all
    select * from {{ ref('int_anomalies__bursts') }}
    union all
    select * from {{ ref('int_anomalies__invalid_actions') }}
    union all
    select * from {{ ref('int_anomalies__missing_fields') }}
    union all
    select * from {{ ref('int_anomalies__vat_rates_off') }}
    union all
    select * from {{ ref('int_anomalies__error_spike_days') }}

),

final as (

    select
        {{ accounting_key(['anomaly_type', 'anomaly_source_id']) }} as anomaly_id,
        anomaly_type,
        transaction_id,
        transaction_event_id,
        user_id,
        currency,
        occurred_at,
        cast(occurred_at as date) as anomaly_date,
        action,
        observed_value,
        reference_value,
        score,
        amount_involved,
        details
    from all_anomalies

)

select * from final
