{#- Private: how many rows of version `version` of model `model_name` fall in each
    reference bin, per cutoff, for several columns at once, from one aggregate pass over
    `relation`.

    `relation` holds the rows of that version, with a `cutoff` column. `columns` is a list
    of (column_name, kind, value, bins): `value` a DOUBLE expression over `relation`, `bins`
    its (bin, upper_bound) pairs in bin order (see `_drift_plan`). Rows come out as
    ml_drift_bins counts them (model_name, model_version, cutoff, column_name, kind, bin,
    category, n_rows), bin 0 for NULL, category NULL, one row per bin, empty ones included.

    A bin holds lower < x <= upper, the first open below and the last open above; NaN,
    greater than every number, falls in the last. Its count is a difference of cumulative
    counts, `count(x <= upper)` per inner edge: one scan of plain comparisons rather than a
    CASE per row and column. The one row per cutoff is then spread over one row per
    (column, bin) by a cross join with a VALUES list of cells, so the scan is not repeated
    (a UNION of one-row selects costs DuckDB a pipeline each). -#}
{% macro _bin_counts(model_name, version, relation, columns) -%}
    {%- set text, int, big = dbt.type_string(), dbt.type_int(), dbt.type_bigint() -%}
    {%- set aggregates = ['count(*) as n_all'] -%}
    {%- set cells = [] -%}
    {%- for column_name, kind, value, bins in columns -%}
        {%- set k = loop.index -%}
        {%- do aggregates.append('count(' ~ value ~ ') as n_' ~ k) -%}
        {%- do cells.append((column_name, kind, 0, 'n_all - n_' ~ k)) -%}
        {%- set below = namespace(name=none) -%}
        {%- for b, upper in bins -%}
            {%- if upper is none -%}
                {%- set count = 'n_' ~ k ~ (' - ' ~ below.name if below.name else '') -%}
            {%- else -%}
                {%- set name = 'le_' ~ k ~ '_' ~ loop.index -%}
                {%- do aggregates.append(scorehouse.count_where(value ~ ' <= ' ~ scorehouse._double(upper)) ~ ' as ' ~ name) -%}
                {%- set count = name ~ (' - ' ~ below.name if below.name else '') -%}
                {%- set below.name = name -%}
            {%- endif -%}
            {%- do cells.append((column_name, kind, b, count)) -%}
        {%- endfor -%}
    {%- endfor %}
    select
        cast({{ scorehouse.sql_string(model_name) }} as {{ text }}) as model_name,
        cast({{ version }} as {{ int }}) as model_version,
        counted.cutoff,
        cast(cells.column_name as {{ text }}) as column_name,
        cast(cells.kind as {{ text }}) as kind,
        cast(cells.bin as {{ int }}) as bin,
        cast(null as {{ text }}) as category,
        cast(case cells.cell
        {%- for column_name, kind, b, count in cells %}
            when {{ loop.index }} then {{ count }}
        {%- endfor %}
        end as {{ big }}) as n_rows
    from (
        select
            cutoff,
            {{ aggregates | join(',\n            ') }}
        from {{ relation }}
        group by cutoff
    ) as counted
    cross join (
        values
        {%- for column_name, kind, b, count in cells %}
            ({{ loop.index }}, {{ scorehouse.sql_string(column_name) }}, {{ scorehouse.sql_string(kind) }}, {{ b }}){{ ',' if not loop.last }}
        {%- endfor %}
    ) as cells (cell, column_name, kind, bin)
{%- endmacro %}
