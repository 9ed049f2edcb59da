-- Membership as validity intervals: one row per stretch of time a customer spent in an
-- audience in one state. Who was in audience A at time T:
--   select * from seg_membership_spells
--   where audience = 'A' and valid_from <= T and (valid_to is null or valid_to > T)
{{ config(materialized='view', enabled=scorehouse._segments_enabled()) }}

with events as (
    select
        history.*,
        lead(history.run_at) over (
            partition by history.audience, history.customer_id
            order by history.run_at
        ) as next_run_at
    from {{ ref('seg_membership_history') }} as history
)

select
    audience,
    member_key,
    customer_id,
    is_holdout,
    model_version,
    score,
    decile,
    run_at as valid_from,
    next_run_at as valid_to,
    change as entered_by
from events
where is_member
