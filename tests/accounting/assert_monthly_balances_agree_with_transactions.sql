-- marts.monthly_balances has one row per user, currency and month with a
-- ledger transaction, counting every ledger transaction and refused
-- attempt of that month once (refused attempts of a month without any
-- ledger transaction have no row, by the grain); and the closing balance
-- of each user's latest month is marts.users.last_balance (the balance
-- after the last transaction the service did not refuse).
with

monthly as (

    select * from {{ ref('monthly_balances') }}

),

expected_counts as (

    select
        user_id,
        currency,
        cast({{ dbt.date_trunc('month', 'logged_at') }} as date) as balance_month,
        count(*) filter (where outcome <> 'blocked_negative_balance') as transaction_count,
        count(*) filter (where outcome = 'blocked_negative_balance') as refused_transaction_count,
    from {{ ref('transactions') }}
    group by user_id, currency, cast({{ dbt.date_trunc('month', 'logged_at') }} as date)
    having count(*) filter (where outcome <> 'blocked_negative_balance') > 0

),

count_differences as (

    select
        coalesce(expected_counts.user_id, monthly.user_id) as user_id,
        coalesce(expected_counts.currency, monthly.currency) as currency,
        coalesce(expected_counts.balance_month, monthly.balance_month) as balance_month,
        'transaction counts differ' as problem,
    from expected_counts
    full outer join monthly
        on expected_counts.user_id = monthly.user_id
        and expected_counts.currency = monthly.currency
        and expected_counts.balance_month = monthly.balance_month
    where expected_counts.transaction_count is distinct from monthly.transaction_count
        or expected_counts.refused_transaction_count is distinct from monthly.refused_transaction_count

),

latest_months as (

    select user_id, currency, balance_month, closing_balance
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
        latest_months.balance_month,
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
