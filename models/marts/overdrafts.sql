{#- One row per overdraft: int_overdrafts with its contract (_marts.yml). -#}
with

overdrafts as (

    select * from {{ ref('int_overdrafts') }}

),

final as (

    select
        transaction_id,
        user_id,
        currency,
        occurred_at,
        balance_before,
        balance_after,
        overdraft_amount,
        was_blocked,
        detected_by,
        action,
        has_transaction_block,
        refusal_count,
        request_id
    from overdrafts

)

select * from final
