{#- Anomalies of type `vat_rate_off` (their definition: marts.anomalies, _accounting.yml); one row per anomaly, in the columns every detector shares. -#}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

{#- usual VAT rate of a currency: the most frequent vat / net_amount among
    its transactions with VAT, to 4 decimals (a statistic, not money); a
    transaction with VAT, or a gateway payment (source PAYMENT), is off
    when its VAT differs from net_amount x usual rate by more than half a
    minor unit -#}
vat_rates as (

    select
        currency,
        count(*) as vat_transaction_count,
        cast({{ accounting_mode('round(cast(vat as double) / cast(net_amount as double), 4)') }} as decimal(10, 4)) as usual_vat_rate,
    from transactions
    where vat <> 0
        and net_amount <> 0
    group by currency

),

vat_checked as (

    select
        transactions.*,
        vat_rates.usual_vat_rate,
        -- null when the product lies beyond the money type's range (flagged below)
        case
            when abs(cast(transactions.net_amount as double) * cast(vat_rates.usual_vat_rate as double)) < 1e25
                then {{ accounting_money_times_rate('transactions.net_amount', 'vat_rates.usual_vat_rate') }}
        end as usual_vat,
    from transactions
    inner join vat_rates
        on transactions.currency = vat_rates.currency
    where transactions.vat <> 0
        or transactions.source = 'PAYMENT'

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
        case when net_amount <> 0 then cast(vat as double) / cast(net_amount as double) end as score,
        vat - usual_vat as amount_involved,
        'VAT ' || {{ accounting_money_text('vat') }} || ' on net amount ' || {{ accounting_money_text('net_amount') }}
            || ' where the usual ' || currency || ' rate ' || cast(usual_vat_rate as {{ dbt.type_string() }})
            || ' gives ' || {{ accounting_money_text('usual_vat') }} as details,
    from vat_checked
    where abs(vat - usual_vat) > half_minor_unit
        or (usual_vat is null and net_amount is not null)

)

select * from vat_rates_off
