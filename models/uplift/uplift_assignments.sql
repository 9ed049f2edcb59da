-- Every experiment's assignments, one row per campaign and customer: the CRM's campaigns
-- (raw campaign_assignments) and the declared audiences, whose control group is exactly
-- their holdout (seg_audience_assignments). Audiences join once the segments are built.
{{ scorehouse._union_when_built(
    ref('stg_raw__campaign_assignments'),
    ref('seg_audience_assignments'),
    ['campaign_id', 'customer_id', 'assigned_at', 'treatment_group', 'is_treatment',
     'was_contacted', 'contact_cost', 'is_converted', 'converted_at', 'revenue'],
) }}
