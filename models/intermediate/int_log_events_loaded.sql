{#-
    The classified events of the files as they are loaded now: the rows of
    int_log_events_classified whose file version (source_file, sha256) is the
    loaded one, each copy of an event in every file that holds it, with the
    file's log stream and load order. A file rejected on a reload or retired
    drops out here.
-#}
{{ config(materialized='view') }}

with

classified_events as (

    select * from {{ ref('int_log_events_classified') }}

),

loaded_events as (

    select
        classified_events.*,
        loaded_files.loaded_at as file_loaded_at
    from classified_events
    {{ join_loaded_file_version('classified_events') }}

)

select * from loaded_events
