-- A customer who bought in the 30 days after a cutoff did not churn in the 60 days after
-- it. Returns the rows that break it.
select customer_id, cutoff_date, churned_60d, purchased_30d
from {{ ref('customer_labels') }}
where purchased_30d = 1 and churned_60d = 1
