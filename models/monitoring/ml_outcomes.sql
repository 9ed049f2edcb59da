-- Scores whose outcome is known: every scored row of a binary model joined to its label in
-- the spec's relation, for the cutoffs whose label window has closed (a row whose label
-- is still NULL has no outcome yet and is left out). Beside the model's score, the rule
-- baseline (the spec's baseline sql) evaluated on the same row. ml_quality and
-- ml_calibration are computed from here: a table, so the join runs once.
{{ config(materialized='table') }}
{%- set models = scorehouse._monitored_models()
    | selectattr('task', 'equalto', 'binary') | rejectattr('relation', 'none') | list %}
{%- set double, text, int = scorehouse.type_double(), dbt.type_string(), dbt.type_int() %}

{%- for m in models %}
{%- set key, cutoff, label = adapter.quote(m.entity_key), adapter.quote(m.cutoff), adapter.quote(m.label) %}
select
    cast({{ scorehouse.sql_string(m.name) }} as {{ text }}) as model_name,
    cast(scores.model_version as {{ int }}) as model_version,
    cast(scores.{{ cutoff }} as date) as cutoff,
    cast(scores.score as {{ double }}) as score,
    cast(scores.decile as {{ int }}) as decile,
    {%- if m.baseline_sql %}
    cast(outcomes.scorehouse_baseline_score as {{ double }}) as baseline_score,
    {%- else %}
    cast(null as {{ double }}) as baseline_score,
    {%- endif %}
    cast(case when outcomes.{{ label }} = {{ scorehouse._positive_class(m.name) }} then 1 else 0 end as {{ int }}) as outcome
from {{ m.history }} as scores
inner join (
    -- the baseline sees the relation's columns only, as in training
    select
        *{% if m.baseline_sql %},
        ({{ m.baseline_sql }}) as scorehouse_baseline_score{% endif %}
    from {{ m.relation }}
    where {{ label }} is not null
) as outcomes
    on outcomes.{{ key }} = scores.{{ key }}
    and outcomes.{{ cutoff }} = scores.{{ cutoff }}
{%- if not loop.last %}
union all
{%- endif %}
{%- else %}
select {{ scorehouse._typed_nulls([
    ('model_name', text), ('model_version', int), ('cutoff', 'date'), ('score', double),
    ('decile', int), ('baseline_score', double), ('outcome', int)]) }}
where 1 = 0
{%- endfor %}
