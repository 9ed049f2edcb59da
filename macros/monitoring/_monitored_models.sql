{#- Private: the models monitoring covers, read from dbt's graph when the model runs.

    A model NAME is monitored when dbt's graph holds its spec (`config.meta.scorehouse` of
    model `NAME_scores`), its generated `NAME_score_history` model, and the history table
    exists in the warehouse: a spec that was never compiled, or compiled but never scored,
    is skipped. Each entry is a dict:

      name, task, entity_key, cutoff, label, baseline_sql,
      history         the relation of NAME_score_history
      relation        the relation holding the label (spec data.relation), or none
      score_relation  the relation scored (spec data.score_relation), or none

    dbt orders models by the refs it finds when it parses them, before the graph exists, so
    these relations cannot be `ref`s: the monitoring models read what the warehouse holds when
    they run. Build them after scoring (`dbt build --select path:models/monitoring`). -#}
{% macro _monitored_models() -%}
    {%- set found = [] -%}
    {%- if not execute -%}
        {{ return(found) }}
    {%- endif -%}
    {%- set by_name = {} -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
        {%- do by_name.update({node.name: node}) -%}
    {%- endfor -%}
    {%- for node_name in by_name | sort if node_name.endswith('_scores') -%}
        {%- set node = by_name[node_name] -%}
        {%- set spec = (node.config.get('meta') or node.get('meta') or {}).get('scorehouse') -%}
        {%- set name = node_name[:-('_scores' | length)] -%}
        {%- set history = scorehouse._built_relation(by_name.get(name ~ '_score_history')) -%}
        {%- if not spec and (name ~ '_score_history') in by_name -%}
            {{ exceptions.raise_compiler_error(
                "model " ~ node_name ~ " has generated scoring models but no scorehouse spec in "
                ~ "dbt's graph (config.meta.scorehouse), so it cannot be monitored. If its spec "
                ~ "is declared, dbt's partial parsing missed it: run dbt once with "
                ~ "--no-partial-parse (`scorehouse compile` forgets the saved parse itself).") }}
        {%- endif -%}
        {%- if spec and history is not none -%}
            {%- set data = spec.get('data', {}) -%}
            {%- do found.append({
                'name': name,
                'task': spec.get('task', 'binary'),
                'entity_key': data.get('entity_key'),
                'cutoff': data.get('cutoff'),
                'label': data.get('label'),
                'baseline_sql': spec.get('baseline', {}).get('sql'),
                'history': history,
                'relation': scorehouse._built_relation(by_name.get(data.get('relation'))),
                'score_relation': scorehouse._built_relation(
                    by_name.get(data.get('score_relation') or data.get('relation'))),
            }) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}

{#- Private: the warehouse relation a graph node built, or none when it is not built yet. -#}
{% macro _built_relation(node) -%}
    {%- if node is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}

{#- Private: a registry table written by `scorehouse train` (ml_model_versions, ml_passports,
    ml_reference_distributions) in the target schema, or none before the first training. -#}
{% macro _registry_relation(name) -%}
    {{ return(adapter.get_relation(database=target.database, schema=target.schema, identifier=name)) }}
{%- endmacro %}
