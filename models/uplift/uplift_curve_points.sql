-- The exact Qini and uplift curves, as scikit-uplift defines them (qini_curve,
-- uplift_curve, perfect_qini_curve with negative_effect=True, perfect_uplift_curve): one
-- point per distinct score value, customers taken in descending score order, plus the
-- origin. `ordering` is 'actual' (by the subject's score), 'perfect_qini' or
-- 'perfect_uplift' (the ideal orderings each AUC is normalised by, on the same customers).
-- At a point with N customers, N_t treated and N_c control, Y_t and Y_c conversions:
--   qini   = Y_t - Y_c * (N_t / N_c)                 (0 when N_c = 0)
--   uplift = (Y_t / N_t - Y_c / N_c) * N             (each ratio 0 when its count is 0)
-- The perfect orderings rank customers by their cell alone (treated or control, converted
-- or not), so their points come from the four cell counts, not from another pass over
-- the rows: perfect Qini ranks treated responders (1) over non-responders (0) over
-- control responders (-1); perfect uplift ranks treated responders (3) over control
-- non-responders (2), then control responders and treated non-responders (1 and 0, the
-- larger group of the two first). uplift_ranking integrates the curves; uplift_curves
-- keeps a hundred points of each for charts.
{{ config(enabled=scorehouse._uplift_enabled()) }}
{%- set double, text, bigint = scorehouse.type_double(), dbt.type_string(), dbt.type_bigint() %}
{%- set keys = 'model_name, model_version, campaign_id, subject' %}

with

subjects as (
    {{ scorehouse._uplift_by_subject(ref('uplift_scored_assignments')) }}
),

actual as (
    select
        {{ keys }},
        cast('actual' as {{ text }}) as ordering,
        ranking,
        count(*) as n,
        sum(treatment) as n_treatment,
        sum(treatment * converted) as y_treatment,
        sum((1 - treatment) * converted) as y_control
    from subjects
    group by {{ keys }}, ranking
),

cells as (
    select
        {{ keys }},
        sum(y_treatment) as treated_responders,
        sum(n_treatment - y_treatment) as treated_non_responders,
        sum(y_control) as control_responders,
        sum(n - n_treatment - y_control) as control_non_responders
    from actual
    group by {{ keys }}
),

-- (ordering, ranking, n, n_treatment, y_treatment, y_control) of each non-empty cell
perfect as (
    {%- set cell_rows = [
        ('perfect_qini', '1', 'treated_responders', 'treated'),
        ('perfect_qini', '0', 'treated_non_responders', 'treated'),
        ('perfect_qini', '0', 'control_non_responders', 'control'),
        ('perfect_qini', '-1', 'control_responders', 'control'),
        ('perfect_uplift', '3', 'treated_responders', 'treated'),
        ('perfect_uplift', '2', 'control_non_responders', 'control'),
        ('perfect_uplift', 'case when control_responders > treated_non_responders then 1 else 0 end',
            'control_responders', 'control'),
        ('perfect_uplift', 'case when control_responders > treated_non_responders then 0 else 1 end',
            'treated_non_responders', 'treated'),
    ] %}
    {%- for ordering, ranking, cell, arm in cell_rows %}
    select
        {{ keys }},
        cast({{ scorehouse.sql_string(ordering) }} as {{ text }}) as ordering,
        cast({{ ranking }} as {{ double }}) as ranking,
        {{ cell }} as n,
        {{ cell if arm == 'treated' else '0' }} as n_treatment,
        {{ cell if cell == 'treated_responders' else '0' }} as y_treatment,
        {{ cell if cell == 'control_responders' else '0' }} as y_control
    from cells
    where {{ cell }} > 0
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

grouped as (
    select * from actual
    union all
    select {{ keys }}, ordering, ranking, sum(n), sum(n_treatment), sum(y_treatment), sum(y_control)
    from perfect
    group by {{ keys }}, ordering, ranking
),

cumulative as (
    select
        {{ keys }}, ordering, ranking,
        {%- for column in ['n', 'n_treatment', 'y_treatment', 'y_control'] %}
        sum({{ column }}) over (
            partition by {{ keys }}, ordering
            order by ranking desc rows between unbounded preceding and current row
        ) as cum_{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from grouped
),

points as (
    select
        {{ keys }}, ordering, ranking as score_threshold,
        cast(cum_n as {{ bigint }}) as n_targeted,
        cast(cum_n_treatment as {{ bigint }}) as n_treatment,
        cast(cum_y_treatment as {{ bigint }}) as conversions_treatment,
        cast(cum_y_control as {{ bigint }}) as conversions_control,
        cast(cum_y_treatment as {{ double }}) - case when cum_n - cum_n_treatment > 0 then
            cum_y_control * (cast(cum_n_treatment as {{ double }}) / (cum_n - cum_n_treatment))
            else 0.0e0 end as qini,
        ((case when cum_n_treatment > 0 then cast(cum_y_treatment as {{ double }}) / cum_n_treatment else 0.0e0 end)
         - (case when cum_n - cum_n_treatment > 0 then cast(cum_y_control as {{ double }}) / (cum_n - cum_n_treatment) else 0.0e0 end))
         * cum_n as uplift
    from cumulative
)

select * from points
union all
select distinct
    {{ keys }}, ordering,
    cast(null as {{ double }}) as score_threshold,
    cast(0 as {{ bigint }}) as n_targeted,
    cast(0 as {{ bigint }}) as n_treatment,
    cast(0 as {{ bigint }}) as conversions_treatment,
    cast(0 as {{ bigint }}) as conversions_control,
    0.0e0 as qini,
    0.0e0 as uplift
from grouped
