# 用人单位评价问卷（surveys/employer.toml）

employer-title = 用人单位对毕业生的评价调查
employer-intro = { $employer_name }：您好！感谢贵单位长期以来对我校毕业生的信任与培养。本问卷请您从用人单位的角度评价近三年招聘的我校毕业生，约需 5 分钟。评价针对毕业生群体，不涉及具体个人，结果将用于改进我校的专业设置和课程教学。

employer-page-about = 基本情况
employer-page-junior = 基层岗位上的毕业生
employer-page-middle = 中层岗位上的毕业生
employer-page-senior = 高层岗位上的毕业生
employer-page-needs = 能力短板与合作意愿

employer-respondent_role = 您在贵单位的身份是？
employer-respondent_role-opt-hr = 人力资源负责人或招聘人员
employer-respondent_role-opt-supervisor = 毕业生的直属上级
employer-respondent_role-opt-leader = 单位负责人
employer-respondent_role-opt-other = 其他
employer-graduates_hired = 近三年，贵单位共招聘了多少名我校毕业生？
employer-graduates_hired-help = 应届和往届毕业生都算；不清楚确切人数的，填估计数即可；没有招聘过的填 0。
employer-job_levels = 近三年招聘的{ $graduates_hired }名我校毕业生，目前在哪些层级的岗位上工作？（可多选）

employer-junior_ethics = 您对基层岗位上我校毕业生的职业道德（敬业、诚信、责任心）满意吗？（1 分为很不满意，5 分为很满意）
employer-junior_skill = 您对基层岗位上我校毕业生的专业技能（专业知识和技术的运用）满意吗？（1 分为很不满意，5 分为很满意）
employer-junior_teamwork = 您对基层岗位上我校毕业生的团队协作满意吗？（1 分为很不满意，5 分为很满意）
employer-junior_learning = 您对基层岗位上我校毕业生的学习能力（掌握新知识、新技能）满意吗？（1 分为很不满意，5 分为很满意）
employer-junior_job_fit = 基层岗位上的我校毕业生能胜任岗位要求吗？（1 分为差距很大，5 分为完全胜任）
employer-junior_overall = 总体来说，您对基层岗位上的我校毕业生满意吗？（1 分为很不满意，5 分为很满意）

employer-middle_ethics = 您对中层岗位上我校毕业生的职业道德（敬业、诚信、责任心）满意吗？（1 分为很不满意，5 分为很满意）
employer-middle_skill = 您对中层岗位上我校毕业生的专业技能（专业知识和技术的运用）满意吗？（1 分为很不满意，5 分为很满意）
employer-middle_teamwork = 您对中层岗位上我校毕业生的团队协作满意吗？（1 分为很不满意，5 分为很满意）
employer-middle_learning = 您对中层岗位上我校毕业生的学习能力（掌握新知识、新技能）满意吗？（1 分为很不满意，5 分为很满意）
employer-middle_job_fit = 中层岗位上的我校毕业生能胜任岗位要求吗？（1 分为差距很大，5 分为完全胜任）
employer-middle_overall = 总体来说，您对中层岗位上的我校毕业生满意吗？（1 分为很不满意，5 分为很满意）

employer-senior_ethics = 您对高层岗位上我校毕业生的职业道德（敬业、诚信、责任心）满意吗？（1 分为很不满意，5 分为很满意）
employer-senior_skill = 您对高层岗位上我校毕业生的专业技能（专业知识和技术的运用）满意吗？（1 分为很不满意，5 分为很满意）
employer-senior_teamwork = 您对高层岗位上我校毕业生的团队协作满意吗？（1 分为很不满意，5 分为很满意）
employer-senior_learning = 您对高层岗位上我校毕业生的学习能力（掌握新知识、新技能）满意吗？（1 分为很不满意，5 分为很满意）
employer-senior_job_fit = 高层岗位上的我校毕业生能胜任岗位要求吗？（1 分为差距很大，5 分为完全胜任）
employer-senior_overall = 总体来说，您对高层岗位上的我校毕业生满意吗？（1 分为很不满意，5 分为很满意）

employer-skill_gaps = 您认为我校毕业生最需要加强的能力是？（最多选 3 项）
employer-rehire_willingness = 未来三年，贵单位是否愿意（继续）招聘我校毕业生？
employer-planned_hires = 明年贵单位计划招聘我校毕业生大约多少人？（选填）
employer-visit_welcome = 是否欢迎我校就业部门和专业教师到贵单位走访交流？（选填）
employer-comments = 对我校的人才培养和毕业生，您还有哪些意见和建议？（选填，请勿填写毕业生姓名等个人信息）
