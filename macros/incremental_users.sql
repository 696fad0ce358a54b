{#-
    Incremental models keyed on the user (docs/incremental.md, section 4.1).

    Continuity runs along each user's whole history, across files: a late
    export can put a transaction in the middle of a chain, and a refusal in
    one file can refuse a transaction logged in another. So a per-user model
    recomputes the *tail* of each affected user's history: every transaction
    of the user logged at or after the earliest one the change touches, and
    replaces those rows. A transaction is touched when
      1. it is in a file that is new, changed or gone since this model last
         ran (its manifest rows, see macros/incremental_files.sql), in the
         input or in this model;
      2. it is refused by a refusal in such a file;
      3. it was refused here and the refusal is no longer anywhere (its file
         changed or went away).
    A row depends on its own fields and on the previous row of its history
    (the continuity pair), so the rows before the tail are unchanged; the
    model reads the last of them (after the delete: the last row it kept)
    for the first row of the tail. Rows with no logged_at sort last, so they
    are always in the tail; a touched row with no logged_at makes the tail
    the whole history. Rows without a user (a block cut short) form one
    history of their own, as in a full build: they are keyed as `(no user)`.

    The tails are computed once per run, before the old rows are deleted,
    into `intermediate.dbt_affected_users__<model> (user_key, recompute_from)`
    (recompute_from null: the whole history; dropped after the run):

        {{ config(
            materialized='incremental',
            incremental_strategy='append',
            on_schema_change='fail',
            pre_hook=["{{ collect_changed_files() }}",
                      "{{ collect_affected_users(ref('int_transactions_parsed'), 'was_refused') }}",
                      "{{ delete_rows_of_affected_users() }}"],
            post_hook=["{{ record_processed_files() }}", "{{ drop_affected_users() }}"],
        ) }}
        ... from {{ ref('int_transactions_parsed') }} {{ affected_users_filter() }}
        ... and, for the first row of each tail, the last row kept of each
            affected history: {{ this }} where {{ affected_users_condition() }}.
-#}

{% macro user_key(column) -%}
    coalesce({{ column }}, '(no user)')
{%- endmacro %}


{% macro affected_users_relation() -%}
    {{ return(adapter.dispatch('affected_users_relation', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__affected_users_relation() -%}
    {{ this.database }}.intermediate.dbt_affected_users__{{ this.identifier }}
{%- endmacro %}


{% macro collect_affected_users(transactions_relation, refused_column) -%}
    {%- if incremental_run() -%}
        create or replace table {{ affected_users_relation() }} as
        with
        changed as ({{ changed_files() }}),
        refusals as (select * from {{ ref('int_negative_balance_refusals') }}),
        touched as (
            select {{ user_key('user_id') }} as user_key, logged_at
            from {{ transactions_relation }}
            where source_file in (select source_file from changed)
            union all
            select {{ user_key('user_id') }}, logged_at
            from {{ this }}
            where source_file in (select source_file from changed)
            union all
            select {{ user_key('user_id') }}, logged_at
            from {{ transactions_relation }}
            where transaction_id in (
                select transaction_id from refusals where source_file in (select source_file from changed)
            )
            union all
            select {{ user_key('user_id') }}, logged_at
            from {{ this }}
            where {{ refused_column }}
                and transaction_id not in (select transaction_id from refusals where transaction_id is not null)
        )
        select
            user_key,
            case when bool_or(logged_at is null) then null else min(logged_at) end as recompute_from,
        from touched
        group by user_key
    {%- endif -%}
{%- endmacro %}


{% macro in_affected_tail(user_id_column='user_id', logged_at_column='logged_at') -%}
    {#- true for a row of an affected user's tail -#}
    exists (
        select 1 from {{ affected_users_relation() }} as affected
        where affected.user_key = {{ user_key(user_id_column) }}
            and (affected.recompute_from is null
                or {{ logged_at_column }} is null
                or {{ logged_at_column }} >= affected.recompute_from)
    )
{%- endmacro %}


{% macro delete_rows_of_affected_users() -%}
    {%- if incremental_run() -%}
        delete from {{ this }} as kept
        where {{ in_affected_tail('kept.user_id', 'kept.logged_at') }}
    {%- endif -%}
{%- endmacro %}


{% macro affected_users_filter(keyword='where') -%}
    {#- the input rows to recompute: the tails -#}
    {%- if incremental_run() -%}
        {{ keyword }} {{ in_affected_tail() }}
    {%- endif -%}
{%- endmacro %}


{% macro affected_users_condition(user_id_column='user_id') -%}
    {#- true for any row of an affected user (a user with a tail) -#}
    {{ user_key(user_id_column) }} in (select user_key from {{ affected_users_relation() }})
{%- endmacro %}


{% macro drop_affected_users() -%}
    {{ return(adapter.dispatch('drop_affected_users', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__drop_affected_users() -%}
    drop table if exists {{ affected_users_relation() }}
{%- endmacro %}


{#-
    Models that read a user-keyed model per user (the accounting sequence,
    and the accounting marts over it) follow the users it recomputed
    through a queue, `intermediate.dbt_pending_users (model_name, user_key)`:
    the user-keyed model's post-hook adds the users it recomputed for each
    reader (a null user_key, meaning every user, after a full build), in the
    same transaction as its rows; the reader replaces those users' rows and
    empties its queue in its own transaction. A reader that failed or was
    interrupted keeps its queue for the next run; a reader run on its own
    catches up with every user queued since it last ran.

        upstream:  post_hook=["{{ queue_affected_users(['reader']) }}", "{{ drop_affected_users() }}"]
        reader:    pre_hook="{{ delete_rows_of_pending_users() }}",
                   post_hook="{{ clear_pending_users() }}",
                   ... from {{ ref('upstream') }} {{ pending_users_filter() }}

    A reader with readers of its own passes its queue on:
    post_hook=["{{ forward_pending_users(['its reader']) }}", "{{ clear_pending_users() }}"].

    Parts of a reader that use every user's rows (statistics over all users)
    are recomputed whole on every run: pass their condition to
    delete_rows_of_pending_users and leave their inputs unfiltered.
-#}

{% macro pending_users_relation() -%}
    {{ return(adapter.dispatch('pending_users_relation', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__pending_users_relation() -%}
    {{ target.database }}.intermediate.dbt_pending_users
{%- endmacro %}


{% macro create_pending_users() -%}
    {{ return(adapter.dispatch('create_pending_users', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__create_pending_users() -%}
    {#- on-run-start, like the file manifest -#}
    create table if not exists {{ pending_users_relation() }} (
        model_name varchar not null,
        user_key varchar
    )
{%- endmacro %}


{% macro queue_users(readers, users) -%}
    {{ return(adapter.dispatch('queue_users', 'balance_sync')(readers, users)) }}
{%- endmacro %}

{% macro default__queue_users(readers, users) -%}
    {#- post-hook: queue `users` (a select of user_key) for each reader; every
        user (a null user_key) after a full build -#}
    {%- for reader in readers %}
    insert into {{ pending_users_relation() }} (model_name, user_key)
    {%- if incremental_run() %}
    select '{{ reader }}', user_key from ({{ users }});
    {%- else %}
    values ('{{ reader }}', null);
    {%- endif %}
    {%- endfor %}
{%- endmacro %}


{% macro queue_affected_users(readers) -%}
    {#- post-hook of a user-keyed model, before drop_affected_users() -#}
    {{ queue_users(readers, 'select user_key from ' ~ affected_users_relation()) }}
{%- endmacro %}


{% macro forward_pending_users(readers) -%}
    {#- post-hook of a reader that has readers of its own, before clear_pending_users() -#}
    {{ queue_users(readers, 'select user_key from ' ~ pending_users_relation() ~ " where model_name = '" ~ this.identifier ~ "'") }}
{%- endmacro %}


{% macro pending_users_condition(column='user_id') -%}
    ({{ user_key(column) }} in (
        select user_key from {{ pending_users_relation() }} where model_name = '{{ this.identifier }}'
    ) or exists (
        select 1 from {{ pending_users_relation() }} where model_name = '{{ this.identifier }}' and user_key is null
    ))
{%- endmacro %}


{% macro pending_users_filter(keyword='where') -%}
    {%- if incremental_run() -%}
        {{ keyword }} {{ pending_users_condition() }}
    {%- endif -%}
{%- endmacro %}


{% macro delete_rows_of_pending_users(recomputed_whole=none) -%}
    {#- pre-hook of a reader; recomputed_whole: the condition of its rows that
        every run rebuilds (they depend on every user) -#}
    {%- if incremental_run() -%}
        delete from {{ this }}
        where {{ pending_users_condition() }}
        {%- if recomputed_whole %} or {{ recomputed_whole }}{% endif %}
    {%- endif -%}
{%- endmacro %}


{% macro clear_pending_users() -%}
    {{ return(adapter.dispatch('clear_pending_users', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__clear_pending_users() -%}
    {#- post-hook of a reader: its rows now follow every queued user -#}
    delete from {{ pending_users_relation() }} where model_name = '{{ this.identifier }}'
{%- endmacro %}
