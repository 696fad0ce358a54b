{#- The name of the folder that directly holds a file, from its path with
    `/` separators: 'a/b/c.gz' -> 'b', 'c.gz' -> ''. regexp_extract with a
    group index returns '' when nothing matches in DuckDB and Spark alike. -#}
{% macro parent_folder_name(path) -%}
    {{ return(adapter.dispatch('parent_folder_name', 'balance_sync')(path)) }}
{%- endmacro %}

{% macro default__parent_folder_name(path) -%}
    regexp_extract({{ path }}, '([^/]*)/[^/]*$', 1)
{%- endmacro %}

{#- A hex digest of a text, for keys and identities (md5 in DuckDB and
    Spark alike). -#}
{% macro text_hash(expression) -%}
    {{ return(adapter.dispatch('text_hash', 'balance_sync')(expression)) }}
{%- endmacro %}

{% macro default__text_hash(expression) -%}
    md5({{ expression }})
{%- endmacro %}

{#- The materialization of a model built incrementally by file (delete+insert
    on source_file): `incremental` where the engine deletes rows; a whole
    `table` at each build where it does not (Spark's plain Parquet tables). -#}
{% macro incremental_by_file_materialization() -%}
    {{ return(adapter.dispatch('incremental_by_file_materialization', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__incremental_by_file_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{#- The value of `value` at the row where `ordering` is least (arg_min) or
    greatest (arg_max), rows whose value or ordering is null left out (as
    DuckDB's arg_min and arg_max do). -#}
{% macro arg_min(value, ordering) -%}
    {{ return(adapter.dispatch('arg_min', 'balance_sync')(value, ordering)) }}
{%- endmacro %}

{% macro default__arg_min(value, ordering) -%}
    arg_min({{ value }}, {{ ordering }})
{%- endmacro %}

{% macro arg_max(value, ordering) -%}
    {{ return(adapter.dispatch('arg_max', 'balance_sync')(value, ordering)) }}
{%- endmacro %}

{% macro default__arg_max(value, ordering) -%}
    arg_max({{ value }}, {{ ordering }})
{%- endmacro %}

{#- Several values compared as one, left to right (an ordering key). -#}
{% macro row_value(expressions) -%}
    {{ return(adapter.dispatch('row_value', 'balance_sync')(expressions)) }}
{%- endmacro %}

{% macro default__row_value(expressions) -%}
    ({{ expressions | join(', ') }})
{%- endmacro %}

{#- A struct of columns, each field named as its column. -#}
{% macro struct_of(columns) -%}
    {{ return(adapter.dispatch('struct_of', 'balance_sync')(columns)) }}
{%- endmacro %}

{% macro default__struct_of(columns) -%}
    { {%- for column in columns %}'{{ column }}': {{ column }}{{ ", " if not loop.last }}{% endfor -%} }
{%- endmacro %}

{#- `not materialized` for a common table expression read several times:
    each reader scans just its rows and columns (DuckDB); engines without the
    hint plan the query as a whole anyway (Spark inlines every CTE). -#}
{% macro cte_not_materialized() -%}
    {{ return(adapter.dispatch('cte_not_materialized', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__cte_not_materialized() -%}
    not materialized
{%- endmacro %}

{#- A decimal's whole part (truncated toward zero). -#}
{% macro decimal_trunc(expression) -%}
    {{ return(adapter.dispatch('decimal_trunc', 'balance_sync')(expression)) }}
{%- endmacro %}

{% macro default__decimal_trunc(expression) -%}
    trunc({{ expression }})
{%- endmacro %}

{#- A text without the characters of `characters` (an SQL expression) at its end. -#}
{% macro trim_trailing(text, characters) -%}
    {{ return(adapter.dispatch('trim_trailing', 'balance_sync')(text, characters)) }}
{%- endmacro %}

{% macro default__trim_trailing(text, characters) -%}
    rtrim({{ text }}, {{ characters }})
{%- endmacro %}

{#- A decimal as plain text, every digit of its scale (no exponent). -#}
{% macro decimal_text(expression) -%}
    {{ return(adapter.dispatch('decimal_text', 'balance_sync')(expression)) }}
{%- endmacro %}

{% macro default__decimal_text(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{#- The materialization of a mart that is a view of intermediate tables
    (no second copy of their rows): a `view`; a `table` where the marts must
    be files any reader opens (Spark's Parquet: a Spark view lives only in
    its metastore). -#}
{% macro mart_view_materialization() -%}
    {{ return(adapter.dispatch('mart_view_materialization', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__mart_view_materialization() -%}
    {{ return('view') }}
{%- endmacro %}
