# 应届毕业生毕业去向调查（surveys/graduation.toml）

graduation-title = 应届毕业生毕业去向调查
graduation-intro = { $name }同学：您好！恭喜您顺利毕业。本问卷了解{ $graduation_year }届毕业生的毕业去向和求职经历，约需 5 分钟，您的回答将帮助学校改进人才培养和就业服务。

graduation-page-destination = 毕业去向
graduation-page-job = 工作情况
graduation-page-startup = 创业情况
graduation-page-study = 升学情况
graduation-page-support = 需要的帮助
graduation-page-job_search = 求职经历
graduation-page-feedback = 意见建议

graduation-destination_type = 您目前的毕业去向是？
graduation-destination_type-help = 已签约或已确定录用、尚未入职的，选“单位就业”；已收到录取通知的，选相应的升学或留学选项；暂时没有求职打算的，选“暂不就业”。如有多种情况，请选目前最主要的一种。
graduation-destination_date = 您的去向是哪年哪月落实的？（签约、入职、录取或开始创业的时间）

graduation-employer_name = 您的工作单位全称是？
graduation-employer_name-help = 请填写与就业协议或劳动合同一致的单位全称，不要用简称。
graduation-flexible_form = 您目前属于哪种灵活就业？
graduation-flexible_form-opt-freelance = 自由职业（设计、写作、翻译、主播等）
graduation-flexible_form-opt-platform = 平台用工（网约车、外卖、电商平台等）
graduation-flexible_form-opt-part_time = 非全日制或兼职工作
graduation-flexible_form-opt-project = 劳务或项目合作
graduation-flexible_form-opt-other = 其他
graduation-employer_type = 您的工作单位性质是？
graduation-grassroots_programme = 您是否通过以下基层项目或渠道就业？
graduation-grassroots_programme-opt-none = 否
graduation-grassroots_programme-opt-selected_graduate = 选调生
graduation-grassroots_programme-opt-western_plan = 大学生志愿服务西部计划
graduation-grassroots_programme-opt-three_supports = “三支一扶”计划
graduation-grassroots_programme-opt-special_post_teacher = 特岗教师
graduation-grassroots_programme-opt-enlisted = 应征入伍
graduation-grassroots_programme-opt-other = 其他基层项目
graduation-industry = 您工作（或创业）所在的行业是？
graduation-work_region = 您的工作地点在哪里？
graduation-job_title = 您的岗位名称是？（选填）
graduation-agreement_signed = 您是否已与单位签订就业协议书或劳动合同？
graduation-monthly_salary = 您目前的税前月收入大约是多少？
graduation-monthly_salary-help = 按税前计，含工资、奖金和各类补贴，取月平均数。已签约尚未入职的，填约定月薪；创业者填每月从中获得的个人收入。
graduation-major_match = 您目前的工作（或创业项目）与所学专业相关吗？（1 分为完全不相关，5 分为非常相关）
graduation-job_satisfaction = 总体来说，您对目前的工作（或创业）满意吗？（1 分为很不满意，5 分为很满意）

graduation-startup_form = 您的创业形式是？
graduation-startup_form-opt-company = 注册成立公司
graduation-startup_form-opt-individual_business = 个体工商户
graduation-startup_form-opt-online = 网店或新媒体创业
graduation-startup_form-opt-studio = 工作室（尚未注册）
graduation-startup_form-opt-other = 其他
graduation-startup_funding = 您的创业项目获得的主要外部资金是？
graduation-startup_employees = 除您本人外，团队目前有多少名员工（含兼职）？
graduation-startup_difficulties = 创业中您遇到的主要困难是？（最多选 3 项）

graduation-study_institution = 您被录取的院校（或科研机构）全称是？
graduation-study_country = 您去哪个国家或地区留学？
graduation-study_country-opt-hong_kong = 中国香港
graduation-study_country-opt-macao = 中国澳门
graduation-study_country-opt-uk = 英国
graduation-study_country-opt-us = 美国
graduation-study_country-opt-australia = 澳大利亚
graduation-study_country-opt-singapore = 新加坡
graduation-study_country-opt-japan = 日本
graduation-study_country-opt-korea = 韩国
graduation-study_country-opt-germany = 德国
graduation-study_country-opt-france = 法国
graduation-study_country-opt-canada = 加拿大
graduation-study_country-opt-malaysia = 马来西亚
graduation-study_country-opt-other = 其他
graduation-study_level = 您攻读的学历层次是？
graduation-study_field_match = 您所读专业与在校时的{ $major }专业相关吗？（1 分为完全不相关，5 分为非常相关）
graduation-study_reasons = 您选择继续深造的主要原因是？（最多选 2 项）
graduation-study_reasons-opt-research_interest = 对学术研究感兴趣
graduation-study_reasons-opt-better_job = 提升就业竞争力
graduation-study_reasons-opt-change_field = 想换个专业方向
graduation-study_reasons-opt-better_school = 想去更好的学校或城市
graduation-study_reasons-opt-postpone_work = 暂缓就业压力
graduation-study_reasons-opt-family = 家人期望
graduation-study_reasons-opt-other = 其他

graduation-slow_employment_causes = 您目前还没有就业，主要原因是？（最多选 3 项）
graduation-help_wanted = 您最希望学校提供哪些帮助？（最多选 3 项）
graduation-contact_consent = 是否同意学院就业指导老师与您联系，为您提供一对一帮扶？

graduation-job_search_months = 从开始求职到落实工作，大约用了几个月？（尚未落实的，填到目前为止的月数；不足 1 个月填 0）
graduation-job_offers = 求职期间，您一共收到过几个录用通知（offer）？
graduation-job_channel = 您是通过什么渠道获得这份工作的？
graduation-job_channel-opt-campus_fair = 校园招聘会或宣讲会
graduation-job_channel-opt-school_platform = 学校就业网、公众号发布的招聘信息
graduation-job_channel-opt-job_sites = 社会招聘网站或 App
graduation-job_channel-opt-internship = 实习后留用
graduation-job_channel-opt-public_exam = 公务员、事业单位或选调考试
graduation-job_channel-opt-referral = 老师、校友或亲友推荐
graduation-job_channel-opt-direct = 直接向单位投递简历
graduation-job_channel-opt-other = 其他
graduation-job_search_difficulties = 求职过程中，您遇到的主要困难是？（最多选 3 项）
graduation-job_search_difficulties-opt-lack_experience = 缺少实习或工作经验
graduation-job_search_difficulties-opt-skill_mismatch = 专业能力与岗位要求有差距
graduation-job_search_difficulties-opt-competition = 岗位少、竞争激烈
graduation-job_search_difficulties-opt-pay_expectations = 薪酬待遇达不到预期
graduation-job_search_difficulties-opt-background = 学历或院校背景受限
graduation-job_search_difficulties-opt-information = 招聘信息不足
graduation-job_search_difficulties-opt-interviews = 笔试、面试表现不理想
graduation-job_search_difficulties-opt-location = 心仪城市的机会少
graduation-job_search_difficulties-opt-none = 没有明显困难

graduation-career_services_rating = 您对学校的就业指导与服务总体满意吗？（1 分为很不满意，5 分为很满意；没有接触过可跳过）
graduation-suggestions = 对学校的人才培养或就业服务，您还有什么建议？（选填）
