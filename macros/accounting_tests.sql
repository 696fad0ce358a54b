{#-
    Generic data tests of the accounting marts (models/marts/accounting).
    Like macros/generic_tests.sql, each returns the rows that break a rule
    of the marts themselves; findings in the data never break them.
-#}

{#- A row that carries money carries its currency: `column_name` (the
    currency) is not null wherever one of money_columns is not null. -#}
{% test accounting_money_has_currency(model, column_name, money_columns) %}
    select *
    from {{ model }}
    where {{ column_name }} is null
        and (
            {%- for money_column in money_columns %}
            {{ money_column }} is not null{% if not loop.last %} or{% endif %}
            {%- endfor %}
        )
{% endtest %}

{#- Consecutive rows of a partition chain: where continuity_column is true,
    the row's opening (column_name) equals the previous row's closing
    within the row's tolerance; and continuity_column is null exactly on
    the first row of a partition (nothing to chain to). -#}
{% test accounting_rows_chain(model, column_name, closing_column, partition_by, order_by, continuity_column, tolerance_column) %}
    with chained as (
        select
            *,
            lag({{ closing_column }}) over (
                partition by {{ partition_by | join(', ') }} order by {{ order_by }}
            ) as previous_row_closing,
            row_number() over (
                partition by {{ partition_by | join(', ') }} order by {{ order_by }}
            ) as row_in_partition
        from {{ model }}
    )
    select *
    from chained
    where ({{ continuity_column }} and abs({{ column_name }} - previous_row_closing) > {{ tolerance_column }})
        or ({{ continuity_column }} and previous_row_closing is null)
        or (({{ continuity_column }} is null) <> (row_in_partition = 1))
{% endtest %}

{#- Totals agree between two models: per group (group_by: columns present
    in both, nulls compare equal), each aggregate of `measures` over the
    model equals the aggregate at the same position of `compare_measures`
    over compare_model (optionally filtered by compare_where). A group in
    one model only is a failure too. -#}
{% test accounting_totals_match(model, compare_model, group_by, measures, compare_measures, compare_where=none) %}
    with
    model_totals as (
        select
            {% for column in group_by %}{{ column }}, {% endfor %}
            {% for measure in measures %}{{ measure }} as measure_{{ loop.index }}{% if not loop.last %}, {% endif %}{% endfor %}
        from {{ model }}
        group by {{ group_by | join(', ') }}
    ),
    compare_totals as (
        select
            {% for column in group_by %}{{ column }}, {% endfor %}
            {% for measure in compare_measures %}{{ measure }} as measure_{{ loop.index }}{% if not loop.last %}, {% endif %}{% endfor %}
        from {{ compare_model }}
        {% if compare_where %}where {{ compare_where }}{% endif %}
        group by {{ group_by | join(', ') }}
    )
    select
        {% for column in group_by %}coalesce(model_totals.{{ column }}, compare_totals.{{ column }}) as {{ column }}, {% endfor %}
        {% for measure in measures %}model_totals.measure_{{ loop.index }} as model_measure_{{ loop.index }},
        compare_totals.measure_{{ loop.index }} as compare_measure_{{ loop.index }}{% if not loop.last %}, {% endif %}{% endfor %}
    from model_totals
    full outer join compare_totals
        on {% for column in group_by %}model_totals.{{ column }} is not distinct from compare_totals.{{ column }}{% if not loop.last %} and {% endif %}{% endfor %}
    where {% for measure in measures %}model_totals.measure_{{ loop.index }} is distinct from compare_totals.measure_{{ loop.index }}{% if not loop.last %} or {% endif %}{% endfor %}
{% endtest %}
