{#-
    On-run-start: what an engine needs before any model runs. On DuckDB the
    loader creates the raw tables itself: nothing to do. On Spark:

    The raw tables: the lake loader (scripts/load_lake.py) writes them
    as Parquet in Spark's layout, $BALANCE_SYNC_LAKE/warehouse/raw.db/<table>/;
    this hook (on-run-start) names them in the metastore as external tables over
    those folders, so `source('raw', ...)` reads them as on DuckDB, and
    refreshes their file listing (a load since the last run added files).

    DuckDB's names of string functions the models call, as Spark SQL
    functions of the session (temporary, inlined by Spark's optimizer: the
    plan holds Spark's own expression). A function that Spark cannot express
    this way (an aggregate, a lambda, a struct literal) goes through a
    dispatched macro instead (macros/spark/dialect.sql).
-#}
{% macro prepare_engine() -%}
    {{ return(adapter.dispatch('prepare_engine', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__prepare_engine() -%}
{%- endmacro %}

{% macro spark__prepare_engine() -%}
    {%- set raw = env_var('BALANCE_SYNC_LAKE', 'lake') ~ '/warehouse/raw.db' -%}
    {%- set tables = {
        'log_events': 'source_file string, event_number_in_file bigint, line_number bigint,
            last_line_number bigint, line_count bigint, event_text string',
        'log_files': 'source_file string, location string, sha256 string, size_bytes bigint, line_count bigint,
            loaded_at timestamp_ntz, status string, error string, has_invalid_utf8 boolean, mtime_ns bigint,
            zip_crc32 bigint, zip_date_time string, events_file string',
    } -%}
    {%- do run_query('create database if not exists raw') -%}
    {%- for table, columns in tables.items() -%}
        {%- do run_query('create table if not exists raw.' ~ table ~ ' (' ~ columns ~ ') using parquet location '
                         ~ "'" ~ raw ~ '/' ~ table ~ "'") -%}
        {%- do run_query('refresh table raw.' ~ table) -%}
    {%- endfor -%}
    {%- set functions = [
        "starts_with(text string, prefix string) returns boolean return startswith(text, prefix)",
        "regexp_matches(text string, pattern string) returns boolean return text rlike pattern",
        "regexp_full_match(text string, pattern string) returns boolean return text rlike concat('^(?:', pattern, ')\\z')",
        "strpos(text string, part string) returns int return instr(text, part)",
        "json_extract_string(json string, path string) returns string return get_json_object(json, path)",
        "json_valid(json string) returns boolean return case when json is not null then try_parse_json(json) is not null end",
    ] -%}
    {%- for function in functions -%}
        {%- do run_query('create or replace temporary function ' ~ function) -%}
    {%- endfor -%}
{%- endmacro %}
