{#-
    The log streams an incremental run by log stream builds again
    (delete+insert on log_stream), for a model whose rows carry source_file
    and file_sha256: the streams where a file version is loaded that
    `relation` holds no rows of (a new file, or a new version of one), and
    the streams holding a file not loaded now (retired, rejected: copies of
    its events in other files of the stream may count now). Which copy of an
    event counts moves only among the files of one stream (doc block
    event_identity), so every other stream's rows stay right. A stream
    whose files all left keeps its rows: the model's readers keep the file
    versions loaded now.

    Compare whole files, not events: the distinct versions of `relation` are
    few. The model names stg_raw__log_files in a depends_on comment (dbt
    does not see a ref inside is_incremental()).
-#}
{% macro log_streams_to_rebuild(relation) -%}
    select files.log_stream
    from {{ ref('stg_raw__log_files') }} as files
    where
        files.status = 'loaded'
        and files.source_file || ':' || files.sha256 not in (
            select distinct built.source_file || ':' || built.file_sha256
            from {{ relation }} as built
        )
    union all
    select files.log_stream
    from {{ ref('stg_raw__log_files') }} as files
    where files.status <> 'loaded'
{%- endmacro %}
