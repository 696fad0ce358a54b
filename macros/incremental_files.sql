{#-
    Incremental models keyed on the loader's file manifest (docs/incremental.md).

    Every input file's rows in the file-local models (event assembly and
    classification, transaction/refusal/sync parsing, batch items, the
    per-event and per-invocation marts) depend on that file alone, so a run
    only has to process the files that are new or changed since the model
    last ran, and drop the rows of files that changed or went away.

    What a model has processed is recorded per model in
    `intermediate.dbt_file_manifest (model_name, source_file, sha256)`,
    written by the model's post-hook in the same transaction as its rows.
    So a model that failed or was interrupted simply finds the same files
    still to do on the next run, and a model run on its own (`dbt run -s`)
    catches up with exactly what it missed. A changed file is a new sha256
    at the same path; a file that went away (rejected on a re-load, or
    removed from raw) is in the manifest but not among the loaded files.

    For a file-local model:

        {{ config(
            materialized='incremental',
            incremental_strategy='append',
            on_schema_change='fail',
            pre_hook=["{{ collect_changed_files() }}", "{{ delete_rows_of_changed_files() }}"],
            post_hook="{{ record_processed_files() }}",
        ) }}
        ... from {{ ref('upstream') }}
        {% if is_incremental() %} where source_file in ({{ files_to_process() }}) {% endif %}

    `--full-refresh` (or a missing table) rebuilds from every file with the
    same SQL and resets the model's manifest rows.
-#}

{% macro file_manifest_relation() -%}
    {{ return(adapter.dispatch('file_manifest_relation', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__file_manifest_relation() -%}
    {{ target.database }}.intermediate.dbt_file_manifest
{%- endmacro %}


{% macro create_file_manifest() -%}
    {{ return(adapter.dispatch('create_file_manifest', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__create_file_manifest() -%}
    {#- on-run-start: the manifest table exists before any model reads it -#}
    create schema if not exists {{ target.database }}.intermediate;
    create table if not exists {{ file_manifest_relation() }} (
        model_name varchar not null,
        source_file varchar not null,
        sha256 varchar not null,
        processed_at timestamp with time zone not null
    );
    {#- manifests written before processed_at existed -#}
    alter table {{ file_manifest_relation() }}
        add column if not exists processed_at timestamp with time zone default now();
{%- endmacro %}


{% macro loaded_files() -%}
    select source_file, sha256
    from {{ ref('stg_raw__log_files') }}
    where status = 'loaded'
{%- endmacro %}


{% macro processed_files() -%}
    select source_file, sha256
    from {{ file_manifest_relation() }}
    where model_name = '{{ this.identifier }}'
{%- endmacro %}


{% macro changed_files_relation() -%}
    {{ return(adapter.dispatch('changed_files_relation', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__changed_files_relation() -%}
    {{ target.database }}.intermediate.dbt_changed_files__{{ this.identifier }}
{%- endmacro %}


{% macro collect_changed_files() -%}
    {#- first pre-hook of an incremental run: the model's new, changed and gone
        files, compared with its manifest once and kept in a table for the
        hooks and filters of this run (record_processed_files drops it) -#}
    {%- if incremental_run() -%}
        create or replace table {{ changed_files_relation() }} as
        select source_file, sha256, true as is_to_process from (
            {{ loaded_files() }}
            except
            {{ processed_files() }}
        )
        union all
        select source_file, sha256, false as is_to_process from (
            {{ processed_files() }}
            except
            {{ loaded_files() }}
        )
    {%- endif -%}
{%- endmacro %}


{% macro files_to_process() -%}
    {#- loaded files (path and content) this model has not processed yet -#}
    select source_file from {{ changed_files_relation() }} where is_to_process
{%- endmacro %}


{% macro changed_files() -%}
    {#- files whose rows in this model are out of date: new or changed content, or gone -#}
    select source_file from {{ changed_files_relation() }}
{%- endmacro %}


{% macro delete_rows_of_changed_files() -%}
    {#- pre-hook: an incremental run first removes the rows of changed and gone files -#}
    {%- if incremental_run() -%}
        delete from {{ this }} where source_file in ({{ changed_files() }})
    {%- endif -%}
{%- endmacro %}


{% macro record_processed_files() -%}
    {{ return(adapter.dispatch('record_processed_files', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__record_processed_files() -%}
    {#- post-hook: after a full or incremental run the model holds exactly the
        loaded files; the ones processed now are stamped with this transaction's
        time, so the data tests of an incremental run can check just them
        (var rows_of_latest_run in dbt_project.yml) -#}
    {%- if not incremental_run() %}
    delete from {{ file_manifest_relation() }} where model_name = '{{ this.identifier }}';
    insert into {{ file_manifest_relation() }} (model_name, source_file, sha256, processed_at)
    select '{{ this.identifier }}', source_file, sha256, now()
    from ({{ loaded_files() }})
    {%- else %}
    delete from {{ file_manifest_relation() }} as manifest
    where model_name = '{{ this.identifier }}'
        and source_file in ({{ changed_files() }});
    insert into {{ file_manifest_relation() }} (model_name, source_file, sha256, processed_at)
    select '{{ this.identifier }}', source_file, sha256, now()
    from {{ changed_files_relation() }}
    where is_to_process;
    drop table {{ changed_files_relation() }}
    {%- endif %}
{%- endmacro %}



{% macro file_local_filter(keyword='where', source_file_column='source_file') -%}
    {#- an incremental run reads only the files to process: `where ...`, or
        `and ...` after a where-clause of the model's own -#}
    {%- if incremental_run() -%}
        {{ keyword }} {{ source_file_column }} in ({{ files_to_process() }})
    {%- endif -%}
{%- endmacro %}


{% macro refresh_log_events_is_overdraft() -%}
    {{ return(adapter.dispatch('refresh_log_events_is_overdraft', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__refresh_log_events_is_overdraft() -%}
    {#- post-hook of marts.log_events: a refusal or balance in one file can make
        an event of another file an overdraft event (or stop it being one) -#}
    update {{ this }} as events
    set is_overdraft = not events.is_overdraft
    where events.is_overdraft is distinct from coalesce(
        events.transaction_id in (select transaction_id from {{ ref('overdrafts') }}), false
    )
{%- endmacro %}


{% macro incremental_run() -%}
    {#- is_incremental(), and false where there is no relation to add to
        (a unit test renders the model without `this`) -#}
    {{ return(this is not none and is_incremental()) }}
{%- endmacro %}
