{#-
    One row per transaction block (int_transactions_evaluated), prepared for the
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
      so the next transaction starts from the balance before it;
    - the balance chain of the roll-forward (previous_ledger_*, ledger_gap,
      is_first/last_ledger_in_month) runs over the ledger blocks whose old
      and new balance are both known (has_known_balances): a block cut
      short by the export (or logging `undefined`) has no balance to chain
      from or to, so it is skipped like a refused attempt and its move, if
      any, shows up in the next known block's gap;
    - each block's place among the user's blocks of the same content
      (content_rank), read by the duplicate_content and reused_old_balance
      detectors.
-#}
with

transactions as (

    select * from {{ ref('int_transactions_evaluated') }}

),

action_categories as (

    select * from {{ ref('action_categories') }}

),

categorised as (

    select
        transactions.event_id as transaction_event_id,
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
        transactions.old_balance is not null and transactions.new_balance is not null as has_known_balances,
        transactions.logged_at,
        cast(transactions.logged_at as date) as activity_date,
        cast({{ dbt.date_trunc('month', 'transactions.logged_at') }} as date) as activity_month,
        transactions.request_id,
        transactions.layout_version,
        transactions.missing_fields,
        transactions.half_minor_unit,
        case transactions.transaction_type
            when 'CREDIT' then transactions.net_amount
            when 'DEBIT' then -transactions.net_amount
        end as signed_net_amount,
        transactions.new_balance - transactions.old_balance as balance_move
    from transactions
    left join action_categories
        on transactions.action = action_categories.action

),

{#- the windows, named in the query and spelled out where a frame is added
    (Spark does not extend a named window) -#}
{%- set user_order = 'partition by user_id, currency order by logged_at, transaction_id, transaction_event_id' %}
{%- set month_order = 'partition by user_id, currency, activity_month order by logged_at, transaction_id, transaction_event_id' %}
user_history as (

    select
        *,
        cast(row_number() over user_order as bigint) as user_sequence_number,
        lag(transaction_id) over user_order as previous_transaction_id,
        lag(old_balance) over user_order as previous_old_balance,
        lag(balance_move) over user_order as previous_balance_move,
        lag(is_refused) over user_order as is_previous_refused,
        lag(logged_at) over user_order as previous_logged_at,
        -- the ledger (refused attempts skipped) in the same pass: the last
        -- non-refused block before this one
        sum(case when is_refused then 0 else 1 end) over (
            {{ user_order }} rows between unbounded preceding and current row
        ) as ledger_count_so_far,
        -- the balance chain: ledger blocks with both balances known
        {{ last_value_ignore_nulls('case when is_known_ledger then transaction_id end') }} over (
            {{ user_order }} rows between unbounded preceding and 1 preceding
        ) as last_ledger_transaction_id_before,
        {{ last_value_ignore_nulls('case when is_known_ledger then new_balance end') }} over (
            {{ user_order }} rows between unbounded preceding and 1 preceding
        ) as last_ledger_new_balance_before,
        coalesce(sum(case when is_known_ledger then 1 else 0 end) over (
            {{ month_order }} rows between unbounded preceding and 1 preceding
        ), 0) as ledger_count_before_in_month,
        coalesce(sum(case when is_known_ledger then 1 else 0 end) over (
            {{ month_order }} rows between 1 following and unbounded following
        ), 0) as ledger_count_after_in_month
    from (
        select *, not is_refused and has_known_balances as is_known_ledger
        from categorised
    ) as categorised
    window
        user_order as ({{ user_order }}),
        month_order as ({{ month_order }})

),

final as (

    select
        {{ star_except([
            'ledger_count_so_far',
            'last_ledger_transaction_id_before',
            'last_ledger_new_balance_before',
            'ledger_count_before_in_month',
            'ledger_count_after_in_month',
            'is_known_ledger'
        ]) }},
        case when not is_refused then ledger_count_so_far end as ledger_sequence_number,
        case when is_known_ledger then last_ledger_transaction_id_before end as previous_ledger_transaction_id,
        case when is_known_ledger then last_ledger_new_balance_before end as previous_ledger_new_balance,
        case when is_known_ledger then old_balance - last_ledger_new_balance_before end as ledger_gap,
        -- doc block is_ledger_chain_break
        coalesce(is_known_ledger and abs(old_balance - last_ledger_new_balance_before) > half_minor_unit, false)
            as is_ledger_chain_break,
        is_known_ledger and ledger_count_before_in_month = 0 as is_first_ledger_in_month,
        is_known_ledger and ledger_count_after_in_month = 0 as is_last_ledger_in_month,
        -- the user's blocks of the same content, in the same order: the
        -- first is the original of the others (doc block content_rank)
        cast(row_number() over same_content as bigint) as content_rank,
        first_value(transaction_id) over same_content as original_transaction_id,
        first_value(logged_at) over same_content as original_logged_at
    from user_history
    window same_content as (
        partition by user_id, currency, action, amount, old_balance, new_balance
        order by logged_at, transaction_id, transaction_event_id
    )

)

select * from final
