{#-
    Incremental models keyed on the user (docs/incremental.md, section 4.1).

    Continuity runs along each user's whole history, across files: a late
    export can put a transaction in the middle of a chain, and a refusal in
    one file can refuse a transaction logged in another. So the per-user
    models recompute every transaction of each *affected* user and replace
    those users' rows. A user is affected when
      1. they have a transaction block in a file that is new, changed or
         gone since this model last ran (its manifest rows, see
         macros/incremental_files.sql), in the input or in this model;
      2. one of their transactions is refused by a refusal in such a file;
      3. one of their transactions was refused here and the refusal is no
         longer anywhere (its file changed or went away).
    Rows without a user (a block cut short) form one history of their own,
    as in a full build: they are keyed as `(no user)`.

    The set is computed once per run, before the old rows are deleted, into
    `intermediate.dbt_affected_users__<model>` (dropped after the run):

        {{ config(
            materialized='incremental',
            incremental_strategy='append',
            on_schema_change='fail',
            pre_hook=["{{ collect_affected_users(ref('int_transactions_parsed'), 'was_refused') }}",
                      "{{ delete_rows_of_affected_users() }}"],
            post_hook=["{{ record_processed_files() }}", "{{ drop_affected_users() }}"],
        ) }}
        ... from {{ ref('int_transactions_parsed') }} {{ affected_users_filter() }}
-#}

{% macro user_key(column) -%}
    coalesce({{ column }}, '(no user)')
{%- endmacro %}


{% macro affected_users_relation() -%}
    {{ this.database }}.intermediate.dbt_affected_users__{{ this.identifier }}
{%- endmacro %}


{% macro collect_affected_users(transactions_relation, refused_column) -%}
    {%- if incremental_run() -%}
        create or replace table {{ affected_users_relation() }} as
        with
        changed as ({{ changed_files() }}),
        refusals as (select * from {{ ref('int_negative_balance_refusals') }})
        select {{ user_key('user_id') }} as user_key
        from {{ transactions_relation }}
        where source_file in (select source_file from changed)
        union
        select {{ user_key('user_id') }}
        from {{ this }}
        where source_file in (select source_file from changed)
        union
        select {{ user_key('user_id') }}
        from {{ transactions_relation }}
        where transaction_id in (
            select transaction_id from refusals where source_file in (select source_file from changed)
        )
        union
        select {{ user_key('user_id') }}
        from {{ this }}
        where {{ refused_column }}
            and transaction_id not in (select transaction_id from refusals where transaction_id is not null)
    {%- endif -%}
{%- endmacro %}


{% macro delete_rows_of_affected_users() -%}
    {%- if incremental_run() -%}
        delete from {{ this }}
        where {{ user_key('user_id') }} in (select user_key from {{ affected_users_relation() }})
    {%- endif -%}
{%- endmacro %}


{% macro affected_users_filter(keyword='where') -%}
    {%- if incremental_run() -%}
        {{ keyword }} {{ user_key('user_id') }} in (select user_key from {{ affected_users_relation() }})
    {%- endif -%}
{%- endmacro %}


{% macro drop_affected_users() -%}
    drop table if exists {{ affected_users_relation() }}
{%- endmacro %}
