{#-
    The log streams an incremental run by log stream builds again
    (delete+insert on log_stream), for a model whose rows carry source_file,
    file_sha256 and file_loaded_at (when the loader loaded that file
    version): the streams with a file version loaded after the newest one
    `relation` holds rows of (new files, new versions of files), and the
    streams holding a file not loaded now (retired, rejected: copies of its
    events in other files of the stream may count now). Which copy of an
    event counts moves only among the files of one stream (doc block
    event_identity), so every other stream's rows stay right.

    The newest load a model holds rows of, not the file versions it holds:
    most files hold no failure, metric or sync mismatch, so a sparse model
    lacks rows of most loaded versions. When the newest loads gave it no
    rows, their streams are read again on the next run too: more work, the
    same rows. A rebuilt stream that gives no rows keeps its old ones (a
    delete+insert deletes the keys it inserts), so the model's readers keep
    the file versions loaded now (join_loaded_file_version).

    The streams are listed in the model's SQL as constants, read before
    the model runs: DuckDB then filters the events where it reads them,
    while a subquery is joined only after the whole event table was read
    (1.8 s against 0.4 s for an empty run at 1 GB). Past 5,000 streams, and
    in unit tests (whose `this` is a fixture), the rule stays a subquery.

    The model names stg_raw__log_files in a depends_on comment (dbt does
    not see a ref inside is_incremental()).
-#}
{% macro log_streams_to_rebuild(relation) -%}
    {%- set streams_query -%}
    select files.log_stream
    from {{ ref('stg_raw__log_files') }} as files
    where
        files.status = 'loaded'
        and files.loaded_at > coalesce(
            (select max(built.file_loaded_at) from {{ relation }} as built),
            cast('1970-01-01' as timestamp)
        )
    union
    select files.log_stream
    from {{ ref('stg_raw__log_files') }} as files
    where files.status <> 'loaded'
    {%- endset -%}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{ return(streams_query) }}
    {%- endif -%}
    {%- set streams = run_query(streams_query).columns[0].values() -%}
    {%- if streams | length > 5000 -%}
        {{ return(streams_query) }}
    {%- elif streams | length == 0 -%}
        {{ return('null') }}
    {%- endif -%}
    {%- set literals = [] -%}
    {%- for stream in streams -%}
        {%- do literals.append("'" ~ (stream | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {{ return(literals | join(', ')) }}
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

{#-
    The columns an incremental model by log stream keeps for its own
    bookkeeping (log_streams_to_rebuild, join_loaded_file_version): readers
    leave them out, star_except(file_version_columns(), ...).
-#}
{% macro file_version_columns() -%}
    {{ return(['log_stream', 'file_sha256', 'file_loaded_at']) }}
{%- endmacro %}
