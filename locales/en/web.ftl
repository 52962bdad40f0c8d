# Texts of the web form itself. Question texts are in survey-<id>.ftl.

web-brand = Graduate Career Tracking Survey
web-language = Language
web-contact = Questions? Contact { $contact }.

web-privacy-title = How we protect your personal information
web-privacy-version = Notice version { $version }
web-consent-accept = I have read this and agree — start
web-consent-decline = I do not agree
web-declined-before = You did not agree to this notice before, so none of your answers were collected. If you have changed your mind, read it and agree to start.
web-opted-out-before = You opted out of this survey before, and we stopped sending reminders. If you would like to take part after all, read the notice and agree to start.
web-declined-title = Your choice is recorded
web-declined-body = You did not agree to the privacy notice, so we will not collect any of your answers. You can open this link again at any time to take part.
web-declined-undo = I changed my mind — agree and start

web-progress = Page { $page } of { $pages }
web-errors-title = { $count ->
    [one] One answer needs your attention:
   *[other] { $count } answers need your attention:
}
web-back = Back
web-next = Next
web-finish = Submit
web-saved-note = Each page is saved when you submit it. You can leave at any time; opening the same link again takes you back where you stopped.
web-other-specify = Please specify
web-year = Year
web-month-label = Month
web-month = { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
}
web-province = Province
web-city = City
web-county = In a county town or rural area (county level or below)

web-thanks-title = Thank you for completing the survey!
web-thanks-body = Your answers are saved. The university uses them to improve its teaching and career services; analyses never identify you.
web-review = Review or change my answers

web-not-open-title = The survey has not started yet
web-not-open-body = This survey opens on { $date }. Please open this link again then.
web-closed-title = The survey is closed
web-closed-body = This survey has closed, so answers can no longer be given or changed. Thank you for your interest.

web-error-link-title = This link is not valid
web-error-link-body = We could not recognise this survey link. It may have been copied incompletely or replaced. Please use the latest link from your text message, e-mail or WeChat, or ask your class liaison for a new one.
web-error-expired-title = This link has expired
web-error-expired-body = This survey link is past its validity. To answer late, please contact your class liaison or the graduate employment office.
web-error-attempts-title = Too many attempts
web-error-attempts-body = To keep your information safe, please try again in { $minutes ->
    [one] one minute
   *[other] { $minutes } minutes
}.
web-error-forbidden-title = This page has expired
web-error-forbidden-body = For your security, please open the survey link again before submitting. Answers already saved are not lost.
web-error-invalid-title = That could not be done
web-error-invalid-body = Please open the survey link again and continue as the page says. Answers already saved are not lost.
web-error-conflict-title = Your answers were updated elsewhere
web-error-conflict-body = Your answers were just changed on another device. Please open the link again to see the latest.
web-error-server-title = Something went wrong on our side
web-error-server-body = It is not your fault. Everything you submitted is saved; please open the link again in a little while to continue.
web-invalid-month = Please choose both the year and the month.
web-error-item = { $question }: { $error }
web-privacy-more = Read the full notice
