-- The declared design of every campaign: the share of targeted customers meant for the
-- treatment arm. The sample-ratio-mismatch check in uplift_campaign_lift compares the
-- observed split against it. Where it comes from, first found wins:
--   1. a `treatment_share` column of the raw campaigns table (when the CRM records it);
--   2. var `scorehouse_campaign_design`, a mapping {campaign_id: treatment_share};
--   3. the plan of the demo retailer (`scorehouse demo-data`), below.
-- A declared audience (models/segments) is a campaign whose share is 1 - its holdout share.
-- A campaign with no declared share gets NULL: its lift is reported with srm_status
-- 'undeclared'.
{%- set demo_plan = {1: 0.5, 2: 0.8, 3: 0.8, 4: 0.5, 5: 0.5, 6: 0.8, 7: 0.5, 8: 0.8} %}
{%- set design = var('scorehouse_campaign_design', demo_plan) %}
{%- set double = scorehouse.type_double() %}
{%- set has_column = scorehouse._uplift_has_column(source('raw', 'campaigns'), 'treatment_share') %}
-- depends_on: {{ ref('seg_audience_campaigns') }}
{%- set audiences = load_relation(ref('seg_audience_campaigns')) if execute else none %}

select
    campaigns.campaign_id,
    {%- if has_column %}
    cast(raw_campaigns.treatment_share as {{ double }}) as treatment_share,
    cast('raw column' as {{ dbt.type_string() }}) as declared_by
    {%- else %}
    declared.treatment_share,
    cast(case when declared.treatment_share is null then null else 'scorehouse_campaign_design' end
        as {{ dbt.type_string() }}) as declared_by
    {%- endif %}
from {{ ref('stg_raw__campaigns') }} as campaigns
{%- if has_column %}
left join {{ scorehouse.raw_source('campaigns') }} as raw_campaigns
    on cast(raw_campaigns.campaign_id as {{ dbt.type_int() }}) = campaigns.campaign_id
{%- else %}
left join (
    {%- for campaign_id, share in design.items() %}
    select cast({{ scorehouse.sql_number(campaign_id | int if campaign_id is string and campaign_id.isdigit() else campaign_id, 'a campaign id of var scorehouse_campaign_design') }} as {{ dbt.type_int() }}) as campaign_id,
        {{ scorehouse.sql_double(share, 'the treatment share of campaign ' ~ campaign_id ~ ' in var scorehouse_campaign_design') }} as treatment_share
    {%- if not loop.last %} union all{% endif %}
    {%- else %}
    select cast(null as {{ dbt.type_int() }}) as campaign_id, cast(null as {{ double }}) as treatment_share
    where 1 = 0
    {%- endfor %}
) as declared
    on declared.campaign_id = campaigns.campaign_id
{%- endif %}
{%- if audiences is not none %}

union all

select
    audiences.campaign_id,
    cast(1.0e0 - audiences.holdout_share as {{ double }}) as treatment_share,
    cast('audience holdout' as {{ dbt.type_string() }}) as declared_by
from {{ audiences }} as audiences
{%- endif %}
