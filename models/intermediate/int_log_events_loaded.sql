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

loaded_files as (

    select source_file, sha256, loaded_at
    from {{ ref('stg_raw__log_files') }}
    where status = 'loaded'

),

loaded_events as (

    select
        classified_events.*,
        loaded_files.loaded_at as file_loaded_at
    from classified_events
    inner join loaded_files
        on classified_events.source_file = loaded_files.source_file
        and classified_events.file_sha256 = loaded_files.sha256

)

select * from loaded_events
