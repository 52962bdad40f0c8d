# 邀请与提醒（邮件、短信、机器人消息）及退订页面。
# 变量：$name（本人）、$survey（问卷标题）、$code（邀请码）、$deadline（截止日期 YYYY-MM-DD）、$link（个人链接）。

remind-subject-invitation = 邀请：{ $survey }
remind-subject-reminder = 提醒：{ $survey }
remind-greeting = { $name }，您好！
remind-body-invitation = 学校诚邀您参加“{ $survey }”。答题约需十分钟，手机即可完成；每一页提交后即保存，可随时中断、稍后继续。
remind-body-reminder = 我们尚未收到您对“{ $survey }”的回答。您的每一条回答都将帮助学校改进人才培养和就业服务，答题约需十分钟。
remind-link-label = 开始答题
remind-link-text = 您的个人专属链接（请勿转发）：
remind-code = 您也可以向学校微信公众号发送邀请码 { $code }，在微信中答题。
remind-deadline = 问卷开放至 { $deadline }。
remind-privacy = 您的回答仅用于统计分析和教学改进，分析结果不会识别到个人。
remind-signature = 毕业生就业指导中心
remind-unsubscribe = 不想再收到此类邮件？退订：
remind-unsubscribe-label = 退订
remind-bot-invitation = { $name }，诚邀您参加“{ $survey }”（约十分钟）。请打开您的个人链接：{ $link }
remind-bot-reminder = { $name }，温馨提醒：我们尚未收到您对“{ $survey }”的回答。请打开您的个人链接：{ $link }

unsub-confirm-title = 退订提醒？
unsub-confirm-body = 退订后，您将不再收到关于“{ $survey }”的邀请和提醒。您已提交的回答将被保留，且不会提供给任何第三方。
unsub-confirm-button = 确认退订
unsub-done-title = 已退订
unsub-done-body = 我们将不再向您发送关于“{ $survey }”的消息。如您改变主意，原问卷链接仍然有效。
