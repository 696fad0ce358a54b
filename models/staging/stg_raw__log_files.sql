with

source_files as (

    select * from {{ source('raw', 'log_files') }}

),

renamed as (

    select
        source_file,
        sha256,
        size_bytes,
        line_count,
        loaded_at,
        status,
        error,
        coalesce(has_invalid_utf8, false) as has_invalid_utf8
    from source_files

)

select * from renamed
