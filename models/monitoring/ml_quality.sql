-- Quality once outcomes have matured, per scoring run and subject: the model's scores and
-- the rule baseline's on the very same rows (ml_outcomes). A run gets rows only for a
-- cutoff whose label window has closed.
{{ config(materialized='table') }}

with

scored as (
    select model_name, model_version, cutoff, 'model' as subject, score, outcome
    from {{ ref('ml_outcomes') }}
    where score is not null
    union all
    select model_name, model_version, cutoff, 'baseline' as subject, baseline_score as score, outcome
    from {{ ref('ml_outcomes') }}
    where score is not null and baseline_score is not null
),

thresholds as (
    {{ scorehouse.score_thresholds('scored', ['model_name', 'model_version', 'cutoff', 'subject']) }}
),

final as (
    select
        model_name,
        model_version,
        cutoff,
        cast(subject as {{ dbt.type_string() }}) as subject,
        cast(max(total_pos) + max(total_neg) as {{ dbt.type_int() }}) as n_rows,
        cast(max(total_pos) as {{ dbt.type_int() }}) as positives,
        {{ scorehouse.roc_auc() }} as roc_auc,
        {{ scorehouse.average_precision() }} as pr_auc,
        {{ scorehouse.brier_score() }} as brier,
        {{ scorehouse.log_loss() }} as log_loss,
        {{ scorehouse.lift(0.1) }} as lift_top_decile,
        {{ scorehouse.utc_now() }} as computed_at
    from thresholds
    group by model_name, model_version, cutoff, subject
)

select * from final
