-- Every experiment, one row per campaign: the user's campaigns (var scorehouse_campaigns)
-- and the declared audiences (seg_audience_campaigns), once the segments are built.
{{ config(enabled=scorehouse._uplift_enabled()) }}
{{ scorehouse._union_when_built(
    scorehouse._input('scorehouse_campaigns'),
    'seg_audience_campaigns',
    [('campaign_id', dbt.type_int()), ('campaign_name', dbt.type_string()),
     ('channel', dbt.type_string()), ('offer', dbt.type_string()), ('start_date', 'date'),
     ('end_date', 'date'), ('cost_per_contact', scorehouse.type_double())],
) }}
