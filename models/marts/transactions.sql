{#-
    A view: the rows are int_transactions_evaluated's, with each continuity
    break's cause (int_continuity_breaks_explained); a second copy of ~0.9 M
    wide rows per GB of logs would cost one more full write on every run. The view names its table without the
    database, so it keeps working when the DuckDB file is copied, renamed or
    attached under another name. On Spark a table (mart_view_materialization:
    a mart is Parquet there, for any Parquet reader and the reports).
-#}
{{ config(materialized=mart_view_materialization()) }}
with

transactions as (

    select * from {{ ref('int_transactions_evaluated').include(database=False) }}

),

break_causes as (

    select
        transaction_event_id,
        continuity_break_cause
    from {{ ref('int_continuity_breaks_explained').include(database=False) }}

),

final as (

    select
        event_id as transaction_event_id,
        transaction_id,
        user_id,
        currency,
        transaction_type,
        is_type_inferred,
        source,
        action,
        amount,
        vat,
        net_amount,
        old_balance,
        new_balance,
        payment_balance,
        update_payment_balance,
        expected_new_balance,
        balance_difference,
        half_minor_unit,
        is_arithmetic_mismatch,
        previous_new_balance,
        continuity_gap,
        is_continuity_break,
        continuity_break_cause,
        is_overdraft,
        outcome,
        has_sync_mismatch,
        sync_mismatch_count,
        logged_at,
        request_id,
        message_id,
        batch_item_number,
        source_file,
        line_number,
        layout_version,
        missing_fields,
        wallet_id,
        delivery_id
    from transactions
    left join break_causes
        on transactions.event_id = break_causes.transaction_event_id

)

select * from final
