# 共用选项（surveys/choices.toml）和计量单位的文字。选项 id 不可改，只改这里的文字。

## 毕业去向

choice-destination_type-employed = 单位就业（签订就业协议或劳动合同、应征入伍、参加基层项目等）
choice-destination_type-flexible = 灵活就业（自由职业、平台用工、劳务或项目合作等）
choice-destination_type-self_employed = 自主创业
choice-destination_type-further_study = 境内升学（读研、读博、专升本、第二学士学位等）
choice-destination_type-study_abroad = 出国（境）留学
choice-destination_type-slow_employment = 暂不就业（备考、休整等，目前没有求职）
choice-destination_type-unemployed = 正在求职，尚未落实工作

## 单位性质

choice-employer_type-government = 党政机关
choice-employer_type-state_owned = 国有企业
choice-employer_type-private = 民营企业
choice-employer_type-foreign = 外资或中外合资企业
choice-employer_type-public_institution = 事业单位（学校、医院等）
choice-employer_type-research_institute = 科研院所
choice-employer_type-military = 部队
choice-employer_type-grassroots = 城乡基层组织（村、社区）
choice-employer_type-social_org = 社会组织（协会、基金会、民办非企业单位等）
choice-employer_type-other = 其他

## 行业（GB/T 4754-2017 门类）

choice-industry-a = 农、林、牧、渔业
choice-industry-b = 采矿业
choice-industry-c = 制造业
choice-industry-d = 电力、热力、燃气及水生产和供应业
choice-industry-e = 建筑业
choice-industry-f = 批发和零售业
choice-industry-g = 交通运输、仓储和邮政业
choice-industry-h = 住宿和餐饮业
choice-industry-i = 信息传输、软件和信息技术服务业
choice-industry-j = 金融业
choice-industry-k = 房地产业
choice-industry-l = 租赁和商务服务业
choice-industry-m = 科学研究和技术服务业
choice-industry-n = 水利、环境和公共设施管理业
choice-industry-o = 居民服务、修理和其他服务业
choice-industry-p = 教育
choice-industry-q = 卫生和社会工作
choice-industry-r = 文化、体育和娱乐业
choice-industry-s = 公共管理、社会保障和社会组织
choice-industry-t = 国际组织

## 岗位层级

choice-job_level-junior = 基层岗位（一般员工、技术员、助理等）
choice-job_level-middle = 中层岗位（部门或项目负责人、技术骨干等）
choice-job_level-senior = 高层岗位（单位领导、高级管理或首席技术人员）

## 离职原因

choice-leave_reason-salary = 薪酬福利不理想
choice-leave_reason-development = 发展空间有限
choice-leave_reason-interest = 工作与个人兴趣不符
choice-leave_reason-location = 工作地点不合适
choice-leave_reason-family = 家庭原因
choice-leave_reason-contract_end = 合同到期或单位原因（裁员、搬迁等）
choice-leave_reason-other = 其他

## 管理职务

choice-management_role-none = 未担任管理职务
choice-management_role-junior_manager = 基层管理（班组长、主管、项目组长等）
choice-management_role-middle_manager = 中层管理（部门负责人、科级等）
choice-management_role-senior_manager = 高层管理（单位领导、处级及以上等）

## 继续深造

choice-further_degree-none = 没有
choice-further_degree-studying = 正在攻读，尚未毕业
choice-further_degree-bachelor = 已获得本科学历（专升本等）
choice-further_degree-master = 已获得硕士学位
choice-further_degree-doctor = 已获得博士学位
choice-further_degree-other = 其他

choice-study_level-bachelor = 本科（专升本、第二学士学位）
choice-study_level-master = 硕士研究生
choice-study_level-doctor = 博士研究生
choice-study_level-other = 其他

## 创业

choice-startup_funding-none = 未获得外部融资
choice-startup_funding-angel = 天使轮或种子轮投资
choice-startup_funding-series_a_plus = A 轮及以后的融资
choice-startup_funding-government_grant = 政府创业补贴、贷款或基金
choice-startup_funding-other = 其他

choice-startup_difficulty-funding = 资金短缺
choice-startup_difficulty-policy = 政策对接困难
choice-startup_difficulty-market = 市场拓展困难
choice-startup_difficulty-talent = 招人、留人难
choice-startup_difficulty-management = 经营管理经验不足
choice-startup_difficulty-premises = 缺少场地
choice-startup_difficulty-none = 没有明显困难
choice-startup_difficulty-other = 其他

## 暂未就业

choice-slow_cause-preparing_exams = 准备考研、考公、考编或出国
choice-slow_cause-job_search_skills = 求职技巧不足（简历、面试等）
choice-slow_cause-career_unclear = 职业方向还不明确
choice-slow_cause-no_suitable_job = 没有找到满意的岗位
choice-slow_cause-family = 家庭原因
choice-slow_cause-health = 身体健康原因
choice-slow_cause-other = 其他

choice-help_wanted-job_referrals = 岗位推荐或内推
choice-help_wanted-resume_interview = 简历修改、模拟面试
choice-help_wanted-career_guidance = 职业测评与规划咨询
choice-help_wanted-skills_training = 技能培训
choice-help_wanted-exam_guidance = 考研、考公、考编辅导
choice-help_wanted-startup_support = 创业指导
choice-help_wanted-policy_info = 就业政策与补贴信息
choice-help_wanted-counselling = 心理支持
choice-help_wanted-none = 暂不需要

## 能力短板

choice-skill_gap-professional_knowledge = 专业知识
choice-skill_gap-knowledge_application = 知识的灵活运用
choice-skill_gap-engineering_practice = 工程实践与动手能力
choice-skill_gap-problem_solving = 分析和解决问题的能力
choice-skill_gap-data_analysis = 数据分析能力
choice-skill_gap-digital_tools = 信息化与数字工具应用
choice-skill_gap-communication = 沟通表达与写作
choice-skill_gap-cross_cultural = 外语与跨文化沟通
choice-skill_gap-teamwork = 团队协作
choice-skill_gap-innovation = 创新思维
choice-skill_gap-resilience = 抗压与适应能力
choice-skill_gap-professionalism = 职业素养（责任心、敬业精神）
choice-skill_gap-none = 没有明显短板
choice-skill_gap-other = 其他

## 是否

choice-yes_no-yes = 是
choice-yes_no-no = 否
choice-yes_no_unsure-yes = 是
choice-yes_no_unsure-no = 否
choice-yes_no_unsure-unsure = 不确定

## 计量单位

unit-cny_per_month = 元/月
unit-months = 个月
unit-years = 年
unit-times = 次
unit-people = 人
unit-offers = 个
unit-certificates = 项
unit-patents = 项
unit-proposals = 项
