-- The per-file counts of marts.source_files add up to the rows of
-- marts.log_events (each event once: a file's events less those an earlier
-- file already brought) and marts.transactions, and every transaction block
-- event of marts.log_events is a row of marts.transactions.
with

file_totals as (

    select sum(event_count - duplicate_event_count) as event_count, sum(transaction_count) as transaction_count
    from {{ ref('source_files') }}

),

mart_totals as (

    select
        (select count(*) from {{ ref('log_events') }}) as event_count,
        (select count(*) from {{ ref('transactions') }}) as transaction_count,
        (select count(*) from {{ ref('log_events') }} where message_kind = 'transaction_block') as block_event_count

)

select *
from file_totals
cross join mart_totals
where file_totals.event_count <> mart_totals.event_count
    or file_totals.transaction_count <> mart_totals.transaction_count
    or mart_totals.block_event_count <> mart_totals.transaction_count
