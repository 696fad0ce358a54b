{#- Anomalies of type `error_spike_day` (their definition: marts.anomalies, _accounting.yml); one row per anomaly, in the columns every detector shares. -#}
{%- set spike_threshold = var('accounting_spike_threshold', 3.5) -%}
{%- set spike_min_history = var('accounting_spike_min_history', 5) -%}
{%- set spike_min_spread_ratio = var('accounting_spike_min_spread_ratio', 0.5) -%}
with

log_events as (

    select * from {{ ref('int_log_events_current') }}

),

{#- error days: ERROR events per UTC day, scored like the amount spikes
    against the median and MAD over every day with log events (the spread
    floored at accounting_spike_min_spread_ratio x median, and at 1 event) -#}
daily_errors as (

    select
        cast(logged_at as date) as error_date,
        count(*) filter (where level = 'ERROR') as error_count,
        count(*) as event_count
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
            as median_absolute_deviation
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
        ), 0) as spike_score
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
            || cast(round(spike_score, 1) as {{ dbt.type_string() }}) as details
    from daily_errors_scored
    where day_count >= {{ spike_min_history }}
        and spike_score > {{ spike_threshold }}

)

select * from error_spike_days
