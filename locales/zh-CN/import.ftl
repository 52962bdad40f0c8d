# gradtrace import responses：逐行报告。

import-line = 第 { $line } 行：{ $reason }
import-column = `{ $column }` 列：{ $reason }
import-no-student-id = 缺少学号
import-not-invited = 该学号不在本轮调查的邀请名单中（不是本届毕业生或未被邀请）
import-duplicate = 与第 { $line } 行是同一学号（已导入第 { $line } 行）
import-declined = 此人已拒绝隐私说明或退出调查，不导入其答案
import-conflict = 导入时此人的答案被其他途径修改，请重新导入该行
import-month = 请按 YYYY-MM 填写月份（如 2025-07）
import-region = 请按“省代码/市代码”填写地区（如 44/4403，县级及以下加“/县”）
import-responses-summary = 答卷：新增 { $inserted } 份，更新 { $updated } 份，拒绝 { $rejected } 行
