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
