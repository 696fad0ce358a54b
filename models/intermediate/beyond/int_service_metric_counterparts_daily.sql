{#-
    One row per UTC day and service metric name that has a counterpart in
    the marts: how many times the marts' own rules saw, that day, what the
    service meant to count (doc block service_metric_counterparts
    in models/intermediate/beyond/beyond_docs.md):
    - subBalanceDiscrapancy: "not in sync" ERRORs (marts.sync_mismatches);
    - synBalanceError: "An error occured while syncing the balance" ERRORs;
    - negativeBalance: attempts refused for a negative balance (distinct
      transaction ids, as marts.overdrafts counts them).
-#}
with

log_events as (

    select * from {{ ref('int_log_events_current') }}

),

sync_mismatches as (

    select * from {{ ref('int_sync_mismatches_linked') }}

),

refusals as (

    select * from {{ ref('int_negative_balance_refusals') }}

),

sync_mismatches_daily as (

    select
        cast(logged_at as date) as metric_date,
        'subBalanceDiscrapancy' as metric_name,
        count(*) as derived_count
    from sync_mismatches
    group by cast(logged_at as date)

),

sync_errors_daily as (

    select
        cast(logged_at as date) as metric_date,
        'synBalanceError' as metric_name,
        count(*) as derived_count
    from log_events
    where message_kind = 'sync_error'
    group by cast(logged_at as date)

),

refusals_first_seen as (

    select
        coalesce(transaction_id, event_id) as refused_attempt_id,
        min(logged_at) as refused_at
    from refusals
    group by coalesce(transaction_id, event_id)

),

refusals_daily as (

    select
        cast(refused_at as date) as metric_date,
        'negativeBalance' as metric_name,
        count(*) as derived_count
    from refusals_first_seen
    group by cast(refused_at as date)

),

final as (

    select * from sync_mismatches_daily
    union all
    select * from sync_errors_daily
    union all
    select * from refusals_daily

)

select * from final
