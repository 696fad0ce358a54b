-- One row per overdraft (marts.overdrafts); small by nature.
select
    transaction_id,
    user_id,
    '/users/' || url_encode(user_id) || '/' as user_link,
    currency,
    occurred_at,
    balance_before,
    balance_after,
    overdraft_amount,
    was_blocked,
    detected_by,
    action,
from marts.overdrafts
