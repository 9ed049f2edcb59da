-- Every scoring run of every monitored model, one row per scored entity: the generated
-- <name>_score_history tables, side by side with the entity key as text. A view: it always
-- shows what the histories hold now.
{{ config(materialized='view') }}
{%- set models = scorehouse._monitored_models() %}

{%- for m in models %}
select
    cast(model_name as {{ dbt.type_string() }}) as model_name,
    cast(model_version as {{ dbt.type_int() }}) as model_version,
    cast(scored_by as {{ dbt.type_string() }}) as scored_by,
    cast({{ adapter.quote(m.entity_key) }} as {{ dbt.type_string() }}) as entity_id,
    cast({{ adapter.quote(m.cutoff) }} as date) as cutoff,
    cast(score as {{ scorehouse.type_double() }}) as score,
    cast(decile as {{ dbt.type_int() }}) as decile,
    cast(label as {{ dbt.type_int() }}) as label,
    {#- histories written before scorehouse recorded why a row has no score lack the column #}
    {%- if scorehouse._uplift_has_column(m.history, 'null_reason') %}
    cast(null_reason as {{ dbt.type_string() }}) as null_reason,
    {%- else %}
    cast(null as {{ dbt.type_string() }}) as null_reason,
    {%- endif %}
    {{ scorehouse.as_utc('scored_at') }} as scored_at
from {{ m.history }}
{%- if not loop.last %}
union all
{%- endif %}
{%- else %}
select {{ scorehouse._typed_nulls([
    ('model_name', dbt.type_string()), ('model_version', dbt.type_int()),
    ('scored_by', dbt.type_string()), ('entity_id', dbt.type_string()), ('cutoff', 'date'),
    ('score', scorehouse.type_double()), ('decile', dbt.type_int()), ('label', dbt.type_int()),
    ('null_reason', dbt.type_string()), ('scored_at', dbt.type_timestamp())]) }}
where 1 = 0
{%- endfor %}
