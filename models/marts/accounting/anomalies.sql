{#-
    One row per anomaly: something unusual an accountant or engineer should
    look at, found with robust statistics or simple completeness rules (see
    _accounting.yml for each anomaly_type). Thresholds are dbt vars with
    defaults: accounting_spike_threshold (3.5, robust z-score),
    accounting_spike_min_spread_ratio (0.5), accounting_spike_min_history
    (5 transactions or days), accounting_burst_seconds (1).
-#}
{%- set spike_threshold = var('accounting_spike_threshold', 3.5) -%}
{%- set spike_min_history = var('accounting_spike_min_history', 5) -%}
{%- set spike_min_spread_ratio = var('accounting_spike_min_spread_ratio', 0.5) -%}
{%- set burst_seconds = var('accounting_burst_seconds', 1) -%}
with

transactions as (

    select * from {{ ref('int_accounting_transactions_sequenced') }}

),

log_events as (

    select * from {{ ref('int_log_events_current') }}

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
        {{ accounting_median('amount') }} over user_kind as median_amount,
        abs(amount - {{ accounting_median('amount') }} over user_kind) as absolute_deviation,
    from transactions
    window user_kind as (partition by user_id, currency, transaction_type, action_category)

),

amount_spreads as (

    select
        *,
        {{ accounting_median('absolute_deviation') }} over (
            partition by user_id, currency, transaction_type, action_category
        ) as median_absolute_deviation,
    from amount_deviations

),

amount_scored as (

    select
        *,
        cast(amount - median_amount as double) / nullif(greatest(
            1.4826 * cast(median_absolute_deviation as double),
            {{ spike_min_spread_ratio }} * abs(cast(median_amount as double))
        ), 0) as spike_score,
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
            || ') over the user''s ' || cast(history_count as {{ dbt.type_string() }})
            || ' transactions of that kind; score ' || cast(round(spike_score, 1) as {{ dbt.type_string() }}) as details,
    from amount_scored
    where history_count >= {{ spike_min_history }}
        and spike_score > {{ spike_threshold }}

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
        end as starts_new_run,
    from transactions

),

burst_numbered as (

    select
        *,
        sum(starts_new_run) over (
            partition by user_id, currency
            order by user_sequence_number
            rows between unbounded preceding and current row
        ) as run_number,
    from burst_marked

),

burst_members as (

    {#- only rows of runs of 2 or more reach the (costly) ordered lists -#}
    select *
    from (
        select
            *,
            count(*) over (partition by user_id, currency, run_number) as run_size,
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
        {{ dbt.listagg("coalesce(action, '(none)')", "', '", 'order by user_sequence_number') }} as actions,
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
            || ' (' || actions || ')' as details,
    from bursts_grouped

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
        'action ' || action || ' is not in the seed action_categories (categorised other)' as details,
    from transactions
    where action is not null
        and not is_known_action

),

missing_fields as (

    select
        'missing_field' as anomaly_type,
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
        'missing in the ' || coalesce(layout_version, '?') || ' transaction block: ' || missing_fields as details,
    from transactions
    where missing_fields is not null

),

{#- usual VAT rate of a currency: the most frequent vat / net_amount among
    its transactions with VAT, to 4 decimals (a statistic, not money); a
    transaction with VAT, or a gateway payment (source PAYMENT), is off
    when its VAT differs from net_amount x usual rate by more than half a
    minor unit -#}
vat_rates as (

    select
        currency,
        count(*) as vat_transaction_count,
        cast({{ accounting_mode('round(cast(vat as double) / cast(net_amount as double), 4)') }} as decimal(10, 4)) as usual_vat_rate,
    from transactions
    where vat <> 0
        and net_amount <> 0
    group by currency

),

vat_checked as (

    select
        transactions.*,
        vat_rates.usual_vat_rate,
        -- null when the product lies beyond the money type's range (flagged below)
        case
            when abs(cast(transactions.net_amount as double) * cast(vat_rates.usual_vat_rate as double)) < 1e25
                then {{ accounting_money_times_rate('transactions.net_amount', 'vat_rates.usual_vat_rate') }}
        end as usual_vat,
    from transactions
    inner join vat_rates
        on transactions.currency = vat_rates.currency
    where transactions.vat <> 0
        or transactions.source = 'PAYMENT'

),

vat_rates_off as (

    select
        'vat_rate_off' as anomaly_type,
        transaction_event_id as anomaly_source_id,
        transaction_id,
        transaction_event_id,
        user_id,
        currency,
        logged_at as occurred_at,
        action,
        vat as observed_value,
        usual_vat as reference_value,
        case when net_amount <> 0 then cast(vat as double) / cast(net_amount as double) end as score,
        vat - usual_vat as amount_involved,
        'VAT ' || {{ accounting_money_text('vat') }} || ' on net amount ' || {{ accounting_money_text('net_amount') }}
            || ' where the usual ' || currency || ' rate ' || cast(usual_vat_rate as {{ dbt.type_string() }})
            || ' gives ' || {{ accounting_money_text('usual_vat') }} as details,
    from vat_checked
    where abs(vat - usual_vat) > half_minor_unit
        or (usual_vat is null and net_amount is not null)

),

{#- error days: ERROR events per UTC day, scored like the amount spikes
    against the median and MAD over every day with log events (the spread
    floored at accounting_spike_min_spread_ratio x median, and at 1 event) -#}
daily_errors as (

    select
        cast(logged_at as date) as error_date,
        count(*) filter (where level = 'ERROR') as error_count,
        count(*) as event_count,
    from log_events
    where logged_at is not null
    group by cast(logged_at as date)

),

daily_error_median as (

    select {{ accounting_median('error_count') }} as median_error_count, count(*) as day_count
    from daily_errors

),

daily_error_spread as (

    select
        {{ accounting_median('abs(daily_errors.error_count - daily_error_median.median_error_count)') }}
            as median_absolute_deviation,
    from daily_errors
    cross join daily_error_median

),

daily_errors_scored as (

    select
        daily_errors.*,
        daily_error_median.median_error_count,
        daily_error_median.day_count,
        daily_error_spread.median_absolute_deviation,
        (daily_errors.error_count - cast(daily_error_median.median_error_count as double)) / nullif(greatest(
            1.4826 * cast(daily_error_spread.median_absolute_deviation as double),
            {{ spike_min_spread_ratio }} * cast(daily_error_median.median_error_count as double),
            1
        ), 0) as spike_score,
    from daily_errors
    cross join daily_error_median
    cross join daily_error_spread

),

error_spike_days as (

    select
        'error_spike_day' as anomaly_type,
        cast(error_date as {{ dbt.type_string() }}) as anomaly_source_id,
        cast(null as {{ dbt.type_string() }}) as transaction_id,
        cast(null as {{ dbt.type_string() }}) as transaction_event_id,
        cast(null as {{ dbt.type_string() }}) as user_id,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(error_date as timestamp) as occurred_at,
        cast(null as {{ dbt.type_string() }}) as action,
        cast(error_count as {{ money_type() }}) as observed_value,
        cast(median_error_count as {{ money_type() }}) as reference_value,
        spike_score as score,
        cast(null as {{ money_type() }}) as amount_involved,
        cast(error_count as {{ dbt.type_string() }}) || ' ERROR events of ' || cast(event_count as {{ dbt.type_string() }})
            || ' on ' || cast(error_date as {{ dbt.type_string() }}) || ' against a median of '
            || {{ accounting_money_text('cast(median_error_count as ' ~ money_type() ~ ')') }} || ' per day (MAD '
            || {{ accounting_money_text('cast(median_absolute_deviation as ' ~ money_type() ~ ')') }} || ') over '
            || cast(day_count as {{ dbt.type_string() }}) || ' days; score '
            || cast(round(spike_score, 1) as {{ dbt.type_string() }}) as details,
    from daily_errors_scored
    where day_count >= {{ spike_min_history }}
        and spike_score > {{ spike_threshold }}

),

all_anomalies as (

    select * from amount_spikes
    union all
    select * from bursts
    union all
    select * from invalid_actions
    union all
    select * from missing_fields
    union all
    select * from vat_rates_off
    union all
    select * from error_spike_days

),

final as (

    select
        {{ accounting_key(['anomaly_type', 'anomaly_source_id']) }} as anomaly_id,
        anomaly_type,
        transaction_id,
        transaction_event_id,
        user_id,
        currency,
        occurred_at,
        cast(occurred_at as date) as anomaly_date,
        action,
        observed_value,
        reference_value,
        score,
        amount_involved,
        details,
    from all_anomalies

)

select * from final
