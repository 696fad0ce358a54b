{#-
    One row per batch item: the events of one request that follow one
    `Processing message <id>` (batch_item_number >= 1), or that come before
    the first one (batch_item_number = 0). Says which transaction the item
    carried and what became of it, from the messages logged in it.
-#}
with

request_events as (

    select * from {{ ref('int_log_events_classified') }}
    where request_id is not null
    {{ file_local_filter('and') }}

),

refusals as (

    select * from {{ ref('int_negative_balance_refusals') }}
    {{ file_local_filter() }}

),

transactions as (

    select * from {{ ref('int_transactions_parsed') }}
    {{ file_local_filter() }}

),

items_aggregated as (

    select
        source_file,
        request_id,
        batch_item_number,
        any_value(message_id) as message_id,
        min(logged_at) as started_at,
        count(*) as event_count,
        count(*) filter (where message_kind = 'transaction_block') as transaction_block_count,
        -- the first transaction block of the item; an item holds at most one
        arg_min(block_transaction_id, event_order_in_file)
            filter (where message_kind = 'transaction_block') as transaction_id,
        bool_or(message_kind = 'balance_update_published') as has_published,
        bool_or(message_kind = 'already_synced') as has_already_synced,
        bool_or(message_kind = 'negative_balance_refusal') as has_negative_balance_refusal,
        bool_or(message_kind = 'sync_mismatch') as has_sync_mismatch,
        -- an ERROR other than a sync mismatch, or the invocation ending in
        -- this item with a timeout or runtime error (REPORT ... Status: ...)
        coalesce(bool_or(
            (level = 'ERROR' and message_kind <> 'sync_mismatch')
            or (event_type = 'report' and regexp_matches(message, '\tStatus: (?:timeout|error)'))
        ), false) as has_error,
        bool_or(message_kind = 'skipped_create_subscription') as has_skipped_create_subscription,
        bool_or(message_kind = 'skipped_update_payment_balance_false') as has_skipped_update_payment_balance_false,
    from request_events
    group by source_file, request_id, batch_item_number

),

refused_transaction_of_item as (

    select
        source_file,
        request_id,
        batch_item_number,
        arg_min(transaction_id, line_number) as refused_transaction_id,
        arg_min(user_id, line_number) as refused_user_id,
    from refusals
    group by source_file, request_id, batch_item_number

),

items_with_subject as (

    select
        items_aggregated.*,
        refused_transaction_of_item.refused_transaction_id,
        coalesce(items_aggregated.transaction_id, refused_transaction_of_item.refused_transaction_id)
            as subject_transaction_id,
        coalesce(transactions.user_id, refused_transaction_of_item.refused_user_id) as subject_user_id,
        case
            when items_aggregated.has_negative_balance_refusal then 'blocked_negative_balance'
            when items_aggregated.has_already_synced then 'already_synced'
            when items_aggregated.has_published then 'published'
            when items_aggregated.has_error then 'failed'
            else 'unknown'
        end as outcome,
    from items_aggregated
    left join refused_transaction_of_item
        on items_aggregated.source_file = refused_transaction_of_item.source_file
        and items_aggregated.request_id = refused_transaction_of_item.request_id
        and items_aggregated.batch_item_number = refused_transaction_of_item.batch_item_number
    left join transactions
        on items_aggregated.source_file = transactions.source_file
        and items_aggregated.request_id = transactions.request_id
        and items_aggregated.batch_item_number = transactions.batch_item_number
        and items_aggregated.transaction_id = transactions.transaction_id

)

select * from items_with_subject
