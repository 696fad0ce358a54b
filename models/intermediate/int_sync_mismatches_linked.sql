{#-
    One row per "not in sync" ERROR, linked to the transaction block of the
    same batch item (same file and request, after the same `Processing
    message`): the last block logged before the error in that item, else
    the item's first block. Its currency is the linked block's.
-#}
with

sync_mismatches as (

    select {{ star_except(file_version_columns(), 'parsed') }}
    from {{ ref('int_sync_mismatches_parsed') }} as parsed
    {{ join_loaded_file_version('parsed') }}

),

transactions as (

    select * from {{ ref('int_transactions_parsed') }}

),

candidate_blocks as (

    select
        sync_mismatches.event_id,
        transactions.event_id as transaction_event_id,
        transactions.transaction_id,
        transactions.currency,
        row_number() over (
            partition by sync_mismatches.event_id
            order by
                case when transactions.event_order_in_file <= sync_mismatches.event_order_in_file then 0 else 1 end,
                case when transactions.event_order_in_file <= sync_mismatches.event_order_in_file
                    then -transactions.event_order_in_file else transactions.event_order_in_file end
        ) as block_preference
    from sync_mismatches
    inner join transactions
        on sync_mismatches.source_file = transactions.source_file
        and sync_mismatches.request_id = transactions.request_id
        and sync_mismatches.batch_item_number = transactions.batch_item_number

),

linked as (

    select
        sync_mismatches.*,
        candidate_blocks.transaction_event_id,
        candidate_blocks.transaction_id,
        candidate_blocks.currency,
        sync_mismatches.subscription_balance - sync_mismatches.payment_balance as difference
    from sync_mismatches
    left join candidate_blocks
        on sync_mismatches.event_id = candidate_blocks.event_id
        and candidate_blocks.block_preference = 1

)

select * from linked
