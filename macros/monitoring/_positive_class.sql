{#- Private: the positive class of a binary model as a SQL literal: the second of the classes
    its newest registered version recorded (scikit-learn's classes_[1]), 1 when unknown. -#}
{% macro _positive_class(model_name) -%}
    {%- set versions = scorehouse._registry_relation('ml_model_versions') -%}
    {%- if versions is none -%}
        {{ return('1') }}
    {%- endif -%}
    {%- set query -%}
        select classes from {{ versions }}
        where model_name = {{ scorehouse.sql_string(model_name) }} and classes is not null
        order by version desc
        limit 1
    {%- endset -%}
    {%- set rows = run_query(query).rows -%}
    {%- set classes = fromjson(rows[0][0]) if rows | length > 0 else none -%}
    {%- if not classes or classes | length != 2 -%}
        {{ return('1') }}
    {%- endif -%}
    {%- set positive = classes[1] -%}
    {%- if positive is string -%}
        {{ return(scorehouse.sql_string(positive)) }}
    {%- endif -%}
    {{ return(positive | string | lower if positive is boolean else positive | string) }}
{%- endmacro %}
