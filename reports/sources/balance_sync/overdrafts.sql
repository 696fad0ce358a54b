-- One row per overdraft (marts.overdrafts); small by nature.
select
    transaction_id,
    user_id,
    currency,
    occurred_at,
    balance_before,
    balance_after,
    overdraft_amount,
    was_blocked,
    detected_by,
    action,
from marts.overdrafts
