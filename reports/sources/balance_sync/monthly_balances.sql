-- Monthly balance roll-forward per user and currency (marts.monthly_balances):
-- every row, the columns the Reconciliation and user pages show. One row per
-- user x currency x month with a ledger transaction, so it stays small.
select
    user_id,
    '/users/' || url_encode(user_id) || '/' as user_link,
    currency,
    balance_month,
    transaction_count,
    unknown_balance_transaction_count,
    opening_balance,
    credits,
    debits,
    vat,
    closing_balance,
    unexplained_difference,
    coalesce(has_unexplained_difference, false) as has_unexplained_difference,
    continuity_gap_total,
    arithmetic_difference_total,
    opening_gap,
from marts.monthly_balances
