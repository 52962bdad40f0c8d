# gradtrace import responses: per-row report.

import-line = line { $line }: { $reason }
import-column = column `{ $column }`: { $reason }
import-no-student-id = the student id is missing
import-not-invited = this student id is not invited to this wave (not of this cohort, or not invited)
import-duplicate = same student id as line { $line }, which was imported
import-declined = this person refused the privacy notice or opted out; their answers are not imported
import-conflict = this person's answers changed through another channel during the import; import the row again
import-month = write the month as YYYY-MM (e.g. 2025-07)
import-region = write the region as province/city codes (e.g. 44/4403; add /county for county level or below)
import-responses-summary = responses: { $inserted } new, { $updated } updated, { $rejected } rows rejected
