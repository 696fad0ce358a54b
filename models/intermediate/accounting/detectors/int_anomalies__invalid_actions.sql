{#- Anomalies of type `invalid_action` (their definition: marts.anomalies, _accounting.yml); one row per anomaly, in the columns every detector shares. -#}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

invalid_actions as (

    select
        'invalid_action' as anomaly_type,
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
        'action ' || action || ' is not in the seed action_categories (categorised other)' as details
    from transactions
    where action is not null
        and not is_known_action

)

select * from invalid_actions
