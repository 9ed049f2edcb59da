-- The campaigns seen through each model's scores: every assigned customer of a campaign
-- with the score the model gave them at the newest cutoff on or before the campaign start
-- (at most var('scorehouse_uplift_max_score_age_days', 45) days before it), from the
-- newest model version scored by the model itself at that cutoff (not the rule fallback),
-- and the rule baseline of the spec evaluated on the same customer and cutoff. Customers
-- without a score at that cutoff are left out, and so are campaigns whose randomisation
-- failed the sample-ratio check (uplift_campaign_lift). Every targeting table reads this,
-- so it is a table: the joins run once.
{{ config(materialized='table', enabled=scorehouse._uplift_enabled()) }}
-- depends_on: {{ ref('uplift_campaigns') }}
-- depends_on: {{ ref('uplift_assignments') }}
-- depends_on: {{ ref('uplift_campaign_lift') }}
{%- set models = scorehouse._uplift_models() %}
{%- set double, int, text = scorehouse.type_double(), dbt.type_int(), dbt.type_string() %}
{%- set max_age = scorehouse.sql_number(var('scorehouse_uplift_max_score_age_days', 45), 'var scorehouse_uplift_max_score_age_days') %}

{%- for m in models %}
{%- set cutoff = adapter.quote(m.cutoff) %}
{%- if loop.first %}
with
{%- endif %}
runs_{{ loop.index }} as (
    select {{ cutoff }} as cutoff, max(model_version) as model_version
    from {{ m.history }}
    where scored_by = 'model'
    group by {{ cutoff }}
),
chosen_{{ loop.index }} as (
    select campaigns.campaign_id, max(runs.cutoff) as cutoff
    from {{ ref('uplift_campaigns') }} as campaigns
    inner join runs_{{ loop.index }} as runs
        on runs.cutoff <= campaigns.start_date
        and {{ dbt.datediff('runs.cutoff', 'campaigns.start_date', 'day') }} <= {{ max_age }}
    group by campaigns.campaign_id
){% if not loop.last %},{% endif %}
{%- endfor %}

{%- for m in models %}
{%- set cutoff = adapter.quote(m.cutoff) %}
{%- set key = adapter.quote(m.entity_key) %}
select
    cast({{ scorehouse.sql_string(m.name) }} as {{ text }}) as model_name,
    cast(runs.model_version as {{ int }}) as model_version,
    cast(chosen.cutoff as date) as cutoff,
    assignments.campaign_id,
    assignments.customer_id,
    cast(case when assignments.is_treatment then 1 else 0 end as {{ int }}) as treatment,
    cast(case when assignments.is_converted then 1 else 0 end as {{ int }}) as converted,
    cast(assignments.revenue as {{ double }}) as revenue,
    cast(scores.score as {{ double }}) as score,
    {%- if m.baseline_sql and m.score_relation is not none %}
    cast(rules.rule_score as {{ double }}) as rule_score
    {%- else %}
    cast(null as {{ double }}) as rule_score
    {%- endif %}
from {{ ref('uplift_assignments') }} as assignments
inner join chosen_{{ loop.index }} as chosen
    on chosen.campaign_id = assignments.campaign_id
inner join runs_{{ loop.index }} as runs
    on runs.cutoff = chosen.cutoff
inner join {{ m.history }} as scores
    on cast(scores.{{ key }} as {{ text }}) = assignments.customer_id
    and scores.{{ cutoff }} = chosen.cutoff
    and scores.model_version = runs.model_version
    and scores.scored_by = 'model'
inner join {{ ref('uplift_campaign_lift') }} as lift
    on lift.campaign_id = assignments.campaign_id
    and lift.is_reported
{%- if m.baseline_sql and m.score_relation is not none %}
left join (
    select cast({{ key }} as {{ text }}) as customer_id, {{ cutoff }} as cutoff, ({{ m.baseline_sql }}) as rule_score
    from {{ m.score_relation }}
) as rules
    on rules.customer_id = assignments.customer_id
    and rules.cutoff = chosen.cutoff
{%- endif %}
where scores.score is not null
{%- if not loop.last %}
union all
{%- endif %}
{%- else %}
select
    cast(null as {{ text }}) as model_name, cast(null as {{ int }}) as model_version,
    cast(null as date) as cutoff, cast(null as {{ int }}) as campaign_id,
    cast(null as {{ text }}) as customer_id, cast(null as {{ int }}) as treatment,
    cast(null as {{ int }}) as converted, cast(null as {{ double }}) as revenue,
    cast(null as {{ double }}) as score, cast(null as {{ double }}) as rule_score
where 1 = 0
{%- endfor %}
