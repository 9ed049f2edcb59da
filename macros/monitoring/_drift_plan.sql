{#- Private: what the drift models compare, read from the registry when they run.

    For every monitored model (see `_monitored_models`) and every version of it that both
    scored rows in its history and has reference distributions, one dict:

      model         the `_monitored_models` entry
      versions      [version, ...]
      score         {version: [(bin, upper_bound), ...]}  the score's reference bins
      numeric       {column: {version: [(bin, upper_bound), ...]}}
      categorical   [column, ...]

    Numeric bins are (bin, upper_bound) pairs in bin order, without the NULL bin 0; the last
    bin is open above (upper_bound none). Categories are matched in SQL, not listed here. -#}
{% macro _drift_plan(models) -%}
    {%- set plan = [] -%}
    {%- set reference = scorehouse._registry_relation('ml_reference_distributions') -%}
    {%- if reference is none or models | length == 0 -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- set query -%}
        with scored_versions as (
            {%- for m in models %}
            select distinct cast({{ scorehouse.sql_string(m.name) }} as {{ dbt.type_string() }}) as model_name, model_version
            from {{ m.history }}
            {%- if not loop.last %}
            union all
            {%- endif %}
            {%- endfor %}
        )
        select r.model_name, r.version, r.column_name, r.kind, r.bin, r.upper_bound
        from {{ reference }} as r
        inner join scored_versions as v
            on r.model_name = v.model_name and r.version = v.model_version
        where (r.kind in ('numeric', 'score') and not r.is_null)
            or (r.kind = 'categorical' and r.is_null)
        order by r.model_name, r.version, r.column_name, r.bin
    {%- endset -%}
    {%- set rows = run_query(query).rows -%}
    {%- for m in models -%}
        {%- set entry = {'model': m, 'versions': [], 'score': {}, 'numeric': {}, 'categorical': []} -%}
        {%- for row in rows if row[0] == m.name -%}
            {%- set version, column, kind = row[1] | int, row[2], row[3] -%}
            {%- if version not in entry.versions -%}
                {%- do entry.versions.append(version) -%}
            {%- endif -%}
            {%- if kind == 'categorical' -%}
                {%- if column not in entry.categorical -%}
                    {%- do entry.categorical.append(column) -%}
                {%- endif -%}
            {%- else -%}
                {%- set by_version = entry.score if kind == 'score' else entry.numeric.setdefault(column, {}) -%}
                {%- do by_version.setdefault(version, []).append((row[4] | int, row[5])) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if entry.versions -%}
            {%- do plan.append(entry) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(plan) }}
{%- endmacro %}
