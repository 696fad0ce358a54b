-- One row per transaction block (marts.transactions), the columns the user page
-- shows. Bounded by users, not by rows, so that a user page is either complete
-- or says it is not: the complete histories (the newest 2,000 transactions of
-- a user at most) of as many users as fit in the row budget, taken in this
-- order: users with an overdraft, then users with another finding (sync
-- mismatch, continuity break, arithmetic mismatch), then the others; most
-- recently seen first within each. A user left out, or cut at 2,000, gets a
-- note on their page pointing to marts.transactions. On the real sample every
-- transaction is shipped (13,333); at 1 GB of logs (897,593) about a ninth.
with

budget as (

    select 100000 as row_budget

),

user_priority as (

    select
        user_id,
        least(sum(transaction_count), 2000) as shipped_count,
        bool_or(overdraft_count > 0) as has_overdraft,
        bool_or(overdraft_count + sync_mismatch_count + continuity_break_count + arithmetic_mismatch_count > 0)
            as has_finding,
        max(last_seen_at) as last_seen_at,
    from marts.users
    group by user_id
    having sum(transaction_count) > 0

),

shipped_users as (

    select user_id
    from (
        select
            user_id,
            sum(shipped_count) over (
                order by has_overdraft desc, has_finding desc, last_seen_at desc nulls last, user_id
                rows between unbounded preceding and current row
            ) as rows_so_far,
        from user_priority
    )
    where rows_so_far <= (select row_budget from budget)

)

select
    transaction_id,
    user_id,
    '/users/' || url_encode(user_id) || '/' as user_link,
    currency,
    transaction_type,
    is_type_inferred,
    action,
    amount,
    vat,
    net_amount,
    old_balance,
    new_balance,
    payment_balance,
    expected_new_balance,
    is_arithmetic_mismatch,
    continuity_gap,
    is_continuity_break,
    is_overdraft,
    outcome,
    has_sync_mismatch,
    logged_at,
    request_id,
    '/requests/' || url_encode(request_id) || '/' as request_link,
from marts.transactions
where user_id in (select user_id from shipped_users)
qualify row_number() over (partition by user_id order by logged_at desc, transaction_id desc) <= 2000
