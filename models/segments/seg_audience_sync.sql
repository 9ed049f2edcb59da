-- What reverse-ETL tools (Hightouch, Census) and `scorehouse export` read: the current
-- audiences without their holdout, keyed by member_key. Consent is checked again against
-- the live contacts relation (var scorehouse_contacts), so a customer who withdrew it since
-- the last build is not synced.
{{ config(materialized='view', enabled=scorehouse._segments_enabled()) }}
{%- set contacts = scorehouse._input('scorehouse_contacts') %}

select
    members.member_key,
    members.audience,
    members.destination_type,
    members.destination,
    members.crm_id,
    members.email,
    members.email_sha256,
    members.phone_e164,
    members.phone_sha256,
    members.model_name,
    members.model_version,
    members.score,
    members.decile,
    members.entered_at,
    members.updated_at
from {{ ref('seg_audience_members') }} as members
inner join {{ contacts }} as customers
    on cast(customers.customer_id as {{ dbt.type_string() }}) = members.customer_id
where not members.is_holdout
    and case members.consent_channel
        when 'email' then customers.has_email_consent
        when 'sms' then customers.has_sms_consent
        when 'ads' then customers.has_ads_consent
    end
