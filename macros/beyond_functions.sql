{#-
    Dialect-specific expressions of the service-metric, break-cause and VAT
    models, each with a portable default.
-#}

{#- The text at a JSON path (a JSONPath string expression, e.g.
    '$._aws.Timestamp') of a JSON text; null when absent. The default is
    SQL:2016 JSON_VALUE. -#}
{% macro json_text(json_expression, path_expression) -%}
    {{ return(adapter.dispatch('json_text', 'balance_sync')(json_expression, path_expression)) }}
{%- endmacro %}

{% macro default__json_text(json_expression, path_expression) -%}
    json_value({{ json_expression }}, {{ path_expression }})
{%- endmacro %}

{% macro duckdb__json_text(json_expression, path_expression) -%}
    json_extract_string({{ json_expression }}, {{ path_expression }})
{%- endmacro %}

{#- The UTC timestamp of a count of milliseconds since 1970-01-01. -#}
{% macro epoch_milliseconds_to_timestamp(milliseconds) -%}
    {{ return(adapter.dispatch('epoch_milliseconds_to_timestamp', 'balance_sync')(milliseconds)) }}
{%- endmacro %}

{% macro default__epoch_milliseconds_to_timestamp(milliseconds) -%}
    {{ dbt.dateadd('millisecond', milliseconds, "cast('1970-01-01 00:00:00' as timestamp)") }}
{%- endmacro %}

{% macro duckdb__epoch_milliseconds_to_timestamp(milliseconds) -%}
    cast(epoch_ms(cast({{ milliseconds }} as bigint)) as timestamp)
{%- endmacro %}

{#- A relation of the integers 0 .. count - 1, one per row, as `position`:
    the positions of the entries of a JSON array (portable: no unnest). -#}
{% macro array_positions(count) -%}
    {%- for position in range(count) %}
    select {{ position }} as position{% if not loop.last %} union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- True when a text is well-formed JSON. The default is SQL:2016 IS JSON. -#}
{% macro json_is_valid(text_expression) -%}
    {{ return(adapter.dispatch('json_is_valid', 'balance_sync')(text_expression)) }}
{%- endmacro %}

{% macro default__json_is_valid(text_expression) -%}
    ({{ text_expression }} is json)
{%- endmacro %}

{% macro duckdb__json_is_valid(text_expression) -%}
    coalesce(json_valid({{ text_expression }}), false)
{%- endmacro %}

{#- The UTC day a CloudWatch log stream folder is named after
    (`2024-02-13-[$LATEST]565b...` gives 2024-02-13), from a file path whose
    folder is the stream; null when the folder is not named so. -#}
{% macro log_stream_day(source_file) -%}
    {{ return(adapter.dispatch('log_stream_day', 'balance_sync')(source_file)) }}
{%- endmacro %}

{% macro default__log_stream_day(source_file) -%}
    cast(nullif(regexp_substr({{ source_file }}, '[0-9]{4}-[0-9]{2}-[0-9]{2}(?=-\\[[^/]*/[^/]*$)'), '') as date)
{%- endmacro %}

{% macro duckdb__log_stream_day(source_file) -%}
    try_cast(nullif(regexp_extract({{ source_file }}, '([0-9]{4}-[0-9]{2}-[0-9]{2})-\[[^/]*/[^/]*$', 1), '') as date)
{%- endmacro %}
