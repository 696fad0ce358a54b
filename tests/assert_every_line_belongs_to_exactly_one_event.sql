-- Nothing is lost: for every loaded file, its events (int_log_events_loaded,
-- each file's own copy of an event another file also brought included)
-- cover its lines 1..line_count exactly once (contiguous, disjoint ranges)
-- and their line_count add up to the file's (raw.log_files.line_count, via
-- marts.source_files).
--
-- Without a window over all events: if every event has line_count >= 1 lines
-- (last_line_number = line_number + line_count - 1, at most the file's last
-- line), one starts at line 1, each that ends before the file's last line is
-- followed by one that starts on the next line, and the line counts add up to
-- the file's, then the chain from line 1 covers the file exactly and no other
-- event is left: the ranges are contiguous and disjoint.
with

files as (

    select source_file, line_count from {{ ref('source_files') }}
    where status = 'loaded'

),

events as (

    select source_file, line_number, last_line_number, line_count
    from {{ ref('int_log_events_loaded') }}

),

events_in_their_file as (

    select
        events.*,
        files.line_count as file_line_count,
        following.line_number as next_line_number
    from events
    inner join files on events.source_file = files.source_file
    left join events as following
        on following.source_file = events.source_file
        and following.line_number = events.last_line_number + 1

),

broken_events as (

    select source_file, 'lines ' || cast(line_number as {{ dbt.type_string() }}) || '..' || cast(last_line_number as {{ dbt.type_string() }}) || ': ' || case
            when (line_count is null or line_count <> last_line_number - line_number + 1) or line_count < 1
                then 'line_count ' || coalesce(cast(line_count as {{ dbt.type_string() }}), 'null') || ' disagrees with the range'
            when last_line_number > file_line_count then 'past the last line of the file'
            else 'no event starts on the next line (a gap)'
        end as problem
    from events_in_their_file
    where (line_count is null or line_count <> last_line_number - line_number + 1)
        or line_count < 1
        or last_line_number > file_line_count
        or (last_line_number < file_line_count and next_line_number is null)

),

broken_files as (

    select files.source_file, 'events start at line ' || cast(coalesce(min(events.line_number), 0) as {{ dbt.type_string() }})
        || ' and hold ' || cast(coalesce(sum(events.line_count), 0) as {{ dbt.type_string() }}) || ' lines'
        || ' of ' || cast(files.line_count as {{ dbt.type_string() }}) as problem
    from files
    left join events on files.source_file = events.source_file
    group by files.source_file, files.line_count
    having coalesce(sum(events.line_count), 0) <> files.line_count
        or (files.line_count > 0 and coalesce(min(events.line_number), 0) <> 1)

)

select * from broken_events
union all
select * from broken_files
