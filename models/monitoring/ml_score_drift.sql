-- Score drift per scoring run: the PSI of the run's score distribution against the
-- reference score bins of the version that scored it, and how many rows got no score (bin 0:
-- a row the model refuses, see ml_unscored for why).
{{ config(materialized='table') }}

select
    model_name,
    model_version,
    cutoff,
    cast(sum(actual_rows) as {{ dbt.type_int() }}) as n_rows,
    {{ scorehouse.psi('actual_share', 'expected_share') }} as psi,
    cast(sum(case when bin = 0 then actual_rows else 0 end) as {{ dbt.type_int() }})
        as unscored_rows,
    {{ scorehouse.safe_divide('sum(case when bin = 0 then actual_rows else 0 end)', 'sum(actual_rows)') }}
        as unscored_share,
    {{ scorehouse.utc_now() }} as computed_at
from {{ ref('ml_drift_bins') }}
where kind = 'score'
group by model_name, model_version, cutoff
