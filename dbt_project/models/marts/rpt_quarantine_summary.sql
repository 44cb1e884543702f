-- Quarantined rows per kind, file and reason, with the first line that had that reason.
select
    kind,
    file_path,
    reason,
    count(*) as rows_quarantined,
    min(line) as first_line
from {{ ref('stg_raw__quarantine') }}
group by kind, file_path, reason
