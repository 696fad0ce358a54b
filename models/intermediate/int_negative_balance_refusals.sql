{#-
    One row per negative-balance refusal: the bare object `{ message:
    'Subscriber will have a negative balance due to this action, the process
    will terminate.', data: { userId, currentBalance, transactionId[,
    newBalance] } }` the service logs when it refuses a transaction. The
    refused transaction may have no transaction block at all.
-#}
with

refusal_events as (

    select * from {{ ref('int_log_events_current') }}
    where message_kind = 'negative_balance_refusal'

),

fields_extracted as (

    select
        {{ event_context_columns() }}
        {{ inspect_text(inspect_raw_value('message', 'transactionId')) }} as transaction_id,
        {{ inspect_text(inspect_raw_value('message', 'userId')) }} as user_id,
        {{ inspect_money(inspect_raw_value('message', 'currentBalance')) }} as current_balance,
        {{ inspect_money(inspect_raw_value('message', 'newBalance')) }} as new_balance
    from refusal_events

)

select * from fields_extracted
