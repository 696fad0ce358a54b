{#-
    One row per input file the loader has seen (raw.log_files), with the log
    stream it belongs to: the folder that directly holds the file (the last
    folder component of source_file; '' for a file given without a folder).

    A table (one row per file, cheap), not a view as the rest of staging:
    marts.log_events, a view, reads it, and a view over this view would name
    the database's catalog and stop working where the DuckDB file is
    attached under another name.
-#}
{{ config(materialized='table') }}
with

source_files as (

    select * from {{ source('raw', 'log_files') }}

),

renamed as (

    select
        source_file,
        {{ parent_folder_name('source_file') }} as log_stream,
        sha256,
        size_bytes,
        line_count,
        -- a plain timestamp on every engine (Spark reads the lake's as timestamp_ntz)
        cast(loaded_at as timestamp) as loaded_at,
        status,
        error,
        coalesce(has_invalid_utf8, false) as has_invalid_utf8
    from source_files

)

select * from renamed
