-- Continuity breaks and money at stake per cause and currency.
select
    continuity_break_cause,
    currency,
    break_count,
    user_count,
    money_at_stake,
    net_continuity_gap,
    first_break_at,
    last_break_at
from marts.continuity_break_causes
