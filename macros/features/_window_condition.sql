{#- Private: the row filter shared by the rolling aggregates, the time window and an
    optional extra condition. -#}
{% macro _window_condition(timestamp_column, cutoff_column, days, where) -%}
    {{ scorehouse.is_before_cutoff(timestamp_column, cutoff_column, days) }}
    {%- if where is not none %} and ({{ where }}){% endif -%}
{%- endmacro %}
