-- The current audiences: one row per audience and customer, holdout included, with when the
-- customer entered the audience (the start of the current stay) and when the row last
-- changed. seg_audience_sync is the part destinations may receive.
{{ config(materialized='table', enabled=scorehouse._segments_enabled()) }}

with

stays as (
    select
        audience,
        customer_id,
        max(case when change = 'added' then run_at end) as entered_at,
        max(run_at) as updated_at
    from {{ ref('seg_membership_history') }}
    group by audience, customer_id
)

select
    members.member_key,
    members.audience,
    members.campaign_id,
    members.destination_type,
    members.destination,
    members.consent_channel,
    members.customer_id,
    members.crm_id,
    members.email,
    members.email_sha256,
    members.phone_e164,
    members.phone_sha256,
    members.model_name,
    members.model_version,
    members.scored_by,
    members.score,
    members.decile,
    members.cutoff_date,
    members.is_holdout,
    members.holdout_share,
    stays.entered_at,
    stays.updated_at
from {{ ref('seg_audience_candidates') }} as members
inner join stays
    on stays.audience = members.audience
    and stays.customer_id = members.customer_id
