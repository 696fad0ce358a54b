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

loaded_blocks as (

    select {{ star_except(file_version_columns(), relation='blocks') }}
    from blocks
    {{ join_loaded_file_version('blocks') }}

)

select * from loaded_blocks
