{#- Private: the warehouse relation holding the current scores of an audience's model (its
    generated `<model>_scores`), or none while that model has never been scored: such an
    audience is left out of the run (with a warning) until it can be filled.

    Scores that disappear after an audience had members stop the run instead: leaving the
    audience out then would remove every member from its destination.

    dbt orders models by the refs it finds when it parses them, before the graph (and the
    audiences) exist, so scores are read by name: build segments after scoring
    (`dbt build --select path:models/segments`). -#}
{% macro _audience_scores(audience) -%}
    {%- set name = audience.model ~ '_scores' -%}
    {%- set node = scorehouse._model_node(name) -%}
    {%- set relation = scorehouse._built_relation(node) -%}
    {%- if relation is not none -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set problem = "audience " ~ audience.name ~ " selects by the scores of model "
        ~ audience.model ~ ", but " ~ name ~ " is not " ~ ("in the project" if node is none else "built") -%}
    {%- if scorehouse._audience_had_members(audience) -%}
        {{ exceptions.raise_compiler_error(problem ~ " although the audience has members: run "
            ~ "`scorehouse compile " ~ audience.model ~ "` and build the scores "
            ~ "(dbt build --select path:models/ml) before the segments") }}
    {%- endif -%}
    {{ log("scorehouse: " ~ problem ~ " yet; the audience is left out until it is scored", info=true) }}
    {{ return(none) }}
{%- endmacro %}

{#- Private: whether seg_membership_history holds any row of the audience. -#}
{% macro _audience_had_members(audience) -%}
    {%- set history = scorehouse._built_relation(scorehouse._model_node('seg_membership_history')) -%}
    {%- if history is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set found = run_query("select count(*) from " ~ history ~ " where audience = "
        ~ scorehouse.sql_string(audience.name)).columns[0].values()[0] -%}
    {{ return(found > 0) }}
{%- endmacro %}

{#- Private: the graph node of model `name`, or none when the project has no such model. -#}
{% macro _model_node(name) -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == name -%}
        {{ return(node) }}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}
