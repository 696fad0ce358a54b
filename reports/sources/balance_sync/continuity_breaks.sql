-- Every continuity break with its cause (marts.transactions).
select
    logged_at,
    user_id,
    transaction_id,
    currency,
    continuity_break_cause,
    previous_new_balance,
    old_balance,
    continuity_gap,
    outcome,
    request_id
from marts.transactions
where is_continuity_break
