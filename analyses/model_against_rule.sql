-- Each model against its rule baseline, run by run, on the very same rows once their
-- outcomes matured (ml_quality): a copy-and-adapt start for a BI tile or a review.
-- `dbt compile` writes it to target/compiled/scorehouse/analyses/ for any project.
select
    model.model_name,
    model.model_version,
    model.cutoff,
    model.n_rows,
    model.roc_auc as model_roc_auc,
    rule.roc_auc as rule_roc_auc,
    model.roc_auc - rule.roc_auc as roc_auc_over_rule,
    model.lift_top_decile as model_lift_top_decile,
    rule.lift_top_decile as rule_lift_top_decile
from {{ ref('ml_quality') }} as model
inner join {{ ref('ml_quality') }} as rule
    on rule.model_name = model.model_name
    and rule.model_version = model.model_version
    and rule.cutoff = model.cutoff
    and rule.subject = 'baseline'
where model.subject = 'model'
order by model.model_name, model.cutoff, model.model_version
