{#-
    Generic data tests of the project (no dbt package hub here). Each returns
    the rows that break the rule; a finding in the data (an overdraft, a
    mismatch) never breaks them: they check that the flags and derived
    columns follow the rules of DOMAIN.md section 3 on their own columns.
-#}

{#- A boolean flag equals "|value| exceeds the tolerance" on the same row
    (e.g. is_arithmetic_mismatch on balance_difference and half_minor_unit).
    With null_as_false, a null comparison (no previous row) must be false. -#}
{% test flag_matches_tolerance(model, column_name, value_column, tolerance_column, null_as_false=false) %}
    select *
    from {{ model }}
    where {{ column_name }} is distinct from
        {% if null_as_false %}coalesce(abs({{ value_column }}) > {{ tolerance_column }}, false)
        {% else %}(abs({{ value_column }}) > {{ tolerance_column }}){% endif %}
{% endtest %}

{#- Every row satisfies a boolean SQL expression (null counts as a failure
    unless the expression handles it). -#}
{% test expression_is_true(model, expression, where_clause=none) %}
    select *
    from {{ model }}
    where not coalesce(({{ expression }}), false)
    {% if where_clause %}and ({{ where_clause }}){% endif %}
{% endtest %}

{#- The combination of the given columns is unique (nulls compare equal). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    select {{ combination_of_columns | join(', ') }}, count(*) as row_count
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}

{#- Two columns that compute the same thing agree on every row: the column
    equals the expression, nulls included (`is not distinct from`). -#}
{% test equals_expression(model, column_name, expression) %}
    select *
    from {{ model }}
    where {{ column_name }} is distinct from ({{ expression }})
{% endtest %}
