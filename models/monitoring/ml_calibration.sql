-- Calibration once outcomes have matured: per scoring run and published score decile
-- (decile 1 holds the highest scores, as in the scores tables), the mean predicted score
-- beside the observed positive rate, and the gap between them (positive: the scores
-- promise more than happened).
{{ config(materialized='table') }}

select
    model_name,
    model_version,
    cutoff,
    decile,
    cast(count(*) as {{ dbt.type_int() }}) as n_rows,
    avg(score) as mean_predicted,
    avg(cast(outcome as {{ scorehouse.type_double() }})) as observed_rate,
    avg(score) - avg(cast(outcome as {{ scorehouse.type_double() }})) as calibration_gap,
    {{ scorehouse.utc_now() }} as computed_at
from {{ ref('ml_outcomes') }}
where score is not null
group by model_name, model_version, cutoff, decile
