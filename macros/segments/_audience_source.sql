{#- Private: where an audience's rows come from, or none while its model was never scored
    (see _audience_scores): a dict with

      scores      the relation of the model's current scores, or none for a rule-only audience
      features    the relation its rule reads: the model's score_relation (the rows it
                  scored), or the audience's own `relation`
      entity_key  the key column of `features` (the model's entity_key, or the audience's)
      cutoff      its cutoff column (none: a rule-only audience without one reads every row)

    Relations are read by name from dbt's graph, as the scores are: build segments after
    scoring and after the relations they read. -#}
{% macro _audience_source(audience) -%}
    {%- if audience.model -%}
        {%- set scores = scorehouse._audience_scores(audience) -%}
        {%- if scores is none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- set node = scorehouse._model_node(audience.model ~ '_scores') -%}
        {%- set data = ((node.config.get('meta') or node.get('meta') or {}).get('scorehouse') or {}).get('data', {}) -%}
        {%- set relation = data.get('score_relation') or data.get('relation') -%}
        {%- set features = scorehouse._unbuilt_or(audience, relation,
            " (the relation model " ~ audience.model ~ " scores)") -%}
        {%- if features is none -%}
            {{ return(none) }}
        {%- endif -%}
        {{ return({'scores': scores, 'features': features,
                   'entity_key': data.get('entity_key'), 'cutoff': data.get('cutoff')}) }}
    {%- endif -%}
    {%- set features = scorehouse._unbuilt_or(audience, audience.relation, "") -%}
    {%- if features is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return({'scores': none, 'features': features,
               'entity_key': audience.entity_key, 'cutoff': audience.cutoff}) }}
{%- endmacro %}


{#- Private: the built relation of model `name` that an audience reads; none, with a warning,
    while it is not built yet (dbt cannot order the segments after it: the audiences are
    known only when models run), but an error once the audience has had members, or when
    the project has no such model. -#}
{% macro _unbuilt_or(audience, name, what) -%}
    {%- set node = scorehouse._model_node(name) -%}
    {%- if node is none -%}
        {{ exceptions.raise_compiler_error("audience " ~ audience.name ~ " reads " ~ name ~ what
            ~ ", which is not a model of the project") }}
    {%- endif -%}
    {%- set relation = scorehouse._built_relation(node) -%}
    {%- if relation is not none -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set problem = "audience " ~ audience.name ~ " reads " ~ name ~ what ~ ", which is not built" -%}
    {%- if scorehouse._audience_had_members(audience) -%}
        {{ exceptions.raise_compiler_error(problem ~ " although the audience has members: build it "
            ~ "before the segments") }}
    {%- endif -%}
    {{ log("scorehouse: " ~ problem ~ " yet; the audience is left out until it is", info=true) }}
    {{ return(none) }}
{%- endmacro %}
