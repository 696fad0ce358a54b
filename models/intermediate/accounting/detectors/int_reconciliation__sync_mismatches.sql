{#- Reconciliation issues of type `sync_mismatch` (their definition: marts.reconciliation_issues, _accounting.yml); one row per issue, in the columns every issue type shares. -#}
with

sync_mismatches as (

    select *, event_id as sync_mismatch_id from {{ ref('int_sync_mismatches_linked') }}

),

sync_mismatch_issues as (

    select
        'sync_mismatch' as issue_type,
        sync_mismatch_id as issue_source_id,
        transaction_id,
        transaction_event_id,
        cast(null as {{ dbt.type_string() }}) as related_transaction_id,
        user_id,
        currency,
        logged_at,
        cast(null as {{ dbt.type_string() }}) as action,
        payment_balance as expected_value,
        subscription_balance as actual_value,
        abs(difference) as amount_at_stake,
        'subscription balance ' || {{ accounting_money_text('subscription_balance') }}
            || ' and payment balance ' || {{ accounting_money_text('payment_balance') }}
            || ' differ by ' || {{ accounting_money_text('difference') }}
            || case when transaction_event_id is null then '; no transaction block linked' else '' end as details
    from sync_mismatches

)

select * from sync_mismatch_issues
