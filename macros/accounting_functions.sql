{#-
    Helpers of the accounting marts (models/marts/accounting). Dialect-specific
    pieces go through adapter.dispatch so the models can move to another
    engine by adding a `<adapter>__` variant.
-#}

{#- Exact median of a column: an aggregate, or a window function over
    `window` (a window name or specification). -#}
{% macro accounting_median(expression, window=none) -%}
    {{ return(adapter.dispatch('accounting_median')(expression, window)) }}
{%- endmacro %}

{% macro default__accounting_median(expression, window=none) -%}
    percentile_cont(0.5) within group (order by {{ expression }}){{ ' over ' ~ window if window }}
{%- endmacro %}

{% macro duckdb__accounting_median(expression, window=none) -%}
    median({{ expression }}){{ ' over ' ~ window if window }}
{%- endmacro %}

{#- Most frequent value of a column (an aggregate). -#}
{% macro accounting_mode(expression) -%}
    {{ return(adapter.dispatch('accounting_mode')(expression)) }}
{%- endmacro %}

{% macro default__accounting_mode(expression) -%}
    mode() within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__accounting_mode(expression) -%}
    mode({{ expression }})
{%- endmacro %}

{#- A money value as text for `details`: the exact decimal without its
    trailing zeros (420.000000000000 -> 420, 0.091000000000 -> 0.091), or
    'null'. Display only: no rule ever reads it back. -#}
{% macro accounting_money_text(expression) -%}
    coalesce({{ trim_trailing(trim_trailing(decimal_text(expression), "'0'"), "'.'") }}, 'null')
{%- endmacro %}

{#- The tolerance of every balance rule (doc block half_minor_unit): half
    of the currency's minor unit (ISO 4217 seed), exactly, as money: 0.0005
    for 3 decimals, 0.005 for 2; 2 decimals when the currency is unknown.
    Computed once per transaction in int_transactions_evaluated; every other
    model reads that column. -#}
{% macro half_minor_unit(minor_unit) -%}
    cast('0.' || repeat('0', coalesce({{ minor_unit }}, 2)) || '5' as {{ money_type() }})
{%- endmacro %}

{#- Surrogate key: text_hash of the parts joined with '|' (null parts as '').
    Same idea as dbt_utils.generate_surrogate_key, without the package. -#}
{% macro accounting_key(parts) -%}
    {%- set joined = [] -%}
    {%- for part in parts -%}
        {%- do joined.append("coalesce(cast(" ~ part ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- endfor -%}
    {{ text_hash(joined | join(" || '|' || ")) }}
{%- endmacro %}

{#- The measures of marts.daily_activity and marts.monthly_activity (one
    definition for both grains), over int_accounting_transactions_sequenced:
    ledger transactions in the counts and money, refused attempts apart; the
    money of the transactions whose amount and VAT are both known (a block
    cut short is counted, its partial money left out). -#}
{% macro accounting_activity_measures() -%}
        count(*) filter (where not is_refused) as transaction_count,
        count(distinct user_id) filter (where not is_refused) as user_count,
        coalesce(sum(amount) filter (where not is_refused and net_amount is not null), 0) as amount,
        coalesce(sum(vat) filter (where not is_refused and net_amount is not null), 0) as vat,
        coalesce(sum(net_amount) filter (where not is_refused), 0) as net_amount,
        coalesce(sum(signed_net_amount) filter (where not is_refused), 0) as balance_effect,
        count(*) filter (where is_refused) as refused_transaction_count,
        coalesce(sum(net_amount) filter (where is_refused), 0) as refused_net_amount,
        count(*) filter (where is_type_inferred) as inferred_type_count
{%- endmacro %}

{#- money x rate (a decimal with few places, e.g. a VAT rate to 4 places) as
    money, exact to the money type's 12 places. The plain product of a
    decimal(38,12) and a decimal(10,4) has 16 places, which leaves only 22
    digits before the point and overflows on large (valid) amounts; so the
    whole part and the fraction are multiplied apart, each product cast to
    money (the whole part's exactly, the fraction's rounded at 12 places,
    as the result would be anyway). The caller keeps the product within the
    money range. -#}
{% macro accounting_money_times_rate(money, rate) -%}
    (
        cast(cast({{ decimal_trunc(money) }} as decimal(38, 0)) * {{ rate }} as {{ money_type() }})
        + cast(({{ money }} - {{ decimal_trunc(money) }}) * {{ rate }} as {{ money_type() }})
    )
{%- endmacro %}
