-- "Did we lose money?" per currency (marts.money_summary): the roll-forward's parts,
-- which add up to the unexplained change in balances, and each issue type's signed
-- effect and money at stake. Every row, as is.
select
    currency,
    line_group,
    line_item,
    line_order,
    item_count,
    user_count,
    signed_amount,
    amount_at_stake,
from marts.money_summary
