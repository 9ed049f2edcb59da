-- Every experiment's assignments, one row per campaign and customer: the user's campaigns
-- (var scorehouse_campaign_assignments) and the declared audiences, whose control group is
-- exactly their holdout (seg_audience_assignments). Audiences join once the segments are
-- built.
{{ config(enabled=scorehouse._uplift_enabled()) }}
{%- set double = scorehouse.type_double() %}
{%- set timestamp = dbt.type_timestamp() %}
{{ scorehouse._union_when_built(
    scorehouse._input('scorehouse_campaign_assignments'),
    'seg_audience_assignments',
    [('campaign_id', dbt.type_int()), ('customer_id', dbt.type_string()),
     ('assigned_at', timestamp), ('treatment_group', dbt.type_string()),
     ('is_treatment', 'boolean'), ('was_contacted', 'boolean'), ('contact_cost', double),
     ('is_converted', 'boolean'), ('converted_at', timestamp), ('revenue', double)],
) }}
