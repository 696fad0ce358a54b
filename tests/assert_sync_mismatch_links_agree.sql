-- Each sync mismatch is linked to a transaction block of its own batch item
-- (same file, request and message id), and marts.transactions counts exactly
-- the mismatches linked to it.
with

sync_mismatches as (

    select * from {{ ref('sync_mismatches') }}

),

transactions as (

    select * from {{ ref('transactions') }}

),

wrong_item as (

    select sync_mismatches.sync_mismatch_id as id, 'linked across batch items' as problem
    from sync_mismatches
    inner join transactions
        on sync_mismatches.transaction_event_id = transactions.transaction_event_id
    where sync_mismatches.request_id is distinct from transactions.request_id
        or sync_mismatches.message_id is distinct from transactions.message_id
        or sync_mismatches.source_file is distinct from transactions.source_file

),

count_disagrees as (

    select transactions.transaction_event_id as id, 'sync_mismatch_count disagrees' as problem
    from transactions
    left join (
        select transaction_event_id, count(*) as linked_count
        from sync_mismatches
        group by transaction_event_id
    ) as linked
        on transactions.transaction_event_id = linked.transaction_event_id
    where transactions.sync_mismatch_count <> coalesce(linked.linked_count, 0)

)

select * from wrong_item
union all
select * from count_disagrees
