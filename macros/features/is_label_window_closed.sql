{#- True when the `days`-day label window from `start_column` has fully passed by
    `observed_until` (the latest timestamp the data holds). A label whose window is still
    open would count "no order yet" as "no order", so models must not learn from it. -#}
{% macro is_label_window_closed(start_column, days, observed_until) -%}
    {{ return(adapter.dispatch('is_label_window_closed', 'scorehouse')(start_column, days, observed_until)) }}
{%- endmacro %}

{% macro default__is_label_window_closed(start_column, days, observed_until) -%}
    ({{ dbt.dateadd('day', days, start_column) }} <= {{ observed_until }})
{%- endmacro %}
