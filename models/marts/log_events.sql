{#-
    One row per log event of the loaded files: the described events
    (int_log_events_described: subject, outcome, redacted message) of the
    file versions loaded now, with whether the event's transaction is an
    overdraft (int_overdrafts).

    A view on DuckDB: the rows are int_log_events_described's, kept up to
    date there by log stream; a second copy of every event would cost a full
    rewrite on every run. It names its tables without the database, so it
    keeps working when the DuckDB file is copied, renamed or attached under
    another name. On Spark a table (mart_view_materialization).
-#}
{{ config(materialized=mart_view_materialization()) }}

with

described_events as (

    select * from {{ ref('int_log_events_described').include(database=False) }}

),

overdraft_transaction_ids as (

    select transaction_id from {{ ref('int_overdrafts').include(database=False) }}

),

final as (

    select
        described_events.event_id,
        described_events.logged_at,
        described_events.source_file,
        described_events.line_number,
        described_events.last_line_number,
        described_events.line_count,
        described_events.event_order_in_file,
        described_events.request_id,
        described_events.message_id,
        described_events.batch_item_number,
        described_events.level,
        described_events.event_type,
        described_events.message_kind,
        described_events.user_id,
        described_events.transaction_id,
        overdraft_transaction_ids.transaction_id is not null as is_overdraft,
        described_events.outcome,
        described_events.message
    from described_events
    {{ join_loaded_file_version('described_events', ref('stg_raw__log_files').include(database=False)) }}
    left join overdraft_transaction_ids
        on described_events.transaction_id = overdraft_transaction_ids.transaction_id

)

select * from final
