# 毕业五年跟踪调查（surveys/year5.toml）

year5-title = 毕业五年职业发展跟踪调查
year5-intro = { $name }校友：您好！您从母校毕业已经五年。本问卷了解您的职业发展高度和创造的价值，包括管理职务、技术成果、创新创业和行业影响等，约需 7 分钟。

year5-page-destination = 目前状况
year5-page-job = 工作单位
year5-page-career = 职务与晋升
year5-page-achievements = 成果与影响
year5-page-learning = 学习提升
year5-page-stability = 工作变动
year5-page-startup = 创业情况
year5-page-study = 深造情况
year5-page-support = 需要的帮助
year5-page-feedback = 意见建议

year5-destination_type = 您目前的状况是？
year5-destination_type-help = 如有多种情况，请选目前最主要的一种；在读学生兼职工作的，选“境内升学”或“出国（境）留学”。
year5-status_date = 您目前的工作（或学习、创业）是哪年哪月开始的？

year5-employer_name = 您目前工作单位的全称是？
year5-employer_name-help = 请填写单位全称，不要用简称；单位未变的，确认即可，单位更名的请改为新名称。
year5-employer_type = 您的工作单位性质是？
year5-industry = 您工作（或创业）所在的行业是？
year5-work_region = 您的工作地点在哪里？
year5-job_title = 您的岗位或职务名称是？（选填）
year5-monthly_salary = 您目前的税前月收入大约是多少？
year5-monthly_salary-help = 按税前计，含工资、奖金和各类补贴，取月平均数；创业者填每月从中获得的个人收入。
year5-salary-implausible = 这个数字是您毕业三年时填写的月收入（{ $other } 元）的二十倍以上，请确认是否多输了一位数，或误填了年收入。

year5-management_role = 您目前担任的管理职务是？
year5-promoted = 离校以来，您是否获得过职务或职级晋升？（如晋升为主管、技术骨干，或评上更高一级职称）
year5-years_to_promotion = 从参加工作到第一次晋升，大约用了几年？（可填小数，如 1.5）
year5-job_satisfaction = 总体来说，您对目前的工作满意吗？（1 分为很不满意，5 分为很满意）

year5-technical_achievements = 离校以来，您取得过哪些技术或业务成果？（可多选）
year5-technical_achievements-opt-key_project = 主持或作为骨干参与重点项目
year5-technical_achievements-opt-breakthrough = 攻克关键技术或业务难题
year5-technical_achievements-opt-award = 获得省部级及以上或行业科技、业务奖励
year5-technical_achievements-opt-standard = 参与制定国家、行业或企业标准
year5-technical_achievements-opt-publication = 发表论文或出版专著
year5-technical_achievements-opt-software = 取得软件著作权或成果转化
year5-technical_achievements-opt-none = 暂无
year5-technical_achievements-opt-other = 其他
year5-patents = 作为发明人，您申请或获得授权的专利共有几项？（没有填 0）
year5-patents-help = 含发明、实用新型和外观设计专利，申请中和已授权的都算，同一项专利只计一次。
year5-improvement_proposals = 您提出并被单位采纳的技术改进或合理化建议大约有几项？（没有填 0）
year5-influence = 在行业或专业领域，您有过以下哪些经历？（可多选）
year5-influence-opt-invited_talks = 受邀在行业会议或论坛上作报告
year5-influence-opt-professional_body = 在学会、协会等专业组织任职
year5-influence-opt-expert_panel = 担任评审或咨询专家
year5-influence-opt-honours = 获得荣誉称号或入选人才计划
year5-influence-opt-media = 工作成果被行业或主流媒体报道
year5-influence-opt-mentoring = 作为导师带教、培养新人
year5-influence-opt-none = 暂无
year5-influence-opt-other = 其他

year5-certificates = 离校以来，您共取得了几项职业资格或专业技术证书？（没有填 0）
year5-certificates-help = 如法律职业资格、注册会计师、教师资格、执业医师、建造师、职称证书、行业认证等；同一证书升级只算一项。
year5-further_degree = 离校以来，您是否攻读或获得了更高的学历学位？

year5-job_changes = 离校以来，您从工作单位离职过几次？（从未离职填 0）
year5-leave_reasons = 您离职的主要原因是？（最多选 3 项）

year5-startup_active = 您此前开始的创业项目，目前还在经营吗？
year5-startup_funding = 您的创业项目获得的主要外部资金是？
year5-startup_employees = 除您本人外，团队目前有多少名员工（含兼职）？
year5-startup_revenue = 去年，您的企业营业收入大约在哪个范围？（选填）
year5-startup_revenue-opt-under_500k = 50 万元以下
year5-startup_revenue-opt-from_500k_to_5m = 50 万至 500 万元
year5-startup_revenue-opt-from_5m_to_50m = 500 万至 5000 万元
year5-startup_revenue-opt-over_50m = 5000 万元以上

year5-study_institution = 您目前就读的院校（或科研机构）全称是？
year5-study_level = 您正在攻读的学历层次是？

year5-slow_employment_causes = 您目前没有就业，主要原因是？（最多选 3 项）
year5-help_wanted = 您最希望学校提供哪些帮助？（最多选 3 项）
year5-contact_consent = 是否同意学院就业指导老师与您联系，为您提供一对一帮扶？

year5-suggestions = 走过五年的职业道路，您对母校的人才培养有什么建议？也欢迎分享您愿意与学弟学妹交流的经验。（选填）
