{#-
    One row per transaction block with the business rules of DOMAIN.md
    section 3 applied on exact decimals:
    - net_amount = amount - vat; expected_new_balance = old_balance + s *
      net_amount (s = +1 CREDIT, -1 DEBIT); an arithmetic mismatch when
      |new_balance - expected_new_balance| > half a minor unit.
    - Rows without a CREDIT/DEBIT type (legacy layout) get the type of the
      balance move (is_type_inferred; an unmoved balance counts as CREDIT)
      and are a mismatch only when none of +-amount, +-(amount - vat) fits;
      expected_new_balance is then the first candidate that fits.
    - Continuity per user and currency in (logged_at, transaction_id) order.
    - Overdraft: new_balance < 0 or refused by the service.
    - Outcome from the messages of the batch item; missing_fields.
-#}

with

transactions as (

    select * from {{ ref('int_transactions_parsed') }}

),

currencies as (

    select * from {{ ref('currencies') }}

),

batch_items as (

    select {{ star_except(file_version_columns(), 'summarised') }}
    from {{ ref('int_batch_items_summarised') }} as summarised
    {{ join_loaded_file_version('summarised') }}

),

refusals as (

    select * from {{ ref('int_negative_balance_refusals') }}

),

sync_mismatches as (

    select * from {{ ref('int_sync_mismatches_linked') }}

),

refused_transaction_ids as (

    select distinct transaction_id from refusals where transaction_id is not null

),

sync_mismatch_counts as (

    select transaction_event_id, count(*) as sync_mismatch_count
    from sync_mismatches
    where transaction_event_id is not null
    group by transaction_event_id

),

with_tolerance as (

    select
        transactions.*,
        currencies.minor_unit as currency_minor_unit,
        {{ half_minor_unit('currencies.minor_unit') }} as half_minor_unit,
        transactions.amount - transactions.vat as net_amount,
        coalesce(transactions.logged_transaction_type in ('CREDIT', 'DEBIT'), false) as has_logged_type
    from transactions
    left join currencies
        on transactions.currency = currencies.currency_code

),

typed as (

    select
        *,
        case
            when has_logged_type then logged_transaction_type
            when new_balance >= old_balance then 'CREDIT'
            when new_balance < old_balance then 'DEBIT'
        end as transaction_type,
        not has_logged_type as is_type_inferred
    from with_tolerance

),

expected_computed as (

    select
        *,
        case transaction_type when 'CREDIT' then 1 when 'DEBIT' then -1 end as balance_sign
    from typed

),

expected_chosen as (

    select
        *,
        case
            when not is_type_inferred then old_balance + balance_sign * net_amount
            when abs(new_balance - (old_balance + balance_sign * net_amount)) <= half_minor_unit
                then old_balance + balance_sign * net_amount
            when abs(new_balance - (old_balance + balance_sign * amount)) <= half_minor_unit
                then old_balance + balance_sign * amount
            when abs(new_balance - (old_balance - balance_sign * net_amount)) <= half_minor_unit
                then old_balance - balance_sign * net_amount
            when abs(new_balance - (old_balance - balance_sign * amount)) <= half_minor_unit
                then old_balance - balance_sign * amount
            else old_balance + balance_sign * net_amount
        end as expected_new_balance
    from expected_computed

),

arithmetic_checked as (

    select
        *,
        new_balance - expected_new_balance as balance_difference,
        abs(new_balance - expected_new_balance) > half_minor_unit as is_arithmetic_mismatch
    from expected_chosen

),

with_previous as (

    select
        arithmetic_checked.*,
        lag(arithmetic_checked.new_balance) over user_history as previous_new_balance
    from arithmetic_checked
    window user_history as (
        partition by arithmetic_checked.user_id, arithmetic_checked.currency
        order by arithmetic_checked.logged_at, arithmetic_checked.transaction_id, arithmetic_checked.event_id
    )

),

continuity_checked as (

    select
        *,
        old_balance - previous_new_balance as continuity_gap,
        coalesce(abs(old_balance - previous_new_balance) > half_minor_unit, false) as is_continuity_break
    from with_previous

),

outcome_assigned as (

    select
        continuity_checked.*,
        refused_transaction_ids.transaction_id is not null as was_refused,
        coalesce(continuity_checked.new_balance < 0, false)
            or refused_transaction_ids.transaction_id is not null as is_overdraft,
        case
            when refused_transaction_ids.transaction_id is not null then 'blocked_negative_balance'
            else coalesce(batch_items.outcome, 'unknown')
        end as outcome,
        coalesce(sync_mismatch_counts.sync_mismatch_count, 0) as sync_mismatch_count,
        coalesce(sync_mismatch_counts.sync_mismatch_count, 0) > 0 as has_sync_mismatch
    from continuity_checked
    left join refused_transaction_ids
        on continuity_checked.transaction_id = refused_transaction_ids.transaction_id
    left join batch_items
        on continuity_checked.source_file = batch_items.source_file
        and continuity_checked.request_id = batch_items.request_id
        and continuity_checked.batch_item_number = batch_items.batch_item_number
    left join sync_mismatch_counts
        on continuity_checked.event_id = sync_mismatch_counts.transaction_event_id

),

completeness_checked as (

    -- doc block missing_fields
    select
        *,
        nullif(concat_ws(', ',
            case when user_id is null then 'user_id' end,
            case when currency is null then 'currency' end,
            case when amount is null then 'amount' end,
            case when vat is null then 'vat' end,
            case when old_balance is null then 'old_balance' end,
            case when new_balance is null then 'new_balance' end,
            case when logged_at is null then 'logged_at' end,
            case when layout_version <> 'legacy' and is_type_inferred then 'type' end,
            case when layout_version <> 'legacy' and action is null then 'action' end,
            case when layout_version <> 'legacy' and source is null then 'source' end,
            case when layout_version <> 'legacy' and payment_balance is null then 'payment_balance' end
        ), '') as missing_fields
    from outcome_assigned

)

select * from completeness_checked
