{#- The published columns of a scores model, from a relation `scored` holding the entity
    key, the cutoff, `model_version`, `scored_by`, `score` and `label`: decile 1 holds the
    highest scores. -#}
{% macro score_columns(model_name, entity_key, cutoff) -%}
    {{ return(adapter.dispatch('score_columns', 'scorehouse')(model_name, entity_key, cutoff)) }}
{%- endmacro %}

{% macro default__score_columns(model_name, entity_key, cutoff) -%}
    {{ entity_key }},
    {{ cutoff }},
    cast('{{ model_name }}' as {{ dbt.type_string() }}) as model_name,
    cast(model_version as {{ dbt.type_int() }}) as model_version,
    cast(scored_by as {{ dbt.type_string() }}) as scored_by,
    cast(score as {{ scorehouse.type_double() }}) as score,
    ntile(10) over (partition by {{ cutoff }} order by score desc, {{ entity_key }}) as decile,
    label,
    {{ dbt.current_timestamp() }} as scored_at
{%- endmacro %}
