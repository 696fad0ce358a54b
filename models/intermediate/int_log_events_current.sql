{#-
    Every event once: the loaded events (int_log_events_loaded) less the
    copies an earlier file already brought (int_log_events_repeated). Every
    model that reads events reads this view.
-#}
{{ config(materialized='view') }}

with

loaded_events as (

    select * from {{ ref('int_log_events_loaded') }}

),

repeated_events as (

    select event_id from {{ ref('int_log_events_repeated') }}

),

owned_events as (

    select loaded_events.*
    from loaded_events
    where loaded_events.event_id not in (select event_id from repeated_events)

)

select * from owned_events
