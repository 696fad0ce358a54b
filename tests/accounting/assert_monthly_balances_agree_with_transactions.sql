-- marts.monthly_balances covers every ledger transaction once, and the
-- closing balance of each user's latest month is marts.users.last_balance
-- (the balance after the last transaction the service did not refuse).
with

monthly as (

    select * from {{ ref('monthly_balances') }}

),

ledger_counts as (

    select
        user_id,
        currency,
        count(*) filter (where outcome <> 'blocked_negative_balance') as transaction_count,
        count(*) filter (where outcome = 'blocked_negative_balance') as refused_transaction_count,
    from {{ ref('transactions') }}
    group by user_id, currency

),

monthly_counts as (

    select
        user_id,
        currency,
        sum(transaction_count) as transaction_count,
        sum(refused_transaction_count) as refused_transaction_count,
    from monthly
    group by user_id, currency

),

count_differences as (

    select
        coalesce(ledger_counts.user_id, monthly_counts.user_id) as user_id,
        coalesce(ledger_counts.currency, monthly_counts.currency) as currency,
        'transaction counts differ' as problem,
    from ledger_counts
    full outer join monthly_counts
        on ledger_counts.user_id = monthly_counts.user_id
        and ledger_counts.currency = monthly_counts.currency
    -- a user whose every attempt was refused has no ledger month
    where coalesce(ledger_counts.transaction_count, 0) is distinct from coalesce(monthly_counts.transaction_count, 0)
        or (coalesce(ledger_counts.refused_transaction_count, 0) is distinct from coalesce(monthly_counts.refused_transaction_count, 0)
            and coalesce(ledger_counts.transaction_count, 0) > 0)

),

latest_months as (

    select user_id, currency, closing_balance
    from (
        select
            *,
            row_number() over (partition by user_id, currency order by balance_month desc) as month_rank,
        from monthly
    ) as ranked
    where month_rank = 1

),

closing_differences as (

    select
        latest_months.user_id,
        latest_months.currency,
        'latest closing balance differs from users.last_balance' as problem,
    from latest_months
    inner join {{ ref('users') }} as users
        on latest_months.user_id = users.user_id
        and latest_months.currency = users.currency
    where latest_months.closing_balance is distinct from users.last_balance

)

select * from count_differences
union all
select * from closing_differences
