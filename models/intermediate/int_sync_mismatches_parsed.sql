{#-
    One row per ERROR `Subscription balance and payment balance are not in
    sync { userId, subscriptionBalance, paymentBalance }`, with its batch item
    (request and preceding `Processing message`) so it can be linked to the
    transaction block of the same item.

    Incremental by log stream (delete+insert on log_stream): a run reads
    the streams in which a file version arrived, changed or left
    (log_streams_to_rebuild); readers keep the file versions loaded now.
-#}
{{ config(
    materialized=incremental_by_file_materialization(),
    incremental_strategy='delete+insert',
    unique_key='log_stream',
    on_schema_change='fail'
) }}
-- read only by incremental runs (the file versions loaded now): depends_on: {{ ref('stg_raw__log_files') }}

with

sync_mismatch_events as (

    select * from {{ ref('int_log_events_current') }}
    where message_kind = 'sync_mismatch'
    {% if is_incremental() -%}
        and log_stream in ({{ log_streams_to_rebuild(this) }})
    {%- endif %}

),

fields_extracted as (

    select
        {{ event_context_columns() }}
        log_stream,
        file_sha256,
        file_loaded_at,
        {{ inspect_text(inspect_raw_value('message', 'userId')) }} as user_id,
        {{ inspect_money(inspect_raw_value('message', 'subscriptionBalance')) }} as subscription_balance,
        {{ inspect_money(inspect_raw_value('message', 'paymentBalance')) }} as payment_balance
    from sync_mismatch_events

)

select * from fields_extracted
