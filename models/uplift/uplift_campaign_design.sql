-- The declared design of every campaign: the share of targeted customers meant for the
-- treatment arm. The sample-ratio-mismatch check in uplift_campaign_lift compares the
-- observed split against it. Where it comes from, first found wins:
--   1. a `treatment_share` column of the campaigns relation (var scorehouse_campaigns),
--      when the CRM records it;
--   2. var `scorehouse_campaign_design`, a mapping {campaign_id: treatment_share}.
-- A declared audience (models/segments) is a campaign whose share is 1 - its holdout share.
-- A campaign with no declared share gets NULL, and `declared_by` says 'undeclared': its lift
-- is reported with srm_status 'undeclared', never checked against a guess.
{{ config(enabled=scorehouse._uplift_enabled()) }}
{%- set design = var('scorehouse_campaign_design', {}) %}
{%- if design is not mapping %}
{{ exceptions.raise_compiler_error("var scorehouse_campaign_design must map campaign ids to treatment shares, e.g. {1: 0.5}, not " ~ design) }}
{%- endif %}
{%- set double = scorehouse.type_double() %}
{%- set text = dbt.type_string() %}
{%- set campaigns = scorehouse._input('scorehouse_campaigns') %}
{%- set has_column = 'treatment_share' in scorehouse._input_columns(campaigns) %}
{%- set audiences = none %}
{%- if var('scorehouse_contacts', none) is not none %}
{%- set audience_campaigns = ref('seg_audience_campaigns') %}
{%- set audiences = load_relation(audience_campaigns) if execute else none %}
{%- endif %}

{%- if campaigns is not none %}
select
    campaigns.campaign_id,
    {%- if has_column %}
    cast(campaigns.treatment_share as {{ double }}) as treatment_share,
    cast(case when campaigns.treatment_share is null then 'undeclared' else 'campaigns column' end
        as {{ text }}) as declared_by
    {%- else %}
    declared.treatment_share,
    cast(case when declared.treatment_share is null then 'undeclared'
        else 'scorehouse_campaign_design' end as {{ text }}) as declared_by
    {%- endif %}
from {{ campaigns }} as campaigns
{%- if not has_column %}
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
{%- endif %}

{%- if campaigns is not none and audiences is not none %}

union all
{%- endif %}

{%- if audiences is not none %}

select
    audiences.campaign_id,
    cast(1.0e0 - audiences.holdout_share as {{ double }}) as treatment_share,
    cast('audience holdout' as {{ text }}) as declared_by
from {{ audiences }} as audiences
{%- endif %}

{%- if campaigns is none and audiences is none %}
select {{ scorehouse._typed_nulls([('campaign_id', dbt.type_int()), ('treatment_share', double), ('declared_by', text)]) }}
where 1 = 0
{%- endif %}
