{#-
    One row per reconciliation issue: a transaction (or a sync mismatch, or
    a refused attempt) that breaks one rule. A transaction can have several
    issues of different types; an issue type never repeats for one row of
    its source. amount_at_stake is defined per type in _accounting.yml.
-#}
with

all_issues as (

    select * from {{ ref('int_reconciliation__arithmetic_mismatches') }}
    union all
    select * from {{ ref('int_reconciliation__continuity_breaks') }}
    union all
    select * from {{ ref('int_reconciliation__sync_mismatches') }}
    union all
    select * from {{ ref('int_reconciliation__negative_new_balances') }}
    union all
    select * from {{ ref('int_reconciliation__refused_overdrafts') }}
    union all
    select * from {{ ref('int_reconciliation__duplicate_contents') }}
    union all
    select * from {{ ref('int_reconciliation__reused_old_balances') }}
    union all
    select * from {{ ref('int_reconciliation__type_sign_contradictions') }}

),

final as (

    select
        {{ accounting_key(['issue_type', 'issue_source_id']) }} as issue_id,
        issue_type,
        transaction_id,
        transaction_event_id,
        related_transaction_id,
        user_id,
        currency,
        logged_at,
        cast(logged_at as date) as issue_date,
        action,
        expected_value,
        actual_value,
        amount_at_stake,
        details
    from all_issues

)

select * from final
