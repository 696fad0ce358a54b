-- marts.overdrafts holds exactly one row per transaction id that has a
-- negative new balance in marts.transactions or a refusal in the logs, and
-- marts.transactions.is_overdraft agrees with it.
with

overdrafts as (

    select * from {{ ref('overdrafts') }}

),

transactions as (

    select * from {{ ref('transactions') }}

),

refusal_events as (

    select * from {{ ref('log_events') }}
    where message_kind = 'negative_balance_refusal'

),

expected_ids as (

    select transaction_id from transactions where new_balance < 0
    union
    select transaction_id from refusal_events where transaction_id is not null

),

missing as (

    select transaction_id, 'missing from marts.overdrafts' as problem
    from expected_ids
    where transaction_id not in (select transaction_id from overdrafts)

),

unexpected as (

    select transaction_id, 'in marts.overdrafts without a cause' as problem
    from overdrafts
    where transaction_id not in (select transaction_id from expected_ids)

),

flag_disagrees as (

    select transactions.transaction_id, 'transactions.is_overdraft disagrees with marts.overdrafts' as problem
    from transactions
    where transactions.is_overdraft <> (transactions.transaction_id in (select transaction_id from overdrafts))

)

select * from missing
union all
select * from unexpected
union all
select * from flag_disagrees
