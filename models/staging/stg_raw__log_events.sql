{#-
    One row per CloudWatch event as the loader cut it (view over
    raw.log_events): the line that starts with an ingestion timestamp and
    the lines up to the next one, text exactly as read. Staging is 1:1 with
    raw and stays a plain projection, so a filter on source_file (the
    incremental models read only new files) reaches the raw scan.
-#}
with

source_events as (

    select * from {{ source('raw', 'log_events') }}

),

renamed as (

    select
        source_file,
        event_number_in_file,
        line_number,
        last_line_number,
        line_count,
        event_text
    from source_events

)

select * from renamed
