{#- Private: the rows of `model` meeting `condition`, of each model's newest cutoff only
    when `latest_only`. -#}
{% macro _monitoring_rows_where(model, condition, latest_only) %}
    select *
    from (
        select
            *{% if latest_only %},
            max(cutoff) over (partition by model_name) as scorehouse_latest_cutoff{% endif %}
        from {{ model }}
    ) as monitored
    where {{ condition }}
    {%- if latest_only %}
        and cutoff = scorehouse_latest_cutoff
    {%- endif %}
{% endmacro %}
