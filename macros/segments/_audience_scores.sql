{#- Private: the warehouse relation holding the current scores of `model` (its generated
    `<model>_scores`). An audience that reads a model which is not scored yet stops the run:
    syncing an empty list would remove every member from the destination.

    dbt orders models by the refs it finds when it parses them, before the graph (and the
    audiences) exist, so scores are read by name: build segments after scoring
    (`dbt build --select path:models/segments`). -#}
{% macro _audience_scores(audience) -%}
    {%- set name = audience.model ~ '_scores' -%}
    {%- set nodes = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
        | selectattr('name', 'equalto', name) | list -%}
    {%- set relation = scorehouse._built_relation(nodes[0]) if nodes else none -%}
    {%- if relation is none -%}
        {{ exceptions.raise_compiler_error(
            "audience " ~ audience.name ~ " selects by the scores of model " ~ audience.model
            ~ ", but " ~ name ~ " is not " ~ ("built" if nodes else "in the project")
            ~ ": run `scorehouse compile " ~ audience.model ~ "` and build the scores "
            ~ "(dbt build --select path:models/ml) before the segments") }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}
