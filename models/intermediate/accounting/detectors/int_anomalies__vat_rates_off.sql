{#-
    Anomalies of type `vat_rate_off` (their definition: marts.anomalies,
    _accounting.yml); one row per anomaly, in the columns every detector
    shares. Which transactions are off their currency's usual rate is decided
    once, in int_transactions_vat (doc block usual_vat_rate).
-#}
with

transactions_vat as (

    select * from {{ ref('int_transactions_vat') }}

),

vat_rates_off as (

    select
        'vat_rate_off' as anomaly_type,
        transaction_event_id as anomaly_source_id,
        transaction_id,
        transaction_event_id,
        user_id,
        currency,
        logged_at as occurred_at,
        action,
        vat as observed_value,
        usual_vat as reference_value,
        vat_rate as score,
        vat - usual_vat as amount_involved,
        'VAT ' || {{ accounting_money_text('vat') }} || ' on net amount ' || {{ accounting_money_text('net_amount') }}
            || ' where the usual ' || currency || ' rate ' || cast(usual_vat_rate as {{ dbt.type_string() }})
            || ' gives ' || {{ accounting_money_text('usual_vat') }} as details
    from transactions_vat
    where is_vat_rate_off

)

select * from vat_rates_off
