-- Feature drift per scoring run and feature: the PSI of the feature's values at the run's
-- cutoff against the version's reference bins, the NULL rate beside the reference's, and
-- the categories never seen in training.
{{ config(materialized='table') }}

select
    model_name,
    model_version,
    cutoff,
    column_name as feature,
    kind,
    cast(sum(actual_rows) as {{ dbt.type_int() }}) as n_rows,
    {{ scorehouse.psi('actual_share', 'expected_share') }} as psi,
    coalesce(sum(case when bin = 0 then actual_share end), 0) as null_rate,
    coalesce(sum(case when bin = 0 then expected_share end), 0) as reference_null_rate,
    cast(coalesce(max(unseen_categories), 0) as {{ dbt.type_int() }}) as new_categories,
    max(unseen_examples) as new_category_examples,
    {{ scorehouse.utc_now() }} as computed_at
from {{ ref('ml_drift_bins') }}
where kind in ('numeric', 'categorical')
group by model_name, model_version, cutoff, column_name, kind
