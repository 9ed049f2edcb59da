-- What training reads: customer_features with the labels beside them, keyed by
-- (customer_id, cutoff_date). Rows whose label window is still open keep NULL labels; the
-- latest cutoffs are the ones to score, not to train on.
with

features as (

    select * from {{ ref('customer_features') }}

),

labels as (

    select * from {{ ref('customer_labels') }}

),

joined as (

    select
        features.*,
        labels.churned_60d,
        labels.purchased_30d,
        labels.revenue_90d,
        labels.label_window_end_date,
        labels.is_label_window_closed

    from features
    inner join labels
        on features.customer_id = labels.customer_id
        and features.cutoff_date = labels.cutoff_date

)

select * from joined
