{#-
    One row per ERROR `Subscription balance and payment balance are not in
    sync { userId, subscriptionBalance, paymentBalance }`, with its batch item
    (request and preceding `Processing message`) so it can be linked to the
    transaction block of the same item.
-#}
with

sync_mismatch_events as (

    select * from {{ ref('int_log_events_current') }}
    where message_kind = 'sync_mismatch'

),

fields_extracted as (

    select
        {{ event_context_columns() }}
        {{ inspect_text(inspect_raw_value('message', 'userId')) }} as user_id,
        {{ inspect_money(inspect_raw_value('message', 'subscriptionBalance')) }} as subscription_balance,
        {{ inspect_money(inspect_raw_value('message', 'paymentBalance')) }} as payment_balance
    from sync_mismatch_events

)

select * from fields_extracted
