-- A shorter window never counts more than a longer one, and the longest window never more
-- than the whole history (with a tolerance for the rounding of sums). Returns the rows
-- that break it.
{%- set windows = feature_windows() | sort %}
{%- set prefixes = ['orders', 'spend', 'sessions'] + event_features().keys() | list %}

select customer_id, cutoff_date
from {{ ref('customer_features') }}
where false
    {%- for prefix in prefixes %}
    {%- for days in windows[1:] %}
    or {{ prefix }}_{{ windows[loop.index0] }}d > {{ prefix }}_{{ days }}d + 1e-6
    {%- endfor %}
    {%- endfor %}
    or orders_{{ windows | last }}d > frequency + 1e-6
    or spend_{{ windows | last }}d > monetary + 1e-6
    or tickets_90d > tickets_total + 1e-6
