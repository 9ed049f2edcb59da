-- Every experiment, one row per campaign: the CRM's campaigns and the declared audiences
-- (seg_audience_campaigns), once the segments are built.
-- depends_on: {{ ref('seg_audience_campaigns') }}
{%- set columns = ['campaign_id', 'campaign_name', 'channel', 'offer', 'start_date', 'end_date',
                   'cost_per_contact'] %}
{%- set audiences = load_relation(ref('seg_audience_campaigns')) if execute else none %}

select {{ columns | join(', ') }}
from {{ ref('stg_raw__campaigns') }}
{%- if audiences is not none %}
union all
select {{ columns | join(', ') }}
from {{ audiences }}
{%- endif %}
