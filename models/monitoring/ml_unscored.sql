-- The rows of each scoring run that got no score, counted by why: the compiled model
-- refuses a row scikit-learn would refuse (a missing value it cannot take, an infinite
-- value, a category it never saw...) and says why in the scores' null_reason, rather than
-- give it a number scikit-learn would not give. Runs without such rows have no row here.
{{ config(materialized='table') }}

with runs as (
    select model_name, model_version, cutoff, count(*) as run_rows
    from {{ ref('ml_scores') }}
    group by model_name, model_version, cutoff
),

unscored as (
    select
        model_name,
        model_version,
        cutoff,
        coalesce(null_reason, 'not recorded') as null_reason,
        count(*) as n_rows
    from {{ ref('ml_scores') }}
    where score is null
    group by model_name, model_version, cutoff, coalesce(null_reason, 'not recorded')
)

select
    unscored.model_name,
    unscored.model_version,
    unscored.cutoff,
    cast(unscored.null_reason as {{ dbt.type_string() }}) as null_reason,
    cast(unscored.n_rows as {{ dbt.type_int() }}) as n_rows,
    {{ scorehouse.safe_divide('unscored.n_rows', 'runs.run_rows') }} as share_of_run,
    {{ scorehouse.utc_now() }} as computed_at
from unscored
inner join runs
    on runs.model_name = unscored.model_name
    and runs.model_version = unscored.model_version
    and runs.cutoff = unscored.cutoff
