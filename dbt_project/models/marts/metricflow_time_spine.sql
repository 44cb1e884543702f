-- The calendar MetricFlow joins metrics to: one row per day, 2000-01-01 to 2040-12-31.
{{ days_from_to("'2000-01-01'", "'2040-12-31'") | replace('metric_date', 'date_day') }}
