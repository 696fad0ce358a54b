with

log_files as (

    select * from {{ ref('stg_raw__log_files') }}

),

events as (

    select * from {{ ref('int_log_events_loaded') }}

),

transactions as (

    select * from {{ ref('int_transactions_parsed') }}

),

event_counts as (

    select
        source_file,
        count(*) as event_count,
        count(*) filter (where event_type = 'application') as application_event_count,
        count(*) filter (where message_kind = 'other') as other_event_count,
        sum(line_count) as event_line_count,
        min(logged_at) as first_logged_at,
        max(logged_at) as last_logged_at
    from events
    group by source_file

),

repeated_counts as (

    select source_file, count(*) as duplicate_event_count
    from {{ ref('int_log_events_repeated') }}
    group by source_file

),

transaction_counts as (

    select source_file, count(*) as transaction_count
    from transactions
    group by source_file

),

final as (

    select
        log_files.source_file,
        log_files.log_stream,
        log_files.sha256,
        log_files.size_bytes,
        log_files.line_count,
        coalesce(event_counts.event_count, 0) as event_count,
        coalesce(repeated_counts.duplicate_event_count, 0) as duplicate_event_count,
        coalesce(transaction_counts.transaction_count, 0) as transaction_count,
        coalesce(event_counts.application_event_count, 0) as application_event_count,
        coalesce(event_counts.other_event_count, 0) as other_event_count,
        cast(coalesce(event_counts.event_line_count, 0) as bigint) as event_line_count,
        event_counts.first_logged_at,
        event_counts.last_logged_at,
        log_files.status,
        log_files.error,
        log_files.has_invalid_utf8,
        log_files.loaded_at
    from log_files
    left join event_counts
        on log_files.source_file = event_counts.source_file
    left join repeated_counts
        on log_files.source_file = repeated_counts.source_file
    left join transaction_counts
        on log_files.source_file = transaction_counts.source_file

)

select * from final
