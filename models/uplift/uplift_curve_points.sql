-- The exact Qini and uplift curves, as scikit-uplift defines them (qini_curve,
-- uplift_curve, perfect_qini_curve with negative_effect=True, perfect_uplift_curve): one
-- point per distinct score value, customers taken in descending score order, plus the
-- origin. `ordering` is 'actual' (by the subject's score), 'perfect_qini' or
-- 'perfect_uplift' (the ideal orderings each AUC is normalised by, on the same customers).
-- At a point with N customers, N_t treated and N_c control, Y_t and Y_c conversions:
--   qini   = Y_t - Y_c * (N_t / N_c)                 (0 when N_c = 0)
--   uplift = (Y_t / N_t - Y_c / N_c) * N             (each ratio 0 when its count is 0)
-- uplift_ranking integrates them; uplift_curves keeps a hundred points for charts.
{%- set double, text = scorehouse.type_double(), dbt.type_string() %}

with

subjects as (
    {{ scorehouse._uplift_by_subject(ref('uplift_scored_assignments')) }}
),

totals as (
    select
        model_name, model_version, campaign_id, subject,
        -- control responders against treated non-responders decide the perfect uplift order
        sum((1 - treatment) * converted) > sum(treatment * (1 - converted)) as by_response
    from subjects
    group by model_name, model_version, campaign_id, subject
),

orderings as (
    select model_name, model_version, campaign_id, subject,
        cast('actual' as {{ text }}) as ordering, ranking, treatment, converted
    from subjects
    union all
    select model_name, model_version, campaign_id, subject,
        cast('perfect_qini' as {{ text }}) as ordering,
        cast(converted * treatment - converted * (1 - treatment) as {{ double }}) as ranking,
        treatment, converted
    from subjects
    union all
    select subjects.model_name, subjects.model_version, subjects.campaign_id, subjects.subject,
        cast('perfect_uplift' as {{ text }}) as ordering,
        cast(2 * (case when subjects.converted = subjects.treatment then 1 else 0 end)
             + case when totals.by_response then subjects.converted else subjects.treatment end
             as {{ double }}) as ranking,
        subjects.treatment, subjects.converted
    from subjects
    inner join totals
        on totals.model_name = subjects.model_name
        and totals.model_version = subjects.model_version
        and totals.campaign_id = subjects.campaign_id
        and totals.subject = subjects.subject
),

grouped as (
    select
        model_name, model_version, campaign_id, subject, ordering, ranking,
        count(*) as n,
        sum(treatment) as n_treatment,
        sum(treatment * converted) as y_treatment,
        sum((1 - treatment) * converted) as y_control
    from orderings
    group by model_name, model_version, campaign_id, subject, ordering, ranking
),

cumulative as (
    select
        model_name, model_version, campaign_id, subject, ordering, ranking,
        {%- for column in ['n', 'n_treatment', 'y_treatment', 'y_control'] %}
        sum({{ column }}) over (
            partition by model_name, model_version, campaign_id, subject, ordering
            order by ranking desc rows between unbounded preceding and current row
        ) as cum_{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from grouped
),

points as (
    select
        model_name, model_version, campaign_id, subject, ordering, ranking as score_threshold,
        cast(cum_n as {{ dbt.type_bigint() }}) as n_targeted,
        cast(cum_n_treatment as {{ dbt.type_bigint() }}) as n_treatment,
        cast(cum_y_treatment as {{ dbt.type_bigint() }}) as conversions_treatment,
        cast(cum_y_control as {{ dbt.type_bigint() }}) as conversions_control,
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
    model_name, model_version, campaign_id, subject, ordering,
    cast(null as {{ double }}) as score_threshold,
    cast(0 as {{ dbt.type_bigint() }}) as n_targeted,
    cast(0 as {{ dbt.type_bigint() }}) as n_treatment,
    cast(0 as {{ dbt.type_bigint() }}) as conversions_treatment,
    cast(0 as {{ dbt.type_bigint() }}) as conversions_control,
    0.0e0 as qini,
    0.0e0 as uplift
from grouped
