{#-
    The only model that touches every raw line, so it stays a view with one
    cheap regular expression: it marks the lines that start a CloudWatch
    event (`YYYY-MM-DDTHH:MM:SS.mmmZ `). Everything else is done per event.
-#}
with

source_lines as (

    select * from {{ source('raw', 'log_lines') }}

),

flagged_lines as (

    select
        source_file,
        line_number,
        line,
        regexp_matches(line, '{{ event_start_pattern() }}') as is_event_start,
    from source_lines

)

select * from flagged_lines
