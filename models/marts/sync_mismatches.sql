{#- One row per "not in sync" ERROR; incremental by file (macros/incremental_files.sql). -#}
with

sync_mismatches as (

    select * from {{ ref('int_sync_mismatches_linked') }}
    {{ file_local_filter() }}

),

transactions as (

    select * from {{ ref('int_transactions_parsed') }}
    {{ file_local_filter() }}

),

final as (

    select
        sync_mismatches.event_id as sync_mismatch_id,
        sync_mismatches.logged_at,
        sync_mismatches.request_id,
        sync_mismatches.message_id,
        sync_mismatches.user_id,
        sync_mismatches.transaction_id,
        sync_mismatches.transaction_event_id,
        transactions.currency,
        sync_mismatches.subscription_balance,
        sync_mismatches.payment_balance,
        sync_mismatches.difference,
        sync_mismatches.transaction_event_id is not null as is_linked_to_transaction,
        sync_mismatches.source_file,
        sync_mismatches.line_number,
    from sync_mismatches
    left join transactions
        on sync_mismatches.transaction_event_id = transactions.event_id

)

select * from final
