{#-
    The raw tables on Spark: the lake loader (scripts/load_lake.py) writes them
    as Parquet in Spark's layout, $BALANCE_SYNC_LAKE/warehouse/raw.db/<table>/;
    this hook (on-run-start) names them in the metastore as external tables over
    those folders, so `source('raw', ...)` reads them as on DuckDB, and
    refreshes their file listing (a load since the last run added files). On
    DuckDB the loader creates the tables itself: nothing to do.
-#}
{% macro register_lake_sources() -%}
    {{ return(adapter.dispatch('register_lake_sources', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__register_lake_sources() -%}
{%- endmacro %}

{% macro spark__register_lake_sources() -%}
    {%- set raw = env_var('BALANCE_SYNC_LAKE', 'lake') ~ '/warehouse/raw.db' -%}
    {%- set tables = {
        'log_events': 'source_file string, event_number_in_file bigint, line_number bigint,
            last_line_number bigint, line_count bigint, event_text string',
        'log_files': 'source_file string, sha256 string, size_bytes bigint, line_count bigint,
            loaded_at timestamp_ntz, status string, error string, has_invalid_utf8 boolean, mtime_ns bigint,
            zip_crc32 bigint, zip_date_time string, events_file string',
    } -%}
    {%- do run_query('create database if not exists raw') -%}
    {%- for table, columns in tables.items() -%}
        {%- do run_query('create table if not exists raw.' ~ table ~ ' (' ~ columns ~ ') using parquet location '
                         ~ "'" ~ raw ~ '/' ~ table ~ "'") -%}
        {%- do run_query('refresh table raw.' ~ table) -%}
    {%- endfor -%}
{%- endmacro %}
