{#-
    One row per batch item: the events of one request that follow one
    `Processing message <id>` (batch_item_number >= 1), or that come before
    the first one (batch_item_number = 0). Says which transaction the item
    carried and what became of it, from the messages logged in it.

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

request_events as (

    select
        source_file,
        request_id,
        batch_item_number,
        message_id,
        logged_at,
        event_type,
        message_kind,
        level,
        log_stream,
        file_sha256,
        file_loaded_at
    from {{ ref('int_log_events_current') }}
    where request_id is not null
    {% if is_incremental() -%}
        and log_stream in ({{ log_streams_to_rebuild(this) }})
    {%- endif %}

),

failed_reports as (

    -- REPORT lines of an invocation that ended in a timeout or runtime error
    -- (their status as int_platform_events_parsed reads it)
    select distinct parsed.source_file, parsed.request_id, parsed.batch_item_number
    from {{ ref('int_platform_events_parsed') }} as parsed
    {{ join_loaded_file_version('parsed') }}
    where parsed.event_type = 'report' and parsed.request_id is not null
        and parsed.status in ('timeout', 'error')
    {% if is_incremental() -%}
        and parsed.log_stream in ({{ log_streams_to_rebuild(this) }})
    {%- endif %}

),

refusals as (

    select * from {{ ref('int_negative_balance_refusals') }}

),

transactions as (

    select blocks.*
    from {{ ref('int_transaction_blocks_parsed') }} as blocks
    {{ join_loaded_file_version('blocks') }}
    {% if is_incremental() -%}
        where blocks.log_stream in ({{ log_streams_to_rebuild(this) }})
    {%- endif %}

),

items_aggregated as (

    select
        source_file,
        log_stream,
        file_sha256,
        file_loaded_at,
        request_id,
        batch_item_number,
        any_value(message_id) as message_id,
        min(logged_at) as started_at,
        count(*) as event_count,
        count(*) filter (where message_kind = 'transaction_block') as transaction_block_count,
        bool_or(message_kind = 'balance_update_published') as has_published,
        bool_or(message_kind = 'already_synced') as has_already_synced,
        bool_or(message_kind = 'negative_balance_refusal') as has_negative_balance_refusal,
        bool_or(message_kind = 'sync_mismatch') as has_sync_mismatch,
        -- an ERROR other than a sync mismatch (or a failed REPORT, below)
        coalesce(bool_or(level = 'ERROR' and message_kind <> 'sync_mismatch'), false) as has_logged_error,
        bool_or(message_kind = 'skipped_create_subscription') as has_skipped_create_subscription,
        bool_or(message_kind = 'skipped_update_payment_balance_false') as has_skipped_update_payment_balance_false
    from request_events
    group by source_file, log_stream, file_sha256, file_loaded_at, request_id, batch_item_number

),

transaction_of_item as (

    -- the first transaction block of the item that has an id; an item holds
    -- at most one
    select
        source_file,
        request_id,
        batch_item_number,
        {{ arg_min(struct_of(['transaction_id', 'user_id']), 'event_order_in_file') }}
            filter (where transaction_id is not null) as first_block
    from transactions
    group by source_file, request_id, batch_item_number

),

items_with_failure as (

    -- an ERROR other than a sync mismatch, or the invocation ending in this
    -- item with a timeout or runtime error (REPORT ... Status: ...)
    select
        {{ star_except(['has_logged_error'], 'items_aggregated') }},
        items_aggregated.has_logged_error or failed_reports.batch_item_number is not null as has_error
    from items_aggregated
    left join failed_reports
        on items_aggregated.source_file = failed_reports.source_file
        and items_aggregated.request_id = failed_reports.request_id
        and items_aggregated.batch_item_number = failed_reports.batch_item_number

),

refused_transaction_of_item as (

    select
        source_file,
        request_id,
        batch_item_number,
        {{ arg_min('transaction_id', 'line_number') }} as refused_transaction_id,
        {{ arg_min('user_id', 'line_number') }} as refused_user_id
    from refusals
    group by source_file, request_id, batch_item_number

),

items_with_subject as (

    select
        items_with_failure.source_file,
        items_with_failure.log_stream,
        items_with_failure.file_sha256,
        items_with_failure.file_loaded_at,
        items_with_failure.request_id,
        items_with_failure.batch_item_number,
        items_with_failure.message_id,
        items_with_failure.started_at,
        items_with_failure.event_count,
        items_with_failure.transaction_block_count,
        -- named explicitly: engines name a struct field by different rules
        transaction_of_item.first_block.transaction_id as transaction_id,  -- noqa: AL09
        items_with_failure.has_published,
        items_with_failure.has_already_synced,
        items_with_failure.has_negative_balance_refusal,
        items_with_failure.has_sync_mismatch,
        items_with_failure.has_error,
        items_with_failure.has_skipped_create_subscription,
        items_with_failure.has_skipped_update_payment_balance_false,
        refused_transaction_of_item.refused_transaction_id,
        coalesce(transaction_of_item.first_block.transaction_id, refused_transaction_of_item.refused_transaction_id)
            as subject_transaction_id,
        coalesce(transaction_of_item.first_block.user_id, refused_transaction_of_item.refused_user_id)
            as subject_user_id,
        case
            when items_with_failure.has_negative_balance_refusal then 'blocked_negative_balance'
            when items_with_failure.has_already_synced then 'already_synced'
            when items_with_failure.has_published then 'published'
            when items_with_failure.has_error then 'failed'
            else 'unknown'
        end as outcome
    from items_with_failure
    left join transaction_of_item
        on items_with_failure.source_file = transaction_of_item.source_file
        and items_with_failure.request_id = transaction_of_item.request_id
        and items_with_failure.batch_item_number = transaction_of_item.batch_item_number
    left join refused_transaction_of_item
        on items_with_failure.source_file = refused_transaction_of_item.source_file
        and items_with_failure.request_id = refused_transaction_of_item.request_id
        and items_with_failure.batch_item_number = refused_transaction_of_item.batch_item_number

)

select * from items_with_subject
