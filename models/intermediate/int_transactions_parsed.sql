{#-
    One row per transaction block of the file versions loaded now: the
    blocks read by int_transaction_blocks_parsed (which keeps the rows of a
    stream whose files all left until it is rebuilt), without their stream
    and file version.
-#}
{{ config(materialized='view') }}

with

blocks as (

    select * from {{ ref('int_transaction_blocks_parsed') }}

),

loaded_files as (

    select source_file, sha256
    from {{ ref('stg_raw__log_files') }}
    where status = 'loaded'

),

loaded_blocks as (

    select {{ star_except(['log_stream', 'file_sha256'], relation='blocks') }}
    from blocks
    inner join loaded_files
        on blocks.source_file = loaded_files.source_file
        and blocks.file_sha256 = loaded_files.sha256

)

select * from loaded_blocks
