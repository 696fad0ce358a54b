{#-
    One row per transaction block (`Start syncing the balance { transaction:
    {...} }`), its fields read from the Node.js util.inspect text in SQL:
    unquoted keys, single/double/backtick-quoted strings with backslash
    escapes, bare `undefined`, negative and float-noisy numbers. Both layouts:
    legacy (id, userId, currency, amount, vat, oldBalance, newBalance) and
    current (adds type, source, action, paymentBalance, updatePaymentBalance,
    metadata). Money is read from its text as an exact decimal (inspect_money:
    never through a float; exponent notation rewritten as plain digits).
    `metadata` is a string holding JSON; only wallet_id and delivery_id are
    kept (it may hold names, e-mails and phone numbers).

    Each block is read once: incremental by log stream (delete+insert on
    log_stream), a run reads the blocks of the streams in which a file
    version arrived, changed or left (log_streams_to_rebuild). Readers read
    int_transactions_parsed, the blocks of the file versions loaded now.
-#}
{{ config(
    materialized=incremental_by_file_materialization(),
    incremental_strategy='delete+insert',
    unique_key='log_stream',
    on_schema_change='fail'
) }}
-- read only by incremental runs (the file versions loaded now): depends_on: {{ ref('stg_raw__log_files') }}

with

transaction_block_events as (

    select * from {{ ref('int_log_events_current') }}
    where message_kind = 'transaction_block'
    {% if is_incremental() -%}
        and log_stream in ({{ log_streams_to_rebuild(this) }})
    {%- endif %}

),

transaction_objects as (

    select
        {{ event_context_columns() }}
        log_stream,
        file_sha256,
        file_loaded_at,
        -- the inner `transaction: {...}` object when present, else the whole
        -- message; its start is found by a short capture (a capture of the
        -- whole rest of the text costs RE2 a slow pass over all of it)
        coalesce(
            substr(message, nullif(length({{ regexp_extract_dot_all('message', '^(.*?transaction:\\s*)\\{', 1) }}), 0) + 1),
            message
        ) as transaction_text
    from transaction_block_events

),

entries_listed as (

    -- one pass over the text for all keys, instead of one regular-expression
    -- scan per key
    select
        *,
        {{ inspect_entries('transaction_text') }} as entries
    from transaction_objects

),

entries_extracted as (

    select
        {{ star_except(['entries']) }},
        {{ inspect_entry_keys('entries') }} as entry_keys,
        {{ inspect_entry_values('entries') }} as entry_values
    from entries_listed

),

raw_values_extracted as (

    select
        *,
        {{ inspect_entry('entry_keys', 'entry_values', 'id') }} as raw_id,
        {{ inspect_entry('entry_keys', 'entry_values', 'type') }} as raw_type,
        {{ inspect_entry('entry_keys', 'entry_values', 'source') }} as raw_source,
        {{ inspect_entry('entry_keys', 'entry_values', 'action') }} as raw_action,
        {{ inspect_entry('entry_keys', 'entry_values', 'userId') }} as raw_user_id,
        {{ inspect_entry('entry_keys', 'entry_values', 'paymentBalance') }} as raw_payment_balance,
        {{ inspect_entry('entry_keys', 'entry_values', 'updatePaymentBalance') }} as raw_update_payment_balance,
        {{ inspect_entry('entry_keys', 'entry_values', 'metadata') }} as raw_metadata,
        {{ inspect_entry('entry_keys', 'entry_values', 'currency') }} as raw_currency,
        {{ inspect_entry('entry_keys', 'entry_values', 'amount') }} as raw_amount,
        {{ inspect_entry('entry_keys', 'entry_values', 'vat') }} as raw_vat,
        {{ inspect_entry('entry_keys', 'entry_values', 'oldBalance') }} as raw_old_balance,
        {{ inspect_entry('entry_keys', 'entry_values', 'newBalance') }} as raw_new_balance
    from entries_extracted

),

fields_typed as (

    select
        {{ event_context_columns() }}
        log_stream,
        file_sha256,
        file_loaded_at,
        {{ inspect_text('raw_id') }} as transaction_id,
        {{ inspect_text('raw_user_id') }} as user_id,
        upper({{ inspect_text('raw_currency') }}) as currency,
        upper({{ inspect_text('raw_type') }}) as logged_transaction_type,
        {{ inspect_text('raw_source') }} as source,
        {{ inspect_text('raw_action') }} as action,
        {{ inspect_money('raw_amount') }} as amount,
        {{ inspect_money('raw_vat') }} as vat,
        {{ inspect_money('raw_old_balance') }} as old_balance,
        {{ inspect_money('raw_new_balance') }} as new_balance,
        {{ inspect_money('raw_payment_balance') }} as payment_balance,
        case raw_update_payment_balance when 'true' then true when 'false' then false end as update_payment_balance,
        {{ inspect_text('raw_metadata') }} as metadata_json,
        case
            when raw_type is not null or raw_source is not null or raw_action is not null
                or raw_metadata is not null or raw_payment_balance is not null then 'current'
            else 'legacy'
        end as layout_version
    from raw_values_extracted

),

metadata_read as (

    select
        {{ star_except(['metadata_json']) }},
        case when json_valid(metadata_json) then json_extract_string(metadata_json, '$.walletId') end as wallet_id,
        case when json_valid(metadata_json) then json_extract_string(metadata_json, '$.deliveryId') end as delivery_id
    from fields_typed

)

select * from metadata_read
