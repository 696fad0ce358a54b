{#- Anomalies of type `burst` (their definition: marts.anomalies, _accounting.yml); one row per anomaly, in the columns every detector shares. -#}
{%- set burst_seconds = var('accounting_burst_seconds', 1) -%}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

{#- bursts: runs of a user's transactions each logged less than
    accounting_burst_seconds after the previous one -#}
burst_marked as (

    select
        *,
        case
            when previous_logged_at is not null
                and logged_at < previous_logged_at + interval '{{ burst_seconds }} second'
                then 0
            else 1
        end as starts_new_run
    from transactions

),

burst_numbered as (

    select
        *,
        sum(starts_new_run) over (
            partition by user_id, currency
            order by user_sequence_number
            rows between unbounded preceding and current row
        ) as run_number
    from burst_marked

),

burst_members as (

    {#- only rows of runs of 2 or more reach the (costly) ordered lists -#}
    select *
    from (
        select
            *,
            count(*) over (partition by user_id, currency, run_number) as run_size
        from burst_numbered
    ) as sized
    where run_size >= 2

),

bursts_grouped as (

    select
        user_id,
        currency,
        run_number,
        count(*) as transaction_count,
        min(logged_at) as first_logged_at,
        max(logged_at) as last_logged_at,
        min(transaction_event_id) filter (where starts_new_run = 1) as first_transaction_event_id,
        min(transaction_id) filter (where starts_new_run = 1) as first_transaction_id,
        min(action) filter (where starts_new_run = 1) as first_action,
        sum(abs(net_amount)) as total_net_amount,
        {{ dbt.listagg('transaction_id', "', '", 'order by user_sequence_number') }} as transaction_ids,
        {{ dbt.listagg("coalesce(action, '(none)')", "', '", 'order by user_sequence_number') }} as actions
    from burst_members
    group by user_id, currency, run_number

),

bursts as (

    select
        'burst' as anomaly_type,
        first_transaction_event_id as anomaly_source_id,
        first_transaction_id as transaction_id,
        first_transaction_event_id as transaction_event_id,
        user_id,
        currency,
        first_logged_at as occurred_at,
        first_action as action,
        cast(transaction_count as {{ money_type() }}) as observed_value,
        cast(1 as {{ money_type() }}) as reference_value,
        cast({{ dbt.datediff('first_logged_at', 'last_logged_at', 'millisecond') }} as double) / 1000 as score,
        total_net_amount as amount_involved,
        cast(transaction_count as {{ dbt.type_string() }}) || ' transactions within '
            || cast(cast({{ dbt.datediff('first_logged_at', 'last_logged_at', 'millisecond') }} as double) / 1000 as {{ dbt.type_string() }})
            || ' s, each less than {{ burst_seconds }} s after the previous: ' || transaction_ids
            || ' (' || actions || ')' as details
    from bursts_grouped

)

select * from bursts
