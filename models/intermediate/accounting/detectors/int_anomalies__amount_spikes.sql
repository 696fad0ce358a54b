{#- Anomalies of type `amount_spike` (their definition: marts.anomalies, _accounting.yml); one row per anomaly, in the columns every detector shares. -#}
{%- set spike_threshold = var('accounting_spike_threshold', 3.5) -%}
{%- set spike_min_history = var('accounting_spike_min_history', 5) -%}
{%- set spike_min_spread_ratio = var('accounting_spike_min_spread_ratio', 0.5) -%}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

{#- amount spikes: robust z-score (x - median) / (1.4826 * MAD) within
    the user's own history of the same currency, type and category, the
    spread floored at accounting_spike_min_spread_ratio x |median| so that
    a user whose amounts hardly vary (MAD 0) is not flagged for every small
    change; only amounts above the median are spikes. -#}
amount_deviations as (

    select
        *,
        count(*) over user_kind as history_count,
        {{ accounting_median('amount', 'user_kind') }} as median_amount,
        abs(amount - {{ accounting_median('amount', 'user_kind') }}) as absolute_deviation
    from transactions
    window user_kind as (partition by user_id, currency, transaction_type, action_category)

),

amount_spreads as (

    select
        *,
        {{ accounting_median(
            'absolute_deviation', '(partition by user_id, currency, transaction_type, action_category)'
        ) }} as median_absolute_deviation
    from amount_deviations

),

amount_scored as (

    select
        *,
        cast(amount - median_amount as double) / nullif(greatest(
            1.4826 * cast(median_absolute_deviation as double),
            {{ spike_min_spread_ratio }} * abs(cast(median_amount as double))
        ), 0) as spike_score
    from amount_spreads

),

amount_spikes as (

    select
        'amount_spike' as anomaly_type,
        transaction_event_id as anomaly_source_id,
        transaction_id,
        transaction_event_id,
        user_id,
        currency,
        logged_at as occurred_at,
        action,
        amount as observed_value,
        median_amount as reference_value,
        spike_score as score,
        amount as amount_involved,
        coalesce(transaction_type, '?') || ' ' || action_category || ' amount ' || {{ accounting_money_text('amount') }}
            || ' against a median of ' || {{ accounting_money_text('median_amount') }}
            || ' (MAD ' || {{ accounting_money_text('median_absolute_deviation') }}
            || ') over the user' || chr(39) || 's ' || cast(history_count as {{ dbt.type_string() }})
            || ' transactions of that kind; score ' || cast(round(spike_score, 1) as {{ dbt.type_string() }}) as details
    from amount_scored
    where history_count >= {{ spike_min_history }}
        and spike_score > {{ spike_threshold }}

)

select * from amount_spikes
