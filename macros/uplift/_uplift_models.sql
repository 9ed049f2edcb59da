{#- Private: the models whose scores can be judged on the campaigns, read from dbt's graph.

    A model NAME qualifies when dbt's graph holds its spec (`config.meta.scorehouse` of model
    `NAME_scores`) keyed by customer_id (the key of campaign_assignments) and its generated
    `NAME_score_history` table exists in the warehouse. Each entry is a dict:

      name, cutoff, baseline_sql (none without a rule), history (relation),
      score_relation (the relation the spec scores, where the rule is evaluated; or none)

    Like the monitoring models, these read what the warehouse holds when they run (the graph
    does not exist when dbt orders models): build them after scoring. -#}
{% macro _uplift_models() -%}
    {%- set found = [] -%}
    {%- if not execute -%}
        {{ return(found) }}
    {%- endif -%}
    {%- set by_name = {} -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
        {%- do by_name.update({node.name: node}) -%}
    {%- endfor -%}
    {%- for node_name in by_name | sort if node_name.endswith('_scores') -%}
        {%- set spec = (by_name[node_name].config.get('meta') or {}).get('scorehouse') -%}
        {%- set name = node_name[:-('_scores' | length)] -%}
        {%- set data = (spec or {}).get('data', {}) -%}
        {%- set history = scorehouse._uplift_relation(by_name.get(name ~ '_score_history')) -%}
        {%- if spec and data.get('entity_key') == 'customer_id' and history is not none -%}
            {%- do found.append({
                'name': name,
                'cutoff': data.get('cutoff'),
                'baseline_sql': (spec.get('baseline') or {}).get('sql'),
                'history': history,
                'score_relation': scorehouse._uplift_relation(
                    by_name.get(data.get('score_relation') or data.get('relation'))),
            }) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}

{#- Private: the warehouse relation a graph node built, or none. -#}
{% macro _uplift_relation(node) -%}
    {%- if node is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}
