{#- Reconciliation issues of type `refused_overdraft` (their definition: marts.reconciliation_issues, _accounting.yml); one row per issue, in the columns every issue type shares. -#}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

overdrafts as (

    select * from {{ ref('int_overdrafts') }}

),

first_block_per_transaction_id as (

    select
        transaction_id,
        min(transaction_event_id) as transaction_event_id
    from transactions
    where transaction_id in (select transaction_id from overdrafts where was_blocked)
    group by transaction_id

),

refused_overdrafts as (

    select
        'refused_overdraft' as issue_type,
        overdrafts.transaction_id as issue_source_id,
        overdrafts.transaction_id,
        first_block_per_transaction_id.transaction_event_id,
        cast(null as {{ dbt.type_string() }}) as related_transaction_id,
        overdrafts.user_id,
        overdrafts.currency,
        overdrafts.occurred_at as logged_at,
        overdrafts.action,
        cast(0 as {{ money_type() }}) as expected_value,
        overdrafts.balance_after as actual_value,
        overdrafts.overdraft_amount as amount_at_stake,
        'refused by the service: balance ' || {{ accounting_money_text('overdrafts.balance_before') }}
            || case
                when overdrafts.balance_after is null then ' would have gone below zero (new balance not logged)'
                else ' would have become ' || {{ accounting_money_text('overdrafts.balance_after') }}
            end
            || case when overdrafts.has_transaction_block then '' else '; no transaction block logged' end as details
    from overdrafts
    left join first_block_per_transaction_id
        on overdrafts.transaction_id = first_block_per_transaction_id.transaction_id
    where overdrafts.was_blocked

)

select * from refused_overdrafts
