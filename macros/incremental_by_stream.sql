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

{#-
    Keeps the rows of `alias` (a relation whose rows carry source_file and
    file_sha256) that belong to a file version loaded now: a file retired or
    rejected on a reload, and an older version of a file, drop out. `files`:
    stg_raw__log_files as the reader names it (a view names it without the
    database); columns of the file are there as `loaded_files`.
-#}
{% macro join_loaded_file_version(alias, files=none) -%}
    inner join {{ files if files is not none else ref('stg_raw__log_files') }} as loaded_files
        on {{ alias }}.source_file = loaded_files.source_file
        and {{ alias }}.file_sha256 = loaded_files.sha256
        and loaded_files.status = 'loaded'
{%- endmacro %}
