{#- The published columns of a scores model, from a relation `scored` holding the entity
    key, the cutoff, `model_version`, `scored_by`, `score`, `label` and `null_reason` (why a
    row has no score, NULL when it has one): decile 1 holds the highest scores. -#}
{% macro score_columns(model_name, entity_key, cutoff) -%}
    {{ return(adapter.dispatch('score_columns', 'scorehouse')(model_name, entity_key, cutoff)) }}
{%- endmacro %}

{% macro default__score_columns(model_name, entity_key, cutoff) -%}
    {{ entity_key }},
    {{ cutoff }},
    cast({{ scorehouse.sql_string(model_name) }} as {{ dbt.type_string() }}) as model_name,
    cast(model_version as {{ dbt.type_int() }}) as model_version,
    cast(scored_by as {{ dbt.type_string() }}) as scored_by,
    cast(score as {{ scorehouse.type_double() }}) as score,
    ntile(10) over (partition by {{ cutoff }} order by score desc, {{ entity_key }}) as decile,
    label,
    cast(null_reason as {{ dbt.type_string() }}) as null_reason,
    {{ dbt.current_timestamp() }} as scored_at
{%- endmacro %}
