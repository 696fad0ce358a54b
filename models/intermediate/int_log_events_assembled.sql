{#-
    One row per log event: the line that starts it plus its continuation
    lines (multi-line objects, stack traces, the XRAY line of a REPORT).
    Lines before the first event start of a file (a cut export) form an event
    of their own with event_number_in_file = 0 and no timestamp, so no line is
    lost.

    The loader cuts the events (scripts/logloader/events.py, raw.log_events),
    so this is a view: the event text without the exporter's empty line after
    the event (and a CRLF file's carriage returns at the very end). A plain
    projection, no window: an incremental model's filter on source_file
    reaches the scan of raw.log_events.
-#}
{{ config(materialized='view') }}

with

raw_events as (

    select * from {{ ref('stg_raw__log_events') }}

),

trimmed as (

    -- the same columns; the text without the exporter's trailing empty line.
    -- regexp_replace = rtrim(event_text, chr(13) || chr(10)), ~8x faster:
    -- RE2 matches an end-anchored pattern backwards from the end of the text,
    -- while rtrim decodes the whole text (1 GB of events: 0.5 s instead of
    -- 4.4 s; a view computes it on every row it reads, new files or not)
    select
        source_file,
        event_number_in_file,
        line_number,
        last_line_number,
        line_count,
        regexp_replace(event_text, '[\r\n]+$', '') as event_text
    from raw_events

)

select * from trimmed
