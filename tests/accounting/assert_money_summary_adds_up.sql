-- money_summary's roll-forward parts add up to marts.monthly_balances per currency:
-- gaps within months + arithmetic differences = the unexplained difference, plus the
-- gaps between months = the net unexplained change (last closing - first opening - credits
-- + debits per user). Issue lines match marts.reconciliation_issues per type.
with

summary as (

    select
        currency,
        sum(signed_amount) filter (where line_item in ('continuity_gap_within_months', 'arithmetic_difference'))
            as unexplained_difference,
        sum(signed_amount) filter (where line_group = 'roll_forward') as net_unexplained_change
    from {{ ref('money_summary') }}
    group by currency

),

balances as (

    select
        currency,
        sum(unexplained_difference) as unexplained_difference,
        sum(unexplained_difference) + sum(coalesce(opening_gap, 0)) as net_unexplained_change
    from {{ ref('monthly_balances') }}
    group by currency

),

issue_lines as (

    select currency, line_item as issue_type, item_count, amount_at_stake
    from {{ ref('money_summary') }}
    where line_group = 'issue'

),

issues as (

    select currency, issue_type, count(*) as item_count, sum(amount_at_stake) as amount_at_stake
    from {{ ref('reconciliation_issues') }}
    group by all

)

select 'roll_forward' as check_name, coalesce(summary.currency, balances.currency) as currency, null as issue_type
from summary
full join balances on summary.currency is not distinct from balances.currency
where summary.unexplained_difference is distinct from balances.unexplained_difference
    or summary.net_unexplained_change is distinct from balances.net_unexplained_change
union all
select 'issues', coalesce(issue_lines.currency, issues.currency), coalesce(issue_lines.issue_type, issues.issue_type)
from issue_lines
full join issues
    on issue_lines.currency is not distinct from issues.currency
    and issue_lines.issue_type = issues.issue_type
where issue_lines.item_count is distinct from issues.item_count
    or issue_lines.amount_at_stake is distinct from issues.amount_at_stake
