-- What each RFM rule segment went on to do: per cutoff and segment, how many customers it
-- held, how many bought in the next 30 days, churned in the next 60, and what they spent in
-- the next 90. The honest baseline a model must beat: if a segment already separates buyers
-- from churners this well, a model has to do clearly better to be worth running.
-- Compile with `dbt compile --select rfm_segment_outcomes` and run the SQL in
-- target/compiled/.
select
    cutoff_date,
    rfm_segment,
    count(*) as customers,
    avg(rule_score) as mean_rule_score,
    avg(cast(purchased_30d as {{ scorehouse.type_double() }})) as purchase_rate_30d,
    avg(cast(churned_60d as {{ scorehouse.type_double() }})) as churn_rate_60d,
    avg(revenue_90d) as mean_revenue_90d

from {{ ref('customer_training') }}
where is_label_window_closed
group by cutoff_date, rfm_segment
order by cutoff_date, purchase_rate_30d desc
