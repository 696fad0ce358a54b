-- One row per user (marts.users): ids and figures only, no personal data.
select
    user_id,
    currency,
    first_seen_at,
    last_seen_at,
    transaction_count,
    credit_total,
    debit_total,
    last_balance,
    min_balance,
    overdraft_count,
    sync_mismatch_count,
    continuity_break_count,
    arithmetic_mismatch_count,
from marts.users
