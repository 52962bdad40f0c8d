# 答题引擎的提示：校验信息（invalid-*）和量表两端的文字。各问卷的文字在 survey-<id>.ftl。

## 校验信息

invalid-required = 此题必答。
invalid-unknown-page = 找不到这一页，请刷新后重试。
invalid-unknown-question = 问卷中没有这道题，请刷新后重试。
invalid-hidden = 根据您前面的回答，这道题无需作答。
invalid-answer-kind = 答案的形式不对，请按题目要求作答。
invalid-option = 请从给出的选项中选择。
invalid-other-missing = 选择“其他”时，请填写具体内容。
invalid-other-too-long = “其他”的内容最多 { $max } 个字。
invalid-exclusive = “{ $option }”不能与其他选项同时选择。
invalid-min-picks = 请至少选择 { $min } 项。
invalid-max-picks = 最多选择 { $max } 项。
invalid-rating = 请在 { $min } 到 { $max } 之间打分。
invalid-number = 请填写一个数字。
invalid-integer = 请填写整数。
invalid-number-min = 不能小于 { $min }。
invalid-number-max = 不能大于 { $max }。
invalid-text-short = 请至少填写 { $min } 个字。
invalid-text-long = 最多填写 { $max } 个字。
invalid-month-min = 不能早于 { $min }。
invalid-month-max = 不能晚于 { $max }。
invalid-region-province = 请选择省份。
invalid-region-city = 请选择该省份下的城市。

## 量表（题干里写明两端的含义，这里只标分值，适用于任何题目）

scale-likert5-1 = 1 分（最低）
scale-likert5-2 = 2 分
scale-likert5-3 = 3 分（中等）
scale-likert5-4 = 4 分
scale-likert5-5 = 5 分（最高）
scale-score100-low = 0 分（最低）
scale-score100-high = 100 分（最高）
