-- Nothing is lost: for every loaded file, the events of marts.log_events
-- cover its lines 1..line_count exactly once (no gap, no overlap).
with

files as (

    select * from {{ ref('source_files') }}
    where status = 'loaded'

),

events as (

    select * from {{ ref('log_events') }}

),

event_ranges as (

    select
        source_file,
        line_number,
        last_line_number,
        lead(line_number) over (partition by source_file order by line_number) as next_line_number,
    from events

),

broken_ranges as (

    select source_file, 'gap or overlap after line ' || line_number::varchar as problem
    from event_ranges
    where next_line_number is not null and next_line_number <> last_line_number + 1

),

broken_files as (

    select files.source_file, 'events cover lines ' || coalesce(min(events.line_number), 0)::varchar
        || '..' || coalesce(max(events.last_line_number), 0)::varchar
        || ' of ' || files.line_count::varchar as problem
    from files
    left join events on files.source_file = events.source_file
    group by files.source_file, files.line_count
    having files.line_count > 0
        and (coalesce(min(events.line_number), 0) <> 1 or coalesce(max(events.last_line_number), 0) <> files.line_count)

)

select * from broken_ranges
union all
select * from broken_files
