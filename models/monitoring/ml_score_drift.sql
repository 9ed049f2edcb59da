-- Score drift per scoring run: the PSI of the run's score distribution against the
-- reference score bins of the version that scored it.
{{ config(materialized='table') }}

select
    model_name,
    model_version,
    cutoff,
    cast(sum(actual_rows) as {{ dbt.type_int() }}) as n_rows,
    {{ scorehouse.psi('actual_share', 'expected_share') }} as psi,
    {{ scorehouse.utc_now() }} as computed_at
from {{ ref('ml_drift_bins') }}
where kind = 'score'
group by model_name, model_version, cutoff
