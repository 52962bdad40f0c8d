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
