# 毕业一年跟踪调查（surveys/year1.toml）

year1-title = 毕业一年职业发展跟踪调查
year1-intro = { $name }校友：您好！从母校{ $major }专业毕业已近一年。本问卷了解您这一年的工作适应和发展情况，约需 5 分钟，您的回答将帮助学校改进人才培养。

year1-page-destination = 目前状况
year1-page-job = 工作单位
year1-page-fit = 工作适应
year1-page-startup = 创业情况
year1-page-study = 深造情况
year1-page-stability = 工作变动
year1-page-support = 需要的帮助
year1-page-feedback = 意见建议

year1-destination_type = 您目前的状况是？
year1-destination_type-help = 如有多种情况，请选目前最主要的一种；在读学生兼职工作的，选“境内升学”或“出国（境）留学”。
year1-status_date = 您目前的工作（或学习、创业）是哪年哪月开始的？

year1-employer_name = 您目前工作单位的全称是？
year1-employer_name-help = 请填写单位全称，不要用简称；如仍在毕业时的单位，确认即可。
year1-employer_type = 您的工作单位性质是？
year1-industry = 您工作（或创业）所在的行业是？
year1-work_region = 您的工作地点在哪里？
year1-job_title = 您的岗位名称是？（选填）
year1-monthly_salary = 您目前的税前月收入大约是多少？
year1-monthly_salary-help = 按税前计，含工资、奖金和各类补贴，取月平均数；创业者填每月从中获得的个人收入。
year1-salary-implausible = 这个数字是您毕业时填写的月收入（{ $other } 元）的二十倍以上，请确认是否多输了一位数，或误填了年收入。

year1-major_match = 您目前的工作与所学专业相关吗？（1 分为完全不相关，5 分为非常相关）
year1-interest_match = 您目前的工作符合自己的职业兴趣吗？（1 分为完全不符合，5 分为非常符合）
year1-skills_use = 在校所学的知识和技能，在工作中用得上吗？（1 分为基本用不上，5 分为经常用到）
year1-job_satisfaction = 总体来说，您对目前的工作满意吗？（1 分为很不满意，5 分为很满意）
year1-dissatisfaction_reasons = 您不满意的主要方面是？（最多选 3 项）
year1-dissatisfaction_reasons-opt-salary = 收入偏低
year1-dissatisfaction_reasons-opt-development = 发展空间小
year1-dissatisfaction_reasons-opt-workload = 工作强度大、加班多
year1-dissatisfaction_reasons-opt-environment = 工作环境或人际关系
year1-dissatisfaction_reasons-opt-location = 工作地点不理想
year1-dissatisfaction_reasons-opt-job_content = 工作内容与兴趣不符
year1-dissatisfaction_reasons-opt-stability = 工作不稳定
year1-dissatisfaction_reasons-opt-other = 其他
year1-skills_to_improve = 工作中，您觉得自己最需要提升哪些能力？（最多选 3 项）

year1-startup_active = 您毕业时开始的创业项目，目前还在经营吗？
year1-startup_funding = 您的创业项目获得的主要外部资金是？
year1-startup_employees = 除您本人外，团队目前有多少名员工（含兼职）？
year1-startup_difficulties = 创业中您遇到的主要困难是？（最多选 3 项）

year1-study_institution = 您目前就读的院校（或科研机构）全称是？
year1-study_level = 您正在攻读的学历层次是？
year1-study_field_match = 您所读专业与在校时的{ $major }专业相关吗？（1 分为完全不相关，5 分为非常相关）

year1-job_changes = 离校以来，您从工作单位离职过几次？（从未离职填 0）
year1-leave_reasons = 您离职的主要原因是？（最多选 3 项）

year1-slow_employment_causes = 您目前还没有就业，主要原因是？（最多选 3 项）
year1-help_wanted = 您最希望学校提供哪些帮助？（最多选 3 项）
year1-contact_consent = 是否同意学院就业指导老师与您联系，为您提供一对一帮扶？

year1-suggestions = 回顾这一年的工作，您对母校的人才培养有什么建议？（选填）
