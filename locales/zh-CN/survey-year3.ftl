# 毕业三年跟踪调查（surveys/year3.toml）

year3-title = 毕业三年职业发展跟踪调查
year3-intro = { $name }校友：您好！您从母校毕业已经三年。本问卷了解您近三年的职业成长，包括晋升、证书与培训、工作与行业变动等，约需 6 分钟。

year3-page-destination = 目前状况
year3-page-job = 工作单位
year3-page-development = 职业发展
year3-page-learning = 学习提升
year3-page-stability = 工作变动
year3-page-startup = 创业情况
year3-page-study = 深造情况
year3-page-support = 需要的帮助
year3-page-feedback = 意见建议

year3-destination_type = 您目前的状况是？
year3-destination_type-help = 如有多种情况，请选目前最主要的一种；在读学生兼职工作的，选“境内升学”或“出国（境）留学”。
year3-status_date = 您目前的工作（或学习、创业）是哪年哪月开始的？

year3-still_at_year1_employer = 您目前还在{ $year1_employer_name }工作吗？
year3-employer_name = 您目前工作单位的全称是？
year3-employer_name-help = 请填写单位全称，不要用简称；单位未变的，确认即可，单位更名的请改为新名称。
year3-employer_type = 您的工作单位性质是？
year3-industry = 您工作（或创业）所在的行业是？
year3-work_region = 您的工作地点在哪里？
year3-job_title = 您的岗位名称是？（选填）
year3-monthly_salary = 您目前的税前月收入大约是多少？
year3-monthly_salary-help = 按税前计，含工资、奖金和各类补贴，取月平均数；创业者填每月从中获得的个人收入。
year3-salary-implausible = 这个数字是您毕业一年时填写的月收入（{ $other } 元）的二十倍以上，请确认是否多输了一位数，或误填了年收入。

year3-promoted = 离校以来，您是否获得过职务或职级晋升？（如晋升为主管、技术骨干，或评上更高一级职称）
year3-years_to_promotion = 从参加工作到第一次晋升，大约用了几年？（可填小数，如 1.5）
year3-major_match = 您目前的工作与所学专业相关吗？（1 分为完全不相关，5 分为非常相关）
year3-job_satisfaction = 总体来说，您对目前的工作满意吗？（1 分为很不满意，5 分为很满意）

year3-certificates = 离校以来，您共取得了几项职业资格或专业技术证书？（没有填 0）
year3-certificates-help = 如法律职业资格、注册会计师、教师资格、执业医师、建造师、职称证书、行业认证等；同一证书升级只算一项。
year3-training = 近三年，您是否参加过系统的职业培训？（如行业认证培训、技能提升课程、单位组织的专题培训）
year3-further_degree = 离校以来，您是否攻读或获得了更高的学历学位？

year3-job_changes = 离校以来，您从工作单位离职过几次？（从未离职填 0）
year3-leave_reasons = 您离职的主要原因是？（最多选 3 项）
year3-industry_changed = 与离校后的第一份工作相比，您现在所在的行业变了吗？

year3-startup_active = 您此前开始的创业项目，目前还在经营吗？
year3-startup_funding = 您的创业项目获得的主要外部资金是？
year3-startup_employees = 除您本人外，团队目前有多少名员工（含兼职）？

year3-study_institution = 您目前就读的院校（或科研机构）全称是？
year3-study_level = 您正在攻读的学历层次是？

year3-slow_employment_causes = 您目前没有就业，主要原因是？（最多选 3 项）
year3-help_wanted = 您最希望学校提供哪些帮助？（最多选 3 项）
year3-contact_consent = 是否同意学院就业指导老师与您联系，为您提供一对一帮扶？

year3-suggestions = 结合三年的工作经历，您对母校的专业设置和课程有什么建议？（选填）
