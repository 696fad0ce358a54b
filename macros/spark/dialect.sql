{#-
    Spark SQL variants of the project's dialect macros (the DuckDB versions,
    with what each computes, are beside their dispatchers in macros/). The
    profile reads string literals as written (spark.sql.parser.escapedStringLiterals),
    so a regular expression is the same text as on DuckDB; Spark's regular
    expressions are Java's, which read these patterns as RE2 does.
-#}

{#- A Spark string literal of any text: a quote is spliced in with chr(39)
    (Spark reads '' as two adjacent literals, not as an escaped quote), a lone
    final backslash with chr(92) (it would escape the closing quote). -#}
{% macro spark_literal(text) -%}
    {%- set pieces = text.split("'") -%}
    ({% for piece in pieces -%}
        {%- if not loop.first %} || chr(39) || {% endif -%}
        {%- if piece.endswith('\\') and not piece.endswith('\\\\') -%}
            '{{ piece[:-1] }}' || chr(92)
        {%- else -%}
            '{{ piece }}'
        {%- endif -%}
    {%- endfor %})
{%- endmacro %}

{#- The same values as RE2's pattern, for Java's backtracking engine: runs of
    plain characters are taken whole and never given back (possessive `++`,
    `*+`), so a long quoted string (JSON in `metadata`) costs one step per run
    instead of one level of recursion per character (Java's stack overflows). -#}
{% macro spark__inspect_value_pattern() -%}
    '(?:[^'\\]++|\\.)*+'|"(?:[^"\\]++|\\.)*+"|`(?:[^`\\]++|\\.)*+`|-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[A-Za-z_]+
{%- endmacro %}

{% macro spark__inspect_raw_value(text_column, key) -%}
    nullif(regexp_extract({{ text_column }}, {{ spark_literal('(?:^|[\\s{,])' ~ key ~ ': (' ~ inspect_value_pattern() ~ ')') }}, 1), '')
{%- endmacro %}

{#- A code point as a one-character string (Spark's chr() takes a byte). -#}
{% macro spark_code_point(expression) -%}
    reflect('java.lang.Character', 'toString', cast({{ expression }} as int))
{%- endmacro %}

{% macro spark__inspect_text(raw_value) -%}
    {%- set inner = 'substr(' ~ raw_value ~ ', 2, length(' ~ raw_value ~ ') - 2)' -%}
    case
        when {{ raw_value }} in ('undefined', 'null') then null
        when left({{ raw_value }}, 1) in (chr(39), '"', '`') and contains({{ raw_value }}, chr(92))
            and not contains(replace({{ inner }}, '\\', ''), chr(92))
            then replace({{ inner }}, '\\', chr(92))
        when left({{ raw_value }}, 1) in (chr(39), '"', '`') and contains({{ raw_value }}, chr(92)) then
            array_join(transform(
                regexp_extract_all({{ inner }},
                    '\\x[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\u\{[0-9A-Fa-f]{1,6}\}|\\.|[^\\]+', 0),
                token -> case
                    when not startswith(token, chr(92)) then token
                    when token = '\\n' then chr(10)
                    when token = '\\t' then chr(9)
                    when token = '\\r' then chr(13)
                    when token = '\\b' then chr(8)
                    when token = '\\f' then chr(12)
                    when token = '\\v' then chr(11)
                    when startswith(token, '\\x') then {{ spark_code_point("conv(substr(token, 3), 16, 10)") }}
                    when startswith(token, '\\u{') then {{ spark_code_point("conv(substr(token, 4, length(token) - 4), 16, 10)") }}
                    when startswith(token, '\\u') then
                        case
                            when cast(conv(substr(token, 3), 16, 10) as int) between 55296 and 57343 then {{ spark_code_point(65533) }}
                            else {{ spark_code_point("conv(substr(token, 3), 16, 10)") }}
                        end
                    else substr(token, 2)
                end
            ), '')
        when left({{ raw_value }}, 1) in (chr(39), '"', '`') then {{ inner }}
        else {{ raw_value }}
    end
{%- endmacro %}

{#- Spark casts decimal text (exponent notation included) through Java's
    BigDecimal: exact, rounded half away from zero at the type's scale, null
    past its range with try_cast; the same values as DuckDB's version. -#}
{% macro spark__inspect_money(raw_value) -%}
    case
        when {{ raw_value }} rlike '^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$'
            then try_cast({{ raw_value }} as {{ money_type() }})
    end
{%- endmacro %}

{% macro spark__inspect_entries(text_column) -%}
    regexp_extract_all({{ text_column }}, {{ spark_literal('[A-Za-z_$][\\w$]*: (?:' ~ inspect_value_pattern() ~ ')') }}, 0)
{%- endmacro %}

{% macro spark__inspect_entry_keys(entries_column) -%}
    transform({{ entries_column }}, entry -> substring_index(entry, ': ', 1))
{%- endmacro %}

{% macro spark__inspect_entry_values(entries_column) -%}
    transform({{ entries_column }}, entry -> substr(entry, instr(entry, ': ') + 2))
{%- endmacro %}

{% macro spark__inspect_entry(keys_column, values_column, key) -%}
    case when array_position({{ keys_column }}, '{{ key }}') > 0
        then element_at({{ values_column }}, cast(array_position({{ keys_column }}, '{{ key }}') as int)) end
{%- endmacro %}

{% macro spark__redact_personal_data(message_column, message_kind_column) -%}
    {%- set person_value -%}
(?i)((?:\\?["'`])?[A-Za-z_]*(?:name|e-?mail|phone|actor)[A-Za-z_]*(?:\\?["'`])?\s*[:=]\s*)(?:\\?"(?:[^"\\]++|\\[^"])*+\\?"|'(?:[^'\\]++|\\.)*+'|`(?:[^`\\]++|\\.)*+`|[^\s,}\]]+)
    {%- endset -%}
    case
        when {{ message_kind_column }} in ('debug_transaction_dump', 'debug_record_dump', 'debug_record_body_dump')
            then regexp_extract({{ message_column }}, '^(record\.body|record|transaction)', 1)
                || ' {...} [debug dump redacted: it holds names, e-mails and phone numbers]'
        when not {{ message_column }} rlike '(?i)name|mail|phone|actor|metadata|@|\+\d'
            then {{ message_column }}
        else regexp_replace(
            regexp_replace(
                regexp_replace(
                    regexp_replace(
                        {{ message_column }},
                        {{ spark_literal('metadata: (?:' ~ inspect_value_pattern() ~ ')') }},
                        {{ spark_literal("metadata: '[redacted]'") }}
                    ),
                    {{ spark_literal(person_value | trim) }},
                    '$1"[redacted]"'
                ),
                '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}',
                '[redacted e-mail]'
            ),
            '\+\d{7,15}\b',
            '[redacted phone]'
        )
    end
{%- endmacro %}

{#- Dialect pieces the models call directly (DuckDB's form first). -#}

{#- The capture groups of one regular-expression match as a struct whose
    fields are `names` (empty strings where it does not match); `dot_all`:
    `.` matches a line feed too. -#}
{% macro regexp_extract_struct(text, pattern, names, dot_all=false) -%}
    {{ return(adapter.dispatch('regexp_extract_struct', 'balance_sync')(text, pattern, names, dot_all)) }}
{%- endmacro %}

{% macro default__regexp_extract_struct(text, pattern, names, dot_all=false) -%}
    regexp_extract({{ text }}, '{{ pattern }}', [{% for name in names %}'{{ name }}'{{ ", " if not loop.last }}{% endfor %}]{{ ", 's'" if dot_all }})
{%- endmacro %}

{% macro spark__regexp_extract_struct(text, pattern, names, dot_all=false) -%}
    named_struct({% for name in names -%}
        '{{ name }}', regexp_extract({{ text }}, '{{ "(?s)" if dot_all }}{{ pattern }}', {{ loop.index }}){{ ", " if not loop.last }}
    {%- endfor %})
{%- endmacro %}

{#- Every column of the relation (or of `relation`, a name in the from
    clause) but `columns`. -#}
{% macro star_except(columns, relation=none) -%}
    {{ return(adapter.dispatch('star_except', 'balance_sync')(columns, relation)) }}
{%- endmacro %}

{% macro default__star_except(columns, relation=none) -%}
    {{ relation ~ '.' if relation }}* exclude ({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__star_except(columns, relation=none) -%}
    {{ relation ~ '.' if relation }}* except ({{ columns | join(', ') }})
{%- endmacro %}

{#- last_value and first_value over a window, skipping nulls. -#}
{% macro last_value_ignore_nulls(expression) -%}
    {{ return(adapter.dispatch('last_value_ignore_nulls', 'balance_sync')(expression)) }}
{%- endmacro %}

{% macro default__last_value_ignore_nulls(expression) -%}
    last_value({{ expression }} ignore nulls)
{%- endmacro %}

{% macro spark__last_value_ignore_nulls(expression) -%}
    last_value({{ expression }}, true)
{%- endmacro %}

{% macro first_value_ignore_nulls(expression) -%}
    {{ return(adapter.dispatch('first_value_ignore_nulls', 'balance_sync')(expression)) }}
{%- endmacro %}

{% macro default__first_value_ignore_nulls(expression) -%}
    first_value({{ expression }} ignore nulls)
{%- endmacro %}

{% macro spark__first_value_ignore_nulls(expression) -%}
    first_value({{ expression }}, true)
{%- endmacro %}

{#- min_by and max_by keep a null value and skip a null ordering: a null
    value's ordering is made null, as DuckDB's arg_min and arg_max skip it. -#}
{% macro spark__arg_min(value, ordering) -%}
    min_by({{ value }}, case when {{ value }} is not null then {{ ordering }} end)
{%- endmacro %}

{% macro spark__arg_max(value, ordering) -%}
    max_by({{ value }}, case when {{ value }} is not null then {{ ordering }} end)
{%- endmacro %}

{% macro spark__row_value(expressions) -%}
    struct({{ expressions | join(', ') }})
{%- endmacro %}

{% macro spark__struct_of(columns) -%}
    named_struct({% for column in columns %}'{{ column }}', {{ column }}{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}

{#- The exact median as money (decimal): the middle of the sorted values,
    or the mean of the two middle ones (Spark's median and percentile_cont
    return a double). An aggregate, or a window function over `window`. -#}
{% macro spark__accounting_median(expression, window=none) -%}
    {%- set values = 'array_sort(collect_list(' ~ expression ~ ')' ~ (' over ' ~ window if window else '') ~ ')' -%}
    case when size({{ values }}) > 0 then
        cast((element_at({{ values }}, cast((size({{ values }}) + 1) div 2 as int))
            + element_at({{ values }}, cast(size({{ values }}) div 2 + 1 as int))) * 0.5
        as {{ money_type() }})
    end
{%- endmacro %}

{#- One capture group of a regular expression, `.` matching a line feed too. -#}
{% macro regexp_extract_dot_all(text, pattern, group) -%}
    {{ return(adapter.dispatch('regexp_extract_dot_all', 'balance_sync')(text, pattern, group)) }}
{%- endmacro %}

{% macro default__regexp_extract_dot_all(text, pattern, group) -%}
    regexp_extract({{ text }}, '{{ pattern }}', {{ group }}, 's')
{%- endmacro %}

{% macro spark__regexp_extract_dot_all(text, pattern, group) -%}
    regexp_extract({{ text }}, '(?s){{ pattern }}', {{ group }})
{%- endmacro %}

{#- Plain Parquet tables have no row-level delete: the model is built whole. -#}
{% macro spark__incremental_by_file_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{#- The project's own dialect macros whose DuckDB form Spark reads as it is
    (with the session functions of prepare_engine): the same text. -#}
{% macro spark__json_is_valid(text_expression) -%}
    {{ duckdb__json_is_valid(text_expression) }}
{%- endmacro %}

{% macro spark__log_stream_day(source_file) -%}
    {{ duckdb__log_stream_day(source_file) }}
{%- endmacro %}

{#- get_json_object reads a quoted key as `['key']`, not as `."key"`. -#}
{% macro spark__json_text(json_expression, path_expression) -%}
    get_json_object({{ json_expression }},
        regexp_replace({{ path_expression }}, '\."([^"]*)"', concat('[', chr(39), '$1', chr(39), ']')))
{%- endmacro %}

{% macro spark__epoch_milliseconds_to_timestamp(milliseconds) -%}
    timestamp_millis(cast({{ milliseconds }} as bigint))
{%- endmacro %}

{#- dbt's cast (contracts cast null to each column's declared type): Spark's
    name of the declared `varchar` (a varchar needs a length on Spark). -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ 'string' if type | lower == 'varchar' else type }})
{%- endmacro %}

{% macro spark__cte_not_materialized() -%}
{%- endmacro %}

{#- Spark's trunc truncates dates. -#}
{% macro spark__decimal_trunc(expression) -%}
    case when {{ expression }} < 0 then ceil({{ expression }}) else floor({{ expression }}) end
{%- endmacro %}

{#- Spark's two-argument rtrim takes the characters first. -#}
{% macro spark__trim_trailing(text, characters) -%}
    trim(trailing {{ characters }} from {{ text }})
{%- endmacro %}

{#- Spark's cast of a decimal to text writes an exponent below 10^-6 (0E-12);
    format_number writes every digit, grouped by commas (money: 12 places). -#}
{% macro spark__decimal_text(expression) -%}
    replace(format_number({{ expression }}, 12), ',', '')
{%- endmacro %}

{% macro spark__mart_view_materialization() -%}
    {{ return('table') }}
{%- endmacro %}
