-- The score's distribution per scoring run, bin by bin against the version's reference
-- score bins (the deciles of its training scores), for charts: the share of rows in each
-- bin now and in training. Bin 0 holds rows the model could not score (NULL).
{{ config(materialized='table') }}

select
    model_name,
    model_version,
    cutoff,
    bin,
    lower_bound,
    upper_bound,
    expected_share,
    actual_share,
    actual_rows,
    psi_term
from {{ ref('ml_drift_bins') }}
where kind = 'score'
