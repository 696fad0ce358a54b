{#-
    One row per transaction block, with its VAT measured against the usual
    rate of its currency (doc block usual_vat_rate in
    models/intermediate/beyond/beyond_docs.md): the one definition that
    marts.monthly_vat and the vat_rate_off anomaly read.
-#}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

usual_vat_rates as (

    select
        currency,
        count(*) as vat_transaction_count,
        cast({{ accounting_mode('round(cast(vat as double) / cast(net_amount as double), 4)') }} as decimal(10, 4)) as usual_vat_rate
    from transactions
    where vat <> 0
        and net_amount <> 0
    group by currency

),

rated as (

    select
        transactions.transaction_event_id,
        transactions.transaction_id,
        transactions.user_id,
        transactions.currency,
        transactions.transaction_type,
        transactions.source,
        transactions.action,
        transactions.action_category,
        transactions.outcome,
        transactions.is_refused,
        transactions.logged_at,
        transactions.activity_month as vat_month,
        transactions.amount,
        transactions.vat,
        transactions.net_amount,
        transactions.half_minor_unit,
        case
            when transactions.net_amount <> 0
                then cast(transactions.vat as double) / cast(transactions.net_amount as double)
        end as vat_rate,
        usual_vat_rates.usual_vat_rate,
        -- null when the product lies beyond the money type's range (then off the rate)
        case
            when abs(cast(transactions.net_amount as double) * cast(usual_vat_rates.usual_vat_rate as double)) < 1e25
                then {{ accounting_money_times_rate('transactions.net_amount', 'usual_vat_rates.usual_vat_rate') }}
        end as usual_vat,
        (transactions.vat <> 0 or transactions.source = 'PAYMENT')
            and usual_vat_rates.usual_vat_rate is not null as is_vat_checked
    from transactions
    left join usual_vat_rates
        on transactions.currency = usual_vat_rates.currency

),

final as (

    select
        *,
        coalesce(
            is_vat_checked
            and (abs(vat - usual_vat) > half_minor_unit or (usual_vat is null and net_amount is not null)),
            false
        ) as is_vat_rate_off
    from rated

)

select * from final
