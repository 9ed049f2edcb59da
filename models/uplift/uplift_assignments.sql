-- Every experiment's assignments, one row per campaign and customer: the CRM's campaigns
-- (raw campaign_assignments) and the declared audiences, whose control group is exactly
-- their holdout (seg_audience_assignments). Audiences join once the segments are built.
-- depends_on: {{ ref('seg_audience_assignments') }}
{%- set columns = ['campaign_id', 'customer_id', 'assigned_at', 'treatment_group', 'is_treatment',
                   'was_contacted', 'contact_cost', 'is_converted', 'converted_at', 'revenue'] %}
{%- set audiences = load_relation(ref('seg_audience_assignments')) if execute else none %}

select {{ columns | join(', ') }}
from {{ ref('stg_raw__campaign_assignments') }}
{%- if audiences is not none %}
union all
select {{ columns | join(', ') }}
from {{ audiences }}
{%- endif %}
