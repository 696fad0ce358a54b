-- A month's distinct users of a group lie between the busiest day's users
-- and the sum of the daily users (they are never simply summed).
with

daily_bounds as (

    select
        activity_month,
        currency,
        transaction_type,
        action,
        max(user_count) as busiest_day_user_count,
        sum(user_count) as summed_daily_user_count
    from {{ ref('daily_activity') }}
    group by activity_month, currency, transaction_type, action

)

select
    monthly.*,
    daily_bounds.busiest_day_user_count,
    daily_bounds.summed_daily_user_count
from {{ ref('monthly_activity') }} as monthly
inner join daily_bounds
    on monthly.activity_month = daily_bounds.activity_month
    and monthly.currency = daily_bounds.currency
    and monthly.transaction_type is not distinct from daily_bounds.transaction_type
    and monthly.action is not distinct from daily_bounds.action
where monthly.user_count < daily_bounds.busiest_day_user_count
    or monthly.user_count > daily_bounds.summed_daily_user_count
