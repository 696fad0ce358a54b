{#-
    One row per UTC month, currency and action category: VAT on credits and
    on debits, net and gross, and the transactions off the usual rate.
    Attempts the service refused never moved a balance and are left out.
-#}
with

transactions as (

    select * from {{ ref('int_transactions_vat') }}
    where not is_refused

),

final as (

    select
        vat_month,
        currency,
        action_category,
        count(*) as transaction_count,
        sum(case when transaction_type = 'CREDIT' then vat else 0 end) as credit_vat,
        sum(case when transaction_type = 'DEBIT' then vat else 0 end) as debit_vat,
        sum(case when transaction_type = 'CREDIT' then net_amount else 0 end) as credit_net_amount,
        sum(case when transaction_type = 'DEBIT' then net_amount else 0 end) as debit_net_amount,
        sum(case when transaction_type = 'CREDIT' then amount else 0 end) as credit_gross_amount,
        sum(case when transaction_type = 'DEBIT' then amount else 0 end) as debit_gross_amount,
        max(usual_vat_rate) as usual_vat_rate,
        count(case when is_vat_checked then 1 end) as vat_checked_count,
        count(case when is_vat_rate_off then 1 end) as vat_rate_off_count
    from transactions
    group by vat_month, currency, action_category

)

select * from final
