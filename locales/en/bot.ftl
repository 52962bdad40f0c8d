# Chat bot: what it says when it cannot read a reply (the reply parser's Reason, src/bot/parse.rs).
# The question is sent again after it.

bot-invalid-empty = Nothing came through; please reply with your answer.
bot-invalid-no-such-option = There is no option { $given }; please reply with a number from 1 to { $count }.
bot-invalid-no-match = Sorry, I did not understand. Please reply with the option's number, e.g. "2".
bot-invalid-ambiguous = That fits several options; please reply with the option's number.
bot-invalid-only-one = Only one option can be chosen here; please reply with one number.
bot-invalid-number = Please reply with a number, e.g. 8000 or 8k.
bot-invalid-range = Please reply with one number, not a range.
bot-invalid-scale = Please reply with a whole number from { $min } to { $max }.
bot-invalid-year-month = Please reply with a year and month, e.g. 2025-07.
bot-invalid-yes-no = Please reply yes or no.
bot-invalid-place = I could not find that place. Please reply with the city and province, e.g. "Shenzhen, Guangdong", or "abroad".
bot-invalid-ambiguous-place = That name fits several places; please add the province, e.g. "Shenzhen, Guangdong".
