-- The Qini and uplift curves for charts: of uplift_curve_points, the origin and the last
-- point in each percent of the customers (at most 101 points per curve), with the share of
-- customers targeted. The exact areas are in uplift_ranking.
{{ config(enabled=scorehouse._uplift_enabled()) }}
{%- set double = scorehouse.type_double() %}

with

points as (
    select
        points.*,
        max(n_targeted) over (partition by model_name, model_version, campaign_id, subject, ordering) as n_total
    from {{ ref('uplift_curve_points') }} as points
),

bucketed as (
    select
        points.*,
        row_number() over (
            partition by model_name, model_version, campaign_id, subject, ordering,
                ceil(100.0e0 * n_targeted / n_total)
            order by n_targeted desc
        ) as rank_in_percent
    from points
)

select
    model_name, model_version, campaign_id, subject, ordering,
    n_targeted,
    cast(n_targeted as {{ double }}) / n_total as share_targeted,
    qini,
    uplift
from bucketed
where rank_in_percent = 1
