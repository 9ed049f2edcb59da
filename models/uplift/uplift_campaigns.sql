-- Every experiment, one row per campaign: the CRM's campaigns and the declared audiences
-- (seg_audience_campaigns), once the segments are built.
{{ scorehouse._union_when_built(
    ref('stg_raw__campaigns'),
    ref('seg_audience_campaigns'),
    ['campaign_id', 'campaign_name', 'channel', 'offer', 'start_date', 'end_date',
     'cost_per_contact'],
) }}
