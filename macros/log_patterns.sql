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
    {{ return(adapter.dispatch('inspect_value_pattern', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__inspect_value_pattern() -%}
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

{#- A util.inspect value as text: quotes removed and util.inspect's escapes
    decoded (\' \" \` \\ \n \t \r \b \f \v \xHH \uHHHH; a lone surrogate
    becomes U+FFFD); `undefined` and `null` become SQL null; a number or bare
    word is returned as written. -#}
{% macro inspect_text(raw_value) -%}
    {{ return(adapter.dispatch('inspect_text', 'balance_sync')(raw_value)) }}
{%- endmacro %}

{% macro duckdb__inspect_text(raw_value) -%}
    case
        when {{ raw_value }} in ('undefined', 'null') then null
        -- a string whose only escapes are doubled backslashes (JSON with
        -- escaped quotes inside `metadata`): one replace instead of the
        -- tokenizer below
        when left({{ raw_value }}, 1) in ('''', '"', '`') and contains({{ raw_value }}, '\')
            and not contains(replace(substr({{ raw_value }}, 2, length({{ raw_value }}) - 2), '\\', ''), '\')
            then replace(substr({{ raw_value }}, 2, length({{ raw_value }}) - 2), '\\', '\')
        when left({{ raw_value }}, 1) in ('''', '"', '`') and contains({{ raw_value }}, '\') then
            array_to_string(list_transform(
                regexp_extract_all(
                    substr({{ raw_value }}, 2, length({{ raw_value }}) - 2),
                    '\\x[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\u\{[0-9A-Fa-f]{1,6}\}|\\.|[^\\]+'
                ),
                lambda token: case
                    when not starts_with(token, '\') then token
                    when token = '\n' then chr(10)
                    when token = '\t' then chr(9)
                    when token = '\r' then chr(13)
                    when token = '\b' then chr(8)
                    when token = '\f' then chr(12)
                    when token = '\v' then chr(11)
                    when starts_with(token, '\x') then chr(('0x' || substr(token, 3))::integer)
                    when starts_with(token, '\u{') then chr(('0x' || substr(token, 4, length(token) - 4))::integer)
                    when starts_with(token, '\u') then
                        case
                            when ('0x' || substr(token, 3))::integer between 55296 and 57343 then chr(65533)
                            else chr(('0x' || substr(token, 3))::integer)
                        end
                    else substr(token, 2)
                end
            ), '')
        when left({{ raw_value }}, 1) in ('''', '"', '`') then substr({{ raw_value }}, 2, length({{ raw_value }}) - 2)
        else {{ raw_value }}
    end
{%- endmacro %}

{#- A util.inspect number as an exact decimal, parsed from its text, never
    through a float. Exponent notation (`1e-7`, `1.5e+21`, which Node prints
    for very small and very large numbers) is rewritten as plain decimal text
    first, because DuckDB's own cast of exponent text can round the last
    place the wrong way ('5e-14' gives 1e-12 at scale 12). The one rounding
    is the cast to the money type's scale (half away from zero). Anything
    that is not a number gives null. -#}
{% macro inspect_money(raw_value) -%}
    {{ return(adapter.dispatch('inspect_money', 'balance_sync')(raw_value)) }}
{%- endmacro %}

{% macro duckdb__inspect_money(raw_value) -%}
    case
        -- fast path, same value: DuckDB casts text to a decimal of up to 18
        -- digits (int64) ~100 times faster than to a wider one, and a number
        -- with at most 10 integer and 8 decimal digits fits decimal(18, 8)
        -- exactly
        when regexp_full_match({{ raw_value }}, '-?\d{1,10}(?:\.\d{0,8})?')
            then cast(try_cast({{ raw_value }} as decimal(18, 8)) as {{ money_type() }})
        -- float-noisy texts (`60.181000000000004`) and other plain decimals
        -- that fit the money type: the digits scaled to money_scale() places as
        -- one integer, rounded half away from zero on the next digit, then
        -- scaled back (null past the money type's range, like the cast). The
        -- same value as the cast to the money type, which costs ~10 us per
        -- value for such texts (90 times slower)
        when regexp_full_match({{ raw_value }}, '-?(?:\d{1,{{ 38 - money_scale() }}}(?:\.\d*)?|\.\d+)') then
            try_cast(
                (case when starts_with({{ raw_value }}, '-') then -1 else 1 end)
                * (
                    cast(
                        ltrim(split_part({{ raw_value }}, '.', 1), '-')
                        || rpad(left(split_part({{ raw_value }}, '.', 2), {{ money_scale() }}), {{ money_scale() }}, '0')
                        as hugeint
                    )
                    + case when substr(split_part({{ raw_value }}, '.', 2), {{ money_scale() + 1 }}, 1) >= '5' then 1 else 0 end
                )
                as decimal(38, 0)
            ) * cast('0.{{ "0" * (money_scale() - 1) }}1' as decimal({{ money_scale() + 1 }}, {{ money_scale() }}))
        when regexp_full_match({{ raw_value }}, '-?(?:\d+\.?\d*|\.\d+)') then try_cast({{ raw_value }} as {{ money_type() }})
        when regexp_full_match({{ raw_value }}, '-?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+') then try_cast(
            list_transform(
                [regexp_extract({{ raw_value }}, '^(-?)(\d*)\.?(\d*)[eE]([+-]?\d+)$', ['sign', 'whole', 'fraction', 'exponent'])],
                -- the digits whole||fraction have length(fraction) - exponent decimals
                lambda part: part.sign || case
                    when length(part.fraction) - part.exponent::integer <= 0
                        then part.whole || part.fraction || repeat('0', part.exponent::integer - length(part.fraction))
                    when length(part.fraction) - part.exponent::integer < length(part.whole || part.fraction)
                        then left(part.whole || part.fraction, length(part.whole || part.fraction) - (length(part.fraction) - part.exponent::integer))
                            || '.' || right(part.whole || part.fraction, length(part.fraction) - part.exponent::integer)
                    else '0.' || repeat('0', length(part.fraction) - part.exponent::integer - length(part.whole || part.fraction))
                        || part.whole || part.fraction
                end
            )[1] as {{ money_type() }})
    end
{%- endmacro %}

{#- Exact decimal type of money columns (at least 6 decimals, DOMAIN.md section 4). -#}
{% macro money_type() -%}
    {{ return(adapter.dispatch('money_type', 'balance_sync')()) }}
{%- endmacro %}

{% macro default__money_type() -%}
    decimal(38, {{ money_scale() }})
{%- endmacro %}

{#- Decimal places of the money type; inspect_money's exact fast path rounds
    at this place too. -#}
{% macro money_scale() -%}
    {{ return(12) }}
{%- endmacro %}

{#- All `key: value` entries of a util.inspect object in one regular-expression
    pass (inspect_entries: the list of `key: value` texts), then split into the
    keys and the raw values (quotes kept) as two aligned lists. A key never
    holds ': ', so the first one separates key and value. A quoted value is
    consumed whole, so text inside a string (e.g. JSON in `metadata`) never
    yields entries. Read one entry with inspect_entry(); the first occurrence
    of a key wins. -#}
{% macro inspect_entries(text_column) -%}
    {{ return(adapter.dispatch('inspect_entries', 'balance_sync')(text_column)) }}
{%- endmacro %}

{% macro duckdb__inspect_entries(text_column) -%}
    {#- no capture group: RE2 then finds every match with its fast DFA alone
        (twice as fast); a match starts where a key starts anyway, since the
        scan goes left to right and a quoted value is consumed whole -#}
    regexp_extract_all({{ text_column }}, '[A-Za-z_$][\w$]*: (?:{{ inspect_value_pattern() | replace("'", "''") }})')
{%- endmacro %}

{% macro inspect_entry_keys(entries_column) -%}
    {{ return(adapter.dispatch('inspect_entry_keys', 'balance_sync')(entries_column)) }}
{%- endmacro %}

{% macro default__inspect_entry_keys(entries_column) -%}
    list_transform({{ entries_column }}, lambda entry: entry[:strpos(entry, ': ') - 1])
{%- endmacro %}

{% macro inspect_entry_values(entries_column) -%}
    {{ return(adapter.dispatch('inspect_entry_values', 'balance_sync')(entries_column)) }}
{%- endmacro %}

{% macro default__inspect_entry_values(entries_column) -%}
    list_transform({{ entries_column }}, lambda entry: entry[strpos(entry, ': ') + 2:])
{%- endmacro %}

{% macro inspect_entry(keys_column, values_column, key) -%}
    {{ return(adapter.dispatch('inspect_entry', 'balance_sync')(keys_column, values_column, key)) }}
{%- endmacro %}

{% macro duckdb__inspect_entry(keys_column, values_column, key) -%}
    {{ values_column }}[list_position({{ keys_column }}, '{{ key }}')]
{%- endmacro %}

{#- The kind of an event (doc block message_kind): a platform line's is its
    event type; an application message's is told by its prefix (DOMAIN.md
    section 2); anything else is `other`. -#}
{% macro message_kind(event_type, message) -%}
        case
            when {{ event_type }} <> 'application' then {{ event_type }}
            when starts_with({{ message }}, 'Processing message ') then 'processing_message'
            when starts_with({{ message }}, 'Start syncing the balance') then 'transaction_block'
            when starts_with({{ message }}, 'SubscriptionBalanceUpdated event published') then 'balance_update_published'
            when starts_with({{ message }}, 'Subscription balance and payment balance are not in sync') then 'sync_mismatch'
            when starts_with({{ message }}, 'Skipping the balance sync for create') then 'skipped_create_subscription'
            when starts_with({{ message }}, 'Skipping the process, balance is already synced from other listeners')
                or starts_with({{ message }}, 'Balance is already synced from other listeners') then 'already_synced'
            when starts_with({{ message }}, 'Skipping the process, Update Payment Balance Flag is set to false')
                then 'skipped_update_payment_balance_false'
            when starts_with({{ message }}, '{')
                and {{ message }} like '%Subscriber will have a negative balance due to this action%'
                then 'negative_balance_refusal'
            when starts_with({{ message }}, 'An error occured while syncing the balance')
                or starts_with({{ message }}, 'An error occurred while syncing the balance') then 'sync_error'
            when starts_with({{ message }}, 'Uncaught Exception') then 'uncaught_exception'
            when starts_with({{ message }}, 'Invoke Error') then 'invoke_error'
            when starts_with({{ message }}, 'Transaction Lock created') then 'transaction_lock_created'
            when starts_with({{ message }}, 'Sending slack notification') then 'slack_notification'
            when regexp_matches({{ message }}, '^transaction\s*[{\[]') then 'debug_transaction_dump'
            when regexp_matches({{ message }}, '^record\.body\s*[{\[]') then 'debug_record_body_dump'
            when regexp_matches({{ message }}, '^record\s*[{\[]') then 'debug_record_dump'
            else 'other'
        end
{%- endmacro %}
