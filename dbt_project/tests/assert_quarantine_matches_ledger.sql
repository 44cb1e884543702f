-- The quarantine holds exactly the rows the ledger counts as quarantined, file by file
-- (a replay moves rows out of both together).
with held as (
    select kind, file_path, run_id, count(*) as quarantined
    from {{ source('raw', 'quarantine') }}
    group by kind, file_path, run_id
)
select l.kind, l.file_path, l.run_id, l.rows_quarantined, coalesce(h.quarantined, 0) as held
from {{ source('raw', 'load_ledger') }} as l
left join held as h on h.kind = l.kind and h.file_path = l.file_path and h.run_id = l.run_id
where l.rows_quarantined <> coalesce(h.quarantined, 0)
