# 工作人员看板（/staff）的文字。键名以 staff- 开头。

staff-brand = 毕业生跟踪 · 工作台
staff-nav-waves = 答卷率
staff-nav-plans = 一人一策
staff-sign-in = 登录
staff-sign-out = 退出
staff-username = 用户名
staff-password = 密码
staff-forgot = 忘记密码？
staff-form-expired = 表单已过期，请重试。
staff-sign-in-wrong = 用户名或密码错误。
staff-sign-in-locked = 失败次数过多，账号已锁定。请 { $minutes } 分钟后再试，或重设密码。

staff-forbidden-title = 无权查看
staff-forbidden-body = 此页面不在您负责的范围内，或不存在。
staff-not-found-title = 未找到
staff-not-found-body = 此地址没有内容。
staff-invalid-title = 无法保存
staff-back-home = 返回总览

staff-reset-title = 重设密码
staff-reset-intro = 请输入用户名或电子邮箱。若账号登记了邮箱，我们会发送一个设置新密码的链接。
staff-reset-who = 用户名或邮箱
staff-reset-send = 发送链接
staff-reset-new = 新密码（至少 10 个字符）
staff-reset-again-label = 再次输入新密码
staff-reset-save = 保存新密码
staff-reset-mail-subject = 重设 gradtrace 密码
staff-reset-mail-body = 您好：

    有人申请重设 gradtrace 工作人员账号"{ $username }"的密码。请在一小时内打开以下链接设置新密码：

    { $link }

    该链接只能使用一次。如非本人操作，请忽略本邮件，密码不会改变。
staff-reset-sent-title = 请查收邮件
staff-reset-sent-body = 如果该账号存在并登记了邮箱，重设密码的链接已发出，一小时内有效。
staff-reset-invalid-title = 此重设链接无效
staff-reset-invalid-body = 链接已过期、已使用或复制不完整。请重新申请。
staff-reset-again = 重新申请链接
staff-reset-mismatch = 两次输入的密码不一致。
staff-reset-done-title = 密码已修改
staff-reset-done-body = 请用新密码登录。其他已登录的会话均已退出。

staff-wave-dates = { $opens } 开始 · { $closes } 截止
staff-role-admin = 就业指导中心（全校）
staff-role-department = 院系
staff-role-class = 班级联络人
staff-role-alumni = 校友联络人
staff-due-count = 有 { $count } 项一人一策回访到期
staff-no-waves = 暂无调查批次。

staff-breadcrumbs = 当前位置
staff-chase-title = 未答卷名单
staff-plans-open = 根据答卷建立一人一策档案
staff-chart-title = 开放以来每日累计完成情况
staff-chart-label = 开放以来按天累计答卷率
staff-chart-this-year = 本批次
staff-last-year = 上一届同阶段（{ $cohort } 届，最终 { $rate }）
staff-chart-reminders = 计划提醒
staff-chart-x = 开放天数
staff-total = 合计
staff-level-school = 全校
staff-level-department = 院系
staff-level-major = 专业
staff-level-class = 班级
staff-level-employer-type = 单位性质
staff-col-invited = 邀请
staff-col-opened = 已打开
staff-col-consented = 已同意
staff-col-partial = 部分作答
staff-col-complete = 已完成
staff-col-declined = 不同意
staff-col-opted-out = 已退出
staff-col-unreachable = 联系不上
staff-col-rate = 答卷率
staff-nothing-in-scope = 您负责的范围内没有人。

staff-chase-intro = 您负责范围内尚未完成本问卷的人员。此处不显示任何人的答案。
staff-filter-status = 状态
staff-filter-class = 班级
staff-filter-reach = 联系方式
staff-filter-sort = 排序
staff-filter-unreachable = 包括联系不上的
staff-filter-apply = 筛选
staff-filter-any = 全部
staff-export-csv = 导出 CSV
staff-chase-summary = 第 { $from }–{ $to } 条，共 { $total } 条
staff-chase-empty = 这里已没有需要催答的人。
staff-prev = 上一页
staff-next = 下一页
staff-col-name = 姓名
staff-col-type = 单位性质
staff-col-class = 班级
staff-col-status = 状态
staff-col-reach = 联系方式
staff-col-contact = 联系情况
staff-col-last = 最近动态
staff-col-key = 学号 / 信用代码
staff-col-group = 班级 · 专业 · 院系
staff-status-not_opened = 未打开
staff-status-opened = 已打开链接
staff-status-consented = 已同意，未作答
staff-status-declined = 不同意告知书
staff-status-partial = 部分作答
staff-status-complete = 已完成
staff-status-opted_out = 已退出
staff-reach-email = 邮箱
staff-reach-phone = 电话
staff-reach-wechat = 微信
staff-sort-class = 按班级
staff-sort-name = 按姓名
staff-sort-last = 最久未联系在前
staff-contact-phoned = 已电话联系
staff-contact-unreachable = 联系不上
staff-contact-wrong_number = 号码错误
staff-contact-details_updated = 已更新联系方式
staff-yes = 有
staff-no-chasing = 此人已完成问卷或已退出，无需再催。

staff-link-title = 个人链接
staff-link-show = 显示个人链接和二维码
staff-link-note = 此链接打开本人的问卷，请只交给本人。查看链接会被记录。
staff-remind-title = 立即提醒
staff-remind-now = 立即提醒
staff-remind-later = 在此发送提醒的功能将随提醒调度模块提供，目前尚未安装。
staff-contact-title = 记录联系情况
staff-contact-what = 结果
staff-contact-note = 备注（可选）
staff-contact-save = 保存
staff-details-title = 更新联系方式
staff-details-save = 保存联系方式
staff-notes-title = 已做的联系
staff-notes-none = 暂无记录。

staff-plans-intro = 一人一策：为慢就业、待业及低质量就业的毕业生建立帮扶档案。
staff-plans-all = 全部档案
staff-plans-due = 只看到期回访
staff-plans-none = 暂无帮扶档案。
staff-plan-owner = 负责人（用户名）
staff-plan-next = 下次回访
staff-plan-due = 已到期
staff-plan-open = 待处理
staff-plan-in_progress = 跟进中
staff-plan-closed = 已结案
staff-plan-withheld = 原因来自毕业生的答卷，只有就业指导中心和院系负责人可以查看。
staff-plan-reasons = 纳入原因
staff-plan-causes = 本人所述原因
staff-plan-reason-job_satisfaction = 工作满意度低
staff-plan-reason-salary = 月薪低于标准
staff-plan-actions = 帮扶措施
staff-plan-follow-up = 本次回访记录（可选）
staff-plan-save = 保存
staff-plan-history = 回访记录
staff-plans-opened-title = 已建立一人一策档案
staff-plans-opened-body = 读取了 { $checked } 份完整答卷：新建 { $opened } 份档案，{ $existing } 人已有档案。
