{#- True when `timestamp_column` falls in the `days` days from `cutoff_column` on.

    The window is [cutoff, cutoff + days): the mirror image of `is_before_cutoff`, so an
    event exactly at the cutoff belongs to the label, never to a feature. -#}
{% macro is_in_label_window(timestamp_column, cutoff_column, days) -%}
    {{ return(adapter.dispatch('is_in_label_window', 'scorehouse')(timestamp_column, cutoff_column, days)) }}
{%- endmacro %}

{% macro default__is_in_label_window(timestamp_column, cutoff_column, days) -%}
    ({{ timestamp_column }} >= {{ cutoff_column }}
        and {{ timestamp_column }} < {{ dbt.dateadd('day', days, cutoff_column) }})
{%- endmacro %}
