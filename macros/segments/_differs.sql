{#- Private: true when two nullable values differ (NULL equals NULL), in SQL every engine
    reads. -#}
{% macro _differs(left, right) -%}
    (case when {{ left }} = {{ right }} or ({{ left }} is null and {{ right }} is null) then 0 else 1 end = 1)
{%- endmacro %}
