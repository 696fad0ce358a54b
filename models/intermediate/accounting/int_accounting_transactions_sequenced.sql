{#-
    One row per transaction block (marts.transactions), prepared for the
    accounting marts:
    - action_category from the seed (an action missing there is `other`,
      a legacy block without an action too);
    - UTC day and month;
    - the signed balance effect of the net amount and the balance move;
    - each user's history (per currency) in (logged_at, transaction_id,
      transaction_event_id) order, the order of the continuity rule: the
      previous block and, separately, the previous *ledger* block, i.e.
      skipping the attempts the service refused (outcome
      blocked_negative_balance): a refused attempt never moved the balance,
      so the next transaction starts from the balance before it.
-#}
with

transactions as (

    select * from {{ ref('transactions') }}

),

currencies as (

    select * from {{ ref('currencies') }}

),

action_categories as (

    select * from {{ ref('action_categories') }}

),

categorised as (

    select
        transactions.transaction_event_id,
        transactions.transaction_id,
        transactions.user_id,
        transactions.currency,
        transactions.transaction_type,
        transactions.is_type_inferred,
        transactions.source,
        transactions.action,
        coalesce(action_categories.action_category, 'other') as action_category,
        action_categories.action is not null as is_known_action,
        transactions.amount,
        transactions.vat,
        transactions.net_amount,
        transactions.old_balance,
        transactions.new_balance,
        transactions.payment_balance,
        transactions.expected_new_balance,
        transactions.balance_difference,
        transactions.is_arithmetic_mismatch,
        transactions.previous_new_balance,
        transactions.continuity_gap,
        transactions.is_continuity_break,
        transactions.is_overdraft,
        transactions.outcome,
        transactions.outcome = 'blocked_negative_balance' as is_refused,
        transactions.logged_at,
        cast(transactions.logged_at as date) as activity_date,
        cast({{ dbt.date_trunc('month', 'transactions.logged_at') }} as date) as activity_month,
        transactions.request_id,
        transactions.layout_version,
        {{ accounting_half_minor_unit('currencies.minor_unit') }} as half_minor_unit,
        case transactions.transaction_type
            when 'CREDIT' then transactions.net_amount
            when 'DEBIT' then -transactions.net_amount
        end as signed_net_amount,
        transactions.new_balance - transactions.old_balance as balance_move,
    from transactions
    left join currencies
        on transactions.currency = currencies.currency_code
    left join action_categories
        on transactions.action = action_categories.action

),

user_history as (

    select
        *,
        row_number() over user_order as user_sequence_number,
        lag(transaction_id) over user_order as previous_transaction_id,
        lag(old_balance) over user_order as previous_old_balance,
        lag(balance_move) over user_order as previous_balance_move,
        lag(is_refused) over user_order as is_previous_refused,
        lag(logged_at) over user_order as previous_logged_at,
    from categorised
    window user_order as (
        partition by user_id, currency
        order by logged_at, transaction_id, transaction_event_id
    )

),

ledger as (

    select
        transaction_event_id,
        row_number() over ledger_order as ledger_sequence_number,
        lag(transaction_id) over ledger_order as previous_ledger_transaction_id,
        lag(new_balance) over ledger_order as previous_ledger_new_balance,
        row_number() over month_order as ledger_number_in_month,
        count(*) over month_partition as ledger_count_in_month,
    from categorised
    where not is_refused
    window
        ledger_order as (
            partition by user_id, currency
            order by logged_at, transaction_id, transaction_event_id
        ),
        month_partition as (partition by user_id, currency, activity_month),
        month_order as (
            partition by user_id, currency, activity_month
            order by logged_at, transaction_id, transaction_event_id
        )

),

final as (

    select
        user_history.*,
        ledger.ledger_sequence_number,
        ledger.previous_ledger_transaction_id,
        ledger.previous_ledger_new_balance,
        user_history.old_balance - ledger.previous_ledger_new_balance as ledger_gap,
        coalesce(ledger.ledger_number_in_month = 1, false) as is_first_ledger_in_month,
        coalesce(ledger.ledger_number_in_month = ledger.ledger_count_in_month, false) as is_last_ledger_in_month,
    from user_history
    left join ledger
        on user_history.transaction_event_id = ledger.transaction_event_id

)

select * from final
