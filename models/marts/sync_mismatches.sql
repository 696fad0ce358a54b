{#- One row per "not in sync" ERROR: int_sync_mismatches_linked with its contract (_marts.yml). -#}
with

sync_mismatches as (

    select * from {{ ref('int_sync_mismatches_linked') }}

),

final as (

    select
        event_id as sync_mismatch_id,
        logged_at,
        request_id,
        message_id,
        user_id,
        transaction_id,
        transaction_event_id,
        currency,
        subscription_balance,
        payment_balance,
        difference,
        transaction_event_id is not null as is_linked_to_transaction,
        source_file,
        line_number
    from sync_mismatches

)

select * from final
