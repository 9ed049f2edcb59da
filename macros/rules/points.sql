{#- A CASE giving the points of each listed value of `column`, 0 for any other. -#}
{% macro points(column, points_by_value) -%}
    case {{ column }}
        {%- for value, points in points_by_value.items() %}
        when {{ scorehouse.sql_string(value) }} then {{ scorehouse.sql_number(points) }}
        {%- endfor %}
        else 0
    end
{%- endmacro %}
