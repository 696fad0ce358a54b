{#-
    Regular expressions of the CloudWatch export grammar (DOMAIN.md section 2),
    kept in one place so staging, intermediate models and tests agree.
    RE2 syntax, as DuckDB uses it. The readers of util.inspect values use
    DuckDB's regexp_extract/regexp_replace/try_cast, so they go through
    adapter.dispatch: another engine adds its own `<adapter>__` version.
-#}

{% macro event_start_pattern() -%}
    ^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z[ ]
{%- endmacro %}

{#- A value in Node.js util.inspect output: a quoted string (single, double or
    backtick quotes, with backslash escapes), a number (negative, decimal,
    exponent), or a bare word (undefined, null, true, false). -#}
{% macro inspect_value_pattern() -%}
    '(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`|-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[A-Za-z_]+
{%- endmacro %}

{#- The text of `key: value` for one key inside util.inspect output, as an
    SQL expression returning the raw value text (quotes kept) or null. -#}
{% macro inspect_raw_value(text_column, key) -%}
    {{ return(adapter.dispatch('inspect_raw_value', 'balance_sync')(text_column, key)) }}
{%- endmacro %}

{% macro duckdb__inspect_raw_value(text_column, key) -%}
    nullif(regexp_extract({{ text_column }}, '(?:^|[\s{,]){{ key }}: ({{ inspect_value_pattern() | replace("'", "''") }})', 1), '')
{%- endmacro %}

{#- A util.inspect value as text: quotes removed and backslash escapes undone;
    `undefined` and `null` become SQL null. -#}
{% macro inspect_text(raw_value) -%}
    {{ return(adapter.dispatch('inspect_text', 'balance_sync')(raw_value)) }}
{%- endmacro %}

{% macro duckdb__inspect_text(raw_value) -%}
    case
        when {{ raw_value }} in ('undefined', 'null') then null
        when left({{ raw_value }}, 1) in ('''', '"', '`')
            then regexp_replace(substr({{ raw_value }}, 2, length({{ raw_value }}) - 2), '\\(.)', '\1', 'g')
        else {{ raw_value }}
    end
{%- endmacro %}

{#- A util.inspect number as an exact decimal, parsed from its text (never
    through a float). Anything that is not a number gives null. -#}
{% macro inspect_money(raw_value) -%}
    {{ return(adapter.dispatch('inspect_money', 'balance_sync')(raw_value)) }}
{%- endmacro %}

{% macro duckdb__inspect_money(raw_value) -%}
    try_cast(case when regexp_full_match({{ raw_value }}, '-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?') then {{ raw_value }} end as {{ money_type() }})
{%- endmacro %}

{#- Exact decimal type of money columns (at least 6 decimals, DOMAIN.md section 4). -#}
{% macro money_type() -%}
    {{ return(adapter.dispatch('money_type', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__money_type() -%}
    decimal(38, 12)
{%- endmacro %}

{#- All `key: value` entries of a util.inspect object in one pass: the keys
    and the raw values (quotes kept) as two aligned lists (both expressions
    match the same spans). A quoted value is consumed whole, so text inside a
    string (e.g. JSON in `metadata`) never yields entries. Read one entry
    with inspect_entry(); the first occurrence of a key wins. -#}
{% macro inspect_entry_keys(text_column) -%}
    {{ return(adapter.dispatch('inspect_entry_keys', 'balance_sync')(text_column)) }}
{%- endmacro %}

{% macro duckdb__inspect_entry_keys(text_column) -%}
    regexp_extract_all({{ text_column }}, '(?:^|[\s{,])([A-Za-z_$][\w$]*): (?:{{ inspect_value_pattern() | replace("'", "''") }})', 1)
{%- endmacro %}

{% macro inspect_entry_values(text_column) -%}
    {{ return(adapter.dispatch('inspect_entry_values', 'balance_sync')(text_column)) }}
{%- endmacro %}

{% macro duckdb__inspect_entry_values(text_column) -%}
    regexp_extract_all({{ text_column }}, '(?:^|[\s{,])[A-Za-z_$][\w$]*: ({{ inspect_value_pattern() | replace("'", "''") }})', 1)
{%- endmacro %}

{% macro inspect_entry(keys_column, values_column, key) -%}
    {{ return(adapter.dispatch('inspect_entry', 'balance_sync')(keys_column, values_column, key)) }}
{%- endmacro %}

{% macro duckdb__inspect_entry(keys_column, values_column, key) -%}
    {{ values_column }}[list_position({{ keys_column }}, '{{ key }}')]
{%- endmacro %}
