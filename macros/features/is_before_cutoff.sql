{#- True when `timestamp_column` falls in the `days` days before `cutoff_column`.

    The window is [cutoff - days, cutoff): the cutoff itself is excluded, so a feature built
    on this condition only sees data strictly before its cutoff. Without `days`, the window
    is all history before the cutoff. Used in join conditions and inside the rolling
    aggregates alike. -#}
{% macro is_before_cutoff(timestamp_column, cutoff_column, days=none) -%}
    {{ return(adapter.dispatch('is_before_cutoff', 'scorehouse')(timestamp_column, cutoff_column, days)) }}
{%- endmacro %}

{% macro default__is_before_cutoff(timestamp_column, cutoff_column, days=none) -%}
    ({{ timestamp_column }} < {{ cutoff_column }}
    {%- if days is not none %}
        and {{ timestamp_column }} >= {{ dbt.dateadd('day', -1 * days, cutoff_column) }}
    {%- endif -%})
{%- endmacro %}
