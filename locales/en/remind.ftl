# Invitations and reminders (e-mail, SMS, bot), and the unsubscribe pages.
# Variables: $name (the person), $survey (the survey's title), $code (invitation code),
# $deadline (last day, YYYY-MM-DD), $link (personal link).

remind-subject-invitation = Invitation: { $survey }
remind-subject-reminder = Reminder: { $survey }
remind-greeting = Dear { $name },
remind-body-invitation = Your university invites you to take part in the “{ $survey }”. It takes about ten minutes and works well on a phone. Each page is saved as you go, so you can stop and come back.
remind-body-reminder = We have not received your answers to the “{ $survey }” yet. Every answer helps the university improve its teaching and career services — it takes about ten minutes.
remind-link-label = Open my survey
remind-link-text = Your personal link (please do not share it):
remind-code = You can also send the code { $code } to our WeChat account to answer there.
remind-deadline = The survey is open until { $deadline }.
remind-privacy = Your answers are used only for statistics and to improve teaching; analyses never identify you.
remind-signature = Graduate Employment Office
remind-unsubscribe = Do not want these e-mails? Unsubscribe:
remind-unsubscribe-label = Unsubscribe
remind-bot-invitation = { $name }, you are invited to the “{ $survey }” (about ten minutes). Open your personal link: { $link }
remind-bot-reminder = { $name }, a reminder: we have not received your answers to the “{ $survey }” yet. Open your personal link: { $link }

unsub-confirm-title = Stop the reminders?
unsub-confirm-body = You will receive no more invitations or reminders about the “{ $survey }”. Answers you already gave are kept and never passed on.
unsub-confirm-button = Unsubscribe
unsub-done-title = You are unsubscribed
unsub-done-body = We will send you no more messages about the “{ $survey }”. If you change your mind, your survey link still works.
