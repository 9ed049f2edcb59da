{#- The raw table `table_name` of the source `raw`. When the var scorehouse_load_sample is
    on, the table comes from the seed of the same name, so the model also depends on that
    seed: `dbt build --vars '{scorehouse_load_sample: true}'` then loads the sample before
    reading it, in one run. -#}
{% macro raw_source(table_name) -%}
    {%- if var('scorehouse_load_sample', false) | as_bool -%}
        {%- do ref(table_name) -%}
    {%- endif -%}
    {{ return(source('raw', table_name)) }}
{%- endmacro %}
