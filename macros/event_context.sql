{#- The columns that place a parsed application event: which event it is,
    where it was logged, and its request and batch item. Every model that
    reads one kind of message from int_log_events_classified carries them,
    so they are listed once, here. -#}
{% macro event_context_columns() -%}
        event_id,
        source_file,
        line_number,
        logged_at,
        request_id,
        message_id,
        batch_item_number,
        event_order_in_file,
{%- endmacro %}
