{#- Private: whether the package's segments models are built: only for a project that
    names its contacts (var scorehouse_contacts), the audiences' customers. A project that
    declares nothing builds none of them. -#}
{% macro _segments_enabled() -%}
    {{ return(var('scorehouse_contacts', none) is not none) }}
{%- endmacro %}

{#- Private: whether the package's uplift models are built: for a project that names its
    campaigns (var scorehouse_campaigns) or its contacts (its audiences are experiments). -#}
{% macro _uplift_enabled() -%}
    {{ return(var('scorehouse_campaigns', none) is not none or scorehouse._segments_enabled()) }}
{%- endmacro %}
