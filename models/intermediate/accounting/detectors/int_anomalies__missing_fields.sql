{#- Anomalies of type `missing_field` (their definition: marts.anomalies, _accounting.yml); one row per anomaly, in the columns every detector shares. -#}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

missing_fields as (

    select
        'missing_field' as anomaly_type,
        transaction_event_id as anomaly_source_id,
        transaction_id,
        transaction_event_id,
        user_id,
        currency,
        logged_at as occurred_at,
        action,
        cast(null as {{ money_type() }}) as observed_value,
        cast(null as {{ money_type() }}) as reference_value,
        cast(null as double) as score,
        net_amount as amount_involved,
        'missing in the ' || coalesce(layout_version, '?') || ' transaction block: ' || missing_fields as details
    from transactions
    where missing_fields is not null

)

select * from missing_fields
