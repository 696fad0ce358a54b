-- The tolerance each transaction is checked with is half a minor unit of
-- its currency in reference.currencies (ISO 4217), 2 decimals when the
-- currency is not there.
with

transactions as (

    select * from {{ ref('transactions') }}

),

currencies as (

    select * from {{ ref('currencies') }}

)

select
    transactions.transaction_event_id,
    transactions.currency,
    transactions.half_minor_unit,
    currencies.minor_unit
from transactions
left join currencies
    on transactions.currency = currencies.currency_code
where transactions.half_minor_unit * cast(pow(10, coalesce(currencies.minor_unit, 2)) as bigint) <> 0.5
