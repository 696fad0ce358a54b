-- VAT per UTC month, currency and action category (marts.monthly_vat).
select
    vat_month,
    currency,
    action_category,
    transaction_count,
    credit_vat,
    debit_vat,
    credit_net_amount,
    debit_net_amount,
    credit_gross_amount,
    debit_gross_amount,
    usual_vat_rate,
    vat_checked_count,
    vat_rate_off_count
from marts.monthly_vat
