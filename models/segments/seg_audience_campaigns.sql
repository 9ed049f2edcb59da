-- Audiences as campaigns, in the shape of raw campaigns, for the uplift tables: the campaign
-- runs from the first matured entry to the close of the last one's attribution window.
{{ config(materialized='table', enabled=scorehouse._segments_enabled()) }}

with

settings as (
    {{- scorehouse._audience_settings() | indent(4) }}
),

entries as (
    select campaign_id, min(assigned_at) as first_entry, max(assigned_at) as last_entry
    from {{ ref('seg_audience_assignments') }}
    group by campaign_id
)

select
    settings.campaign_id,
    cast('audience ' || settings.audience as {{ dbt.type_string() }}) as campaign_name,
    cast(case settings.destination_type
        when 'email_list' then 'email'
        when 'sms_list' then 'sms'
        when 'ad_audience' then 'ads'
        else 'crm'
    end as {{ dbt.type_string() }}) as channel,
    settings.destination as offer,
    cast(entries.first_entry as date) as start_date,
    cast({{ dbt.dateadd('day', 'settings.attribution_days', 'entries.last_entry') }} as date) as end_date,
    settings.cost_per_contact,
    settings.holdout_share
from settings
inner join entries
    on entries.campaign_id = settings.campaign_id
