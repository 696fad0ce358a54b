-- Nothing is lost: for every loaded file, the events of marts.log_events
-- cover its lines 1..line_count exactly once: their line_count add up to
-- the file's (raw.log_files.line_count, via marts.source_files), each event's
-- range has line_count lines, and the ranges are contiguous and disjoint.
-- Files of the latest run of marts.log_events only (every file after a full
-- build; var rows_of_latest_run).
with

files as (

    select * from {{ ref('source_files') }}
    where status = 'loaded'
        and {{ var('rows_of_latest_run') | replace('MODEL', 'log_events') }}

),

events as (

    select source_file, line_number, last_line_number, line_count
    from {{ ref('log_events') }}
    where {{ var('rows_of_latest_run') | replace('MODEL', 'log_events') }}

),

event_ranges as (

    select
        source_file,
        line_number,
        last_line_number,
        line_count,
        lead(line_number) over (partition by source_file order by line_number) as next_line_number,
    from events

),

broken_ranges as (

    select source_file, 'gap or overlap after line ' || line_number::varchar as problem
    from event_ranges
    where next_line_number is not null and next_line_number <> last_line_number + 1
    union all
    select source_file, 'line_count disagrees with lines ' || line_number::varchar || '..' || last_line_number::varchar
    from event_ranges
    where line_count is distinct from last_line_number - line_number + 1 or line_count < 1

),

broken_files as (

    select files.source_file, 'events cover lines ' || coalesce(min(events.line_number), 0)::varchar
        || '..' || coalesce(max(events.last_line_number), 0)::varchar
        || ' with ' || coalesce(sum(events.line_count), 0)::varchar || ' lines'
        || ' of ' || files.line_count::varchar as problem
    from files
    left join events on files.source_file = events.source_file
    group by files.source_file, files.line_count
    having coalesce(sum(events.line_count), 0) <> files.line_count
        or (files.line_count > 0
            and (coalesce(min(events.line_number), 0) <> 1 or coalesce(max(events.last_line_number), 0) <> files.line_count))

)

select * from broken_ranges
union all
select * from broken_files
