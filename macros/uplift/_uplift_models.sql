{#- Private: the models whose scores can be judged on the campaigns: the monitored models
    (`_monitored_models`: a spec in dbt's graph and a built NAME_score_history), whose
    entity key matches the campaign assignments' customer_id. Each entry is the monitoring
    dict (name, entity_key, cutoff, baseline_sql, history, score_relation, ...). Like the
    monitoring models, these read what the warehouse holds when they run: build them after
    scoring. -#}
{% macro _uplift_models() -%}
    {{ return(scorehouse._monitored_models()) }}
{%- endmacro %}
