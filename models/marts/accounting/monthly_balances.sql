{#-
    One row per user, currency and UTC month with at least one ledger
    transaction (a transaction the service did not refuse): the balance
    roll-forward over the month's ledger transactions whose old and new
    balance are both known. Opening = old_balance of the first of them,
    closing = new_balance of the last, in (logged_at, transaction_id)
    order; credits, debits and vat sum the same transactions;
    unexplained_difference = closing - (opening + credits - debits).
    A ledger transaction with an unknown balance (a block cut short by the
    export, or logging `undefined`) is counted in
    unknown_balance_transaction_count and kept out of the roll-forward: a
    data finding, never a null closing. A month where no ledger transaction
    has known balances has null opening, closing and difference.
-#}
with

transactions as (

    select
        *,
        not is_refused and has_known_balances as is_known_ledger
    from {{ ref('int_accounting_transactions_sequenced') }}

),

monthly as (

    select
        user_id,
        currency,
        activity_month as balance_month,
        min(logged_at) filter (where not is_refused) as first_transaction_at,
        max(logged_at) filter (where not is_refused) as last_transaction_at,
        count(*) filter (where not is_refused) as transaction_count,
        count(*) filter (where is_known_ledger and transaction_type = 'CREDIT') as credit_count,
        count(*) filter (where is_known_ledger and transaction_type = 'DEBIT') as debit_count,
        count(*) filter (where not is_refused and not has_known_balances) as unknown_balance_transaction_count,
        count(*) filter (where is_refused) as refused_transaction_count,
        max(old_balance) filter (where is_first_ledger_in_month) as opening_balance,
        coalesce(sum(net_amount) filter (where is_known_ledger and transaction_type = 'CREDIT'), 0) as credits,
        coalesce(sum(net_amount) filter (where is_known_ledger and transaction_type = 'DEBIT'), 0) as debits,
        coalesce(sum(vat) filter (where is_known_ledger), 0) as vat,
        max(new_balance) filter (where is_last_ledger_in_month) as closing_balance,
        max(previous_ledger_new_balance) filter (where is_first_ledger_in_month) as previous_closing_balance,
        max(ledger_gap) filter (where is_first_ledger_in_month) as opening_gap,
        max(half_minor_unit) as half_minor_unit,
        coalesce(sum(ledger_gap) filter (where is_known_ledger and not is_first_ledger_in_month), 0) as continuity_gap_total,
        -- a move whose net amount is unknown is explained by nothing: all of it is a difference
        coalesce(sum(balance_move - coalesce(signed_net_amount, 0)) filter (where is_known_ledger), 0)
            as arithmetic_difference_total,
        count(*) filter (where is_arithmetic_mismatch and is_known_ledger) as arithmetic_mismatch_count,
        count(*) filter (where is_ledger_chain_break and not is_first_ledger_in_month) as ledger_chain_break_count
    from transactions
    group by user_id, currency, activity_month
    having count(*) filter (where not is_refused) > 0

),

final as (

    select
        {{ accounting_key(['user_id', 'currency', 'balance_month']) }} as monthly_balance_id,
        user_id,
        currency,
        balance_month,
        first_transaction_at,
        last_transaction_at,
        transaction_count,
        credit_count,
        debit_count,
        refused_transaction_count,
        unknown_balance_transaction_count,
        unknown_balance_transaction_count > 0 as has_unknown_balances,
        opening_balance,
        credits,
        debits,
        vat,
        closing_balance,
        closing_balance - (opening_balance + credits - debits) as unexplained_difference,
        abs(closing_balance - (opening_balance + credits - debits)) > half_minor_unit as has_unexplained_difference,
        continuity_gap_total,
        arithmetic_difference_total,
        arithmetic_mismatch_count,
        ledger_chain_break_count,
        previous_closing_balance,
        opening_gap,
        case when opening_gap is not null then abs(opening_gap) <= half_minor_unit end as is_opening_continuous,
        half_minor_unit
    from monthly

)

select * from final
