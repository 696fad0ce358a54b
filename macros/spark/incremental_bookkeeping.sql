{#-
    The incremental bookkeeping (macros/incremental_files.sql,
    macros/incremental_users.sql) on Spark. Spark's tables here are plain
    Parquet, without row-level delete or update, so every Spark build is a full
    rebuild (scripts/spark-run.sh passes --full-refresh) and the hooks that only
    matter to an incremental run do nothing. The file manifest is still kept,
    one partition per model (replaced whole by each build of the model), so the
    data tests' `where` (var rows_of_latest_run) reads as on DuckDB.
-#}

{% macro spark__file_manifest_relation() -%}
    intermediate.dbt_file_manifest
{%- endmacro %}

{% macro spark__changed_files_relation() -%}
    intermediate.dbt_changed_files__{{ this.identifier }}
{%- endmacro %}

{% macro spark__pending_users_relation() -%}
    intermediate.dbt_pending_users
{%- endmacro %}

{% macro spark__affected_users_relation() -%}
    intermediate.dbt_affected_users__{{ this.identifier }}
{%- endmacro %}

{% macro spark__create_file_manifest() -%}
    {%- do run_query('create database if not exists intermediate') -%}
    create table if not exists {{ file_manifest_relation() }} (
        source_file string,
        sha256 string,
        processed_at timestamp,
        model_name string
    ) using parquet partitioned by (model_name)
{%- endmacro %}

{% macro spark__record_processed_files() -%}
    {%- if incremental_run() -%}
        {{ exceptions.raise_compiler_error("incremental builds are not supported on Spark: build with --full-refresh (docs/spark.md)") }}
    {%- endif -%}
    insert overwrite table {{ file_manifest_relation() }} partition (model_name = '{{ this.identifier }}')
    select source_file, sha256, current_timestamp()
    from ({{ loaded_files() }}) as loaded
{%- endmacro %}

{#- An incremental run's state only: nothing to keep on Spark. -#}
{% macro spark__create_pending_users() -%}{%- endmacro %}
{% macro spark__queue_users(readers, users) -%}{%- endmacro %}
{% macro spark__clear_pending_users() -%}{%- endmacro %}
{% macro spark__drop_affected_users() -%}{%- endmacro %}

{% macro spark__refresh_log_events_is_overdraft() -%}
    {#- a full build computes is_overdraft from every file already -#}
{%- endmacro %}
