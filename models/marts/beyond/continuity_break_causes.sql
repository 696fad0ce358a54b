{#- One row per continuity break cause and currency: breaks and money at stake. -#}
with

breaks as (

    select * from {{ ref('int_continuity_breaks_explained') }}
    where continuity_break_cause is not null

),

final as (

    select
        continuity_break_cause,
        currency,
        count(*) as break_count,
        count(distinct user_id) as user_count,
        sum(abs(continuity_gap)) as money_at_stake,
        sum(continuity_gap) as net_continuity_gap,
        min(logged_at) as first_break_at,
        max(logged_at) as last_break_at
    from breaks
    group by continuity_break_cause, currency

)

select * from final
