# 聊天机器人：看不懂回复时的提示（回复解析器 src/bot/parse.rs 的 Reason）。之后会再把题目发一遍。

bot-invalid-empty = 没有收到内容，请回复答案。
bot-invalid-no-such-option = 没有第 { $given } 项，请回复 1 到 { $count } 之间的数字。
bot-invalid-no-match = 没看懂这个回复，请回复选项前的数字，例如“2”。
bot-invalid-ambiguous = 这个回复对应多个选项，请回复选项前的数字。
bot-invalid-only-one = 本题只能选一项，请只回复一个数字。
bot-invalid-number = 请回复一个数字，例如 8000、8千 或 1.2万。
bot-invalid-range = 请回复一个数，不要回复范围。
bot-invalid-scale = 请回复 { $min } 到 { $max } 之间的整数。
bot-invalid-year-month = 请按“年-月”回复，例如 2025-07 或 2025年7月。
bot-invalid-yes-no = 请回复“是”或“否”。
bot-invalid-place = 没找到这个地方，请回复省份和城市，例如“广东深圳”；在境外请回复“国外”。
bot-invalid-ambiguous-place = 这个名字对应多个地方，请同时写上省份，例如“广东深圳”。

# 聊天机器人：对话（src/bot/conversation.rs）。
bot-greeting = 您好！这里是{ -bot-office }的毕业生就业跟踪调查。请发送邀请短信或邮件中的 8 位邀请码（如 ABCD-EFGH）开始答题。回复“帮助”查看指令。
bot-code-wrong = 未找到该邀请码，请核对后重新发送（8 位，如 ABCD-EFGH）。
bot-code-locked = 错误次数过多，请 { $minutes } 分钟后再试，或打开邀请中的链接答题。
bot-code-expired = 本次调查已结束，仍然感谢您！
bot-bound = { $name }同学您好！欢迎参加“{ $survey }”。
bot-consent = 开始前，请了解我们如何保护您的个人信息：
bot-consent-full = 完整说明：{ $link }
bot-consent-ask = 您是否同意？
bot-consent-accept = 同意并开始
bot-consent-decline = 不同意
bot-consent-declined = 好的，我们不会保存任何信息。如改变主意，发送任意消息后选择同意即可。
bot-progress = （{ $n }/{ $total }）
bot-hint-multiple = 可多选：请回复选项编号，如 1,3。
bot-hint-number = 请回复数字{ $unit ->
    [none] 。
   *[other] （{ $unit }）。
}
bot-hint-year-month = 请回复年月，如 2025-07 或 2025年7月。
bot-hint-region = 请回复城市（可加省份），如“广东深圳”；在国外请回复“国外”。
bot-hint-text = 请直接回复您的答案。
bot-hint-optional = （选答：回复“跳过”可略过）
bot-hint-score = 请回复 0 到 100 之间的整数。
bot-city = 请问在{ $province }的哪个城市？
bot-saved = 已保存。
bot-help =
    指令：
    返回 — 上一题
    跳过 — 略过选答题
    语言 — 中文 / English
    网页 — 获取个人链接，在网页上继续填写
    退订 — 退出本次调查并不再接收提醒
    重新开始 — 从第一题重新过一遍
    帮助 — 显示本列表
bot-back-first = 这已经是第一题。
bot-skip-required = 本题为必答题。
bot-language-set = 语言：中文。
bot-web-link = 您的个人链接（可接着填写）：{ $link }
bot-stop-confirm = 确定要退出本次调查吗？退出后不会再收到本次调查的提醒。
bot-stop-yes = 确定退出
bot-stop-no = 继续答题
bot-stopped = 已为您退出本次调查，不会再收到相关提醒。谢谢！
bot-stop-cancelled = 好的，我们继续。
bot-restart = 从第一题重新开始。原有答案会保留，直到您修改；回复“跳过”可保留原答案。
bot-thanks = 感谢您！问卷已全部完成并保存。
bot-next-survey = 您还有一份问卷：“{ $survey }”。
bot-all-done = 您目前没有待填写的问卷，谢谢！
bot-wave-closed = 本次调查已结束，答案不能再修改。
bot-list-button = 选择
bot-try-again = 抱歉，系统出了点问题，请重新发送您的回复。
-bot-office = 学校就业指导中心
