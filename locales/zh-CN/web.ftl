# 网页问卷的界面文字。问卷题目的文字在 survey-<id>.ftl。

web-brand = 毕业生就业质量跟踪调查
web-language = 语言
web-contact = 如有疑问，请联系：{ $contact }

web-privacy-title = 个人信息保护告知
web-privacy-version = 告知版本：第 { $version } 版
web-consent-accept = 同意并开始填写
web-consent-decline = 不同意
web-declined-before = 您此前未同意本告知，因此没有收集您的任何答案。如您改变主意，可以阅读后同意并开始填写。
web-opted-out-before = 您此前已选择退出本次调查，我们不会再向您发送提醒。如您愿意继续参与，可以阅读后同意并开始填写。
web-declined-title = 已记录您的选择
web-declined-body = 您没有同意个人信息保护告知，因此我们不会收集您的任何答案。您随时可以重新打开此链接参与调查。
web-declined-undo = 我改变主意了，同意并开始填写

web-progress = 第 { $page } 页，共 { $pages } 页
web-errors-title = 有 { $count } 处需要修改：
web-back = 上一页
web-next = 下一页
web-finish = 提交问卷
web-saved-note = 每一页提交后都会自动保存。您可以随时离开，下次打开同一链接会从中断的地方继续。
web-other-specify = 请注明
web-year = 年份
web-month-label = 月份
web-month = { $month } 月
web-province = 省份
web-city = 城市
web-county = 在县城或乡镇（县级及以下）

web-thanks-title = 感谢您完成问卷！
web-thanks-body = 您的回答已保存。学校将据此改进人才培养和就业服务，统计时会去除可识别您身份的信息。
web-review = 查看或修改我的回答

web-not-open-title = 调查尚未开始
web-not-open-body = 本次调查将于 { $date } 开始，届时请再次打开此链接。
web-closed-title = 调查已结束
web-closed-body = 本次调查已经截止，无法再填写或修改。感谢您的关注。

web-error-link-title = 链接无效
web-error-link-body = 这个问卷链接无法识别，可能复制不完整或已被更换。请使用短信、邮件或微信中收到的最新链接，或联系您的班级联络员获取新链接。
web-error-expired-title = 链接已过期
web-error-expired-body = 这个问卷链接已超过有效期。如需补填，请联系您的班级联络员或学校就业指导中心。
web-error-attempts-title = 尝试次数过多
web-error-attempts-body = 为保护您的信息安全，请 { $minutes } 分钟后再试。
web-error-forbidden-title = 页面已过期
web-error-forbidden-body = 为了安全，请重新打开问卷链接后再提交。已保存的回答不会丢失。
web-error-invalid-title = 无法完成这个操作
web-error-invalid-body = 请重新打开问卷链接，按页面提示继续填写。已保存的回答不会丢失。
web-error-conflict-title = 回答已在别处更新
web-error-conflict-body = 您的回答刚刚在另一台设备上更新过，请重新打开链接查看最新内容。
web-error-server-title = 系统暂时出了问题
web-error-server-body = 这不是您的原因。您已提交的回答都已保存，请稍后重新打开链接继续填写。
web-invalid-month = 请同时选择年份和月份。
web-error-item = { $question }：{ $error }
web-privacy-more = 查看完整的个人信息保护告知
