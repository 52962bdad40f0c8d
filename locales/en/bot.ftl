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

# Chat bot: the conversation (src/bot/conversation.rs).
bot-greeting = Hello! This is the graduate employment survey of { -bot-office }. Please send the 8-character invitation code from your invitation (e.g. ABCD-EFGH) to begin. Reply "help" for the commands.
bot-code-wrong = That code was not found. Please check it and send it again (8 characters, e.g. ABCD-EFGH).
bot-code-locked = Too many wrong codes. Please wait { $minutes } minutes and try again, or open the link in your invitation.
bot-code-expired = This survey has closed. Thank you all the same.
bot-bound = Hello { $name }! Welcome to the survey “{ $survey }”.
bot-consent = Before we start — how we protect your personal information:
bot-consent-full = Full notice: { $link }
bot-consent-ask = Do you agree?
bot-consent-accept = I agree — start
bot-consent-decline = I do not agree
bot-consent-declined = Understood: nothing will be saved. If you change your mind, send any message and accept the notice.
bot-progress = ({ $n }/{ $total })
bot-hint-multiple = Several answers allowed: reply with their numbers, e.g. 1,3.
bot-hint-number = Reply with a number{ $unit ->
    [none] .
   *[other] ({ $unit }).
}
bot-hint-year-month = Reply with year and month, e.g. 2025-07.
bot-hint-region = Reply with the city (and province), e.g. "Shenzhen, Guangdong", or "abroad".
bot-hint-text = Reply with your answer.
bot-hint-optional = (optional: reply "skip" to pass)
bot-hint-score = Reply with a whole number from 0 to 100.
bot-city = Which city in { $province }?
bot-saved = Saved.
bot-help =
    Commands:
    back — previous question
    skip — pass over an optional question
    language — 中文 / English
    web — get your personal link to finish on the web
    stop — leave this survey and its reminders
    restart — go through the survey again from the start
    help — this list
bot-back-first = This is the first question.
bot-skip-required = This question needs an answer.
bot-language-set = Language: English.
bot-web-link = Your personal link (continue where you left off): { $link }
bot-stop-confirm = Do you really want to leave this survey? You will get no more reminders for it.
bot-stop-yes = Yes, leave
bot-stop-no = No, continue
bot-stopped = Done: you have left this survey and will get no more reminders for it. Thank you.
bot-stop-cancelled = Fine, let us continue.
bot-restart = From the first question again. Your answers are kept until you change them; reply "skip" to keep one.
bot-thanks = Thank you! Your answers are complete and saved.
bot-next-survey = You also have the survey “{ $survey }”.
bot-all-done = You have no open survey now. Thank you!
bot-wave-closed = This survey is closed; answers can no longer be changed.
bot-list-button = Choose
bot-try-again = Sorry, something went wrong on our side. Please send your reply again.
-bot-office = the university's Career Services Centre
