-- Audiences as experiments, in the shape of campaign assignments, for the uplift tables:
-- every customer's first entry into an audience, treated when synced and control when held
-- out (the same flag the sync view filters on), with the conversions (var
-- scorehouse_conversions) in the audience's attribution window after entering. Entries whose
-- window has not closed by this run are left out: their outcome is not known yet. Without a
-- conversions relation no outcome is known, and the table is empty.
{{ config(materialized='table', enabled=scorehouse._segments_enabled()) }}
{%- set run_at = scorehouse._segments_at_sql() %}
{%- set conversions = scorehouse._input_or_empty('scorehouse_conversions') %}

with

settings as (
    {{- scorehouse._audience_settings() | indent(4) }}
),

first_entries as (
    select audience, customer_id, run_at as assigned_at, is_holdout
    from (
        select
            history.*,
            row_number() over (
                partition by history.audience, history.customer_id
                order by history.run_at
            ) as entry_number
        from {{ ref('seg_membership_history') }} as history
        where history.change = 'added'
    ) as entries
    where entry_number = 1
),

matured as (
    select
        first_entries.*,
        settings.campaign_id,
        settings.cost_per_contact,
        {{ dbt.dateadd('day', 'settings.attribution_days', 'first_entries.assigned_at') }} as window_end
    from first_entries
    inner join settings
        on settings.audience = first_entries.audience
    where {{ dbt.dateadd('day', 'settings.attribution_days', 'first_entries.assigned_at') }} <= {{ run_at }}
),

outcomes as (
    select
        matured.audience,
        matured.customer_id,
        min(conversions.converted_at) as converted_at,
        sum(conversions.value) as revenue
    from matured
    inner join {{ conversions }} as conversions
        on cast(conversions.customer_id as {{ dbt.type_string() }}) = matured.customer_id
        and conversions.converted_at > matured.assigned_at
        and conversions.converted_at <= matured.window_end
    group by matured.audience, matured.customer_id
)

select
    matured.campaign_id,
    matured.customer_id,
    matured.assigned_at,
    cast(case when matured.is_holdout then 'control' else 'treatment' end as {{ dbt.type_string() }})
        as treatment_group,
    not matured.is_holdout as is_treatment,
    not matured.is_holdout as was_contacted,
    cast(case when matured.is_holdout then 0.0e0 else matured.cost_per_contact end
        as {{ scorehouse.type_double() }}) as contact_cost,
    outcomes.customer_id is not null as is_converted,
    outcomes.converted_at,
    cast(coalesce(outcomes.revenue, 0.0e0) as {{ scorehouse.type_double() }}) as revenue
from matured
left join outcomes
    on outcomes.audience = matured.audience
    and outcomes.customer_id = matured.customer_id
{%- if var('scorehouse_conversions', none) is none %}
-- no conversions relation: outcomes are unknown, not zero
where 1 = 0
{%- endif %}
