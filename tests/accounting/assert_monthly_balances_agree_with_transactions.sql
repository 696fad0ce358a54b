-- marts.monthly_balances has one row per user, currency and month with a
-- ledger transaction, counting every ledger transaction, ledger transaction
-- with an unknown balance and refused attempt of that month once (refused
-- attempts of a month without any ledger transaction have no row, by the
-- grain); and the closing balance of each user's latest month with known
-- balances is the new_balance of the user's last ledger transaction whose
-- old and new balances are both known (a later block cut short does not
-- make the closing unknown). That is marts.users.last_balance unless the
-- user's last known new_balance comes with an unknown old_balance.
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
        count(*) filter (
            where outcome <> 'blocked_negative_balance' and (old_balance is null or new_balance is null)
        ) as unknown_balance_transaction_count
    from {{ ref('transactions') }}
    group by user_id, currency, cast({{ dbt.date_trunc('month', 'logged_at') }} as date)
    having count(*) filter (where outcome <> 'blocked_negative_balance') > 0

),

count_differences as (

    select
        coalesce(expected_counts.user_id, monthly.user_id) as user_id,
        coalesce(expected_counts.currency, monthly.currency) as currency,
        coalesce(expected_counts.balance_month, monthly.balance_month) as balance_month,
        'transaction counts differ' as problem
    from expected_counts
    full outer join monthly
        on expected_counts.user_id is not distinct from monthly.user_id
        and expected_counts.currency is not distinct from monthly.currency
        and expected_counts.balance_month is not distinct from monthly.balance_month
    where expected_counts.transaction_count is distinct from monthly.transaction_count
        or expected_counts.refused_transaction_count is distinct from monthly.refused_transaction_count
        or expected_counts.unknown_balance_transaction_count is distinct from monthly.unknown_balance_transaction_count

),

latest_months as (

    select user_id, currency, balance_month, closing_balance
    from (
        select
            *,
            row_number() over (partition by user_id, currency order by balance_month desc) as month_rank
        from monthly
        where closing_balance is not null
    ) as ranked
    where month_rank = 1

),

last_known_balances as (

    select
        user_id,
        currency,
        {{ arg_max('new_balance', row_value(['logged_at', 'transaction_id', 'transaction_event_id'])) }} as last_known_balance
    from {{ ref('transactions') }}
    where outcome <> 'blocked_negative_balance'
        and old_balance is not null
        and new_balance is not null
    group by user_id, currency

),

closing_differences as (

    select
        coalesce(latest_months.user_id, last_known_balances.user_id) as user_id,
        coalesce(latest_months.currency, last_known_balances.currency) as currency,
        latest_months.balance_month,
        'latest known closing balance differs from the last known new_balance of marts.transactions' as problem
    from latest_months
    full outer join last_known_balances
        on latest_months.user_id is not distinct from last_known_balances.user_id
        and latest_months.currency is not distinct from last_known_balances.currency
    where latest_months.closing_balance is distinct from last_known_balances.last_known_balance

)

select * from count_differences
union all
select * from closing_differences
